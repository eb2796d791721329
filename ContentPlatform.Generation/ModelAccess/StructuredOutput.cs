using Microsoft.Extensions.AI;

namespace ContentPlatform.Generation.ModelAccess;

// Typed answers from a model: JSON-schema response format, validated, asked again once, then a clear failure.
public static class StructuredOutput
{
    // validate returns null when the value is acceptable, else what is wrong with it (told to the model on the retry).
    public static async Task<T> GetAsync<T>(
        IChatClient chatClient,
        IEnumerable<ChatMessage> messages,
        Func<T, string?> validate,
        string what,
        CancellationToken cancellationToken)
    {
        var conversation = messages.ToList();
        for (var attempt = 1; ; attempt++)
        {
            var response = await chatClient.GetResponseAsync<T>(
                conversation, options: null, useJsonSchemaResponseFormat: true, cancellationToken);
            var problem = response.TryGetResult(out var value) && value is not null
                ? validate(value)
                : "the answer was not JSON matching the schema";
            if (problem is null)
            {
                return value!;
            }
            if (attempt == 2)
            {
                throw new GenerationFailedException(
                    $"The model returned an invalid {what} twice ({problem})", GenerationErrorCodes.InvalidModelOutput);
            }
            conversation.AddRange(response.Messages);
            conversation.Add(new ChatMessage(ChatRole.User,
                $"That answer is invalid: {problem}. Answer again with only JSON that matches the schema."));
        }
    }
}
