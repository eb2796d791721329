namespace ContentPlatform.Api.Extensions;

// A request body holding text PostgreSQL cannot store; ApiExceptionHandler answers 400 with RequestText.Unstorable.
public sealed class UnstorableTextException() : Exception(RequestText.Unstorable);
