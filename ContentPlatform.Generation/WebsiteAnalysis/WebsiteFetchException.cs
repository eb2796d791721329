using ContentPlatform.Generation.ModelAccess;

namespace ContentPlatform.Generation.WebsiteAnalysis;

// Why a page could not be fetched, in words for the user ("Website returned HTTP 500").
public sealed class WebsiteFetchException(string message, string errorCode, Exception? innerException = null)
    : GenerationFailedException(message, errorCode, innerException);
