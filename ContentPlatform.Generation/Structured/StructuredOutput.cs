using System.Text.Json;
using ContentPlatform.Generation.ModelAccess;
using Microsoft.Extensions.AI;

namespace ContentPlatform.Generation.Structured;

// Typed answers (topics, assets, calendars): asks for JSON matching T's schema, parses and validates it,
// and on a malformed or invalid answer asks once more, telling the model what was wrong.
// Offline, OfflineChatClient answers with an instance of the schema (or a registered IOfflineResponder's answer).
public static class StructuredOutput
{
    private const int Attempts = 2;

    // validate returns null when the value is acceptable, otherwise what is wrong with it (sent back to the model).
    public static async Task<T> GetAsync<T>(
        IChatClient chatClient,
        IEnumerable<ChatMessage> messages,
        Func<T, string?>? validate = null,
        ChatOptions? options = null,
        JsonSerializerOptions? serializerOptions = null,
        CancellationToken cancellationToken = default)
    {
        var conversation = messages.ToList();
        for (var attempt = 1; ; attempt++)
        {
            var response = await chatClient.GetResponseAsync<T>(
                conversation, serializerOptions ?? JsonSerializerOptions.Web, options?.Clone(), useJsonSchemaResponseFormat: true, cancellationToken);

            var problem = Check(response, validate, out var value);
            if (problem is null)
            {
                return value!;
            }
            if (attempt == Attempts)
            {
                throw new GenerationException($"{GenerationException.MalformedOutput}: {problem}");
            }

            conversation.AddRange(response.Messages);
            conversation.Add(new ChatMessage(ChatRole.User,
                $"Your previous answer was rejected: {problem}. Answer again with only the JSON value matching the schema."));
        }
    }

    private static string? Check<T>(ChatResponse<T> response, Func<T, string?>? validate, out T? value)
    {
        bool parsed;
        try
        {
            parsed = response.TryGetResult(out value);
        }
        catch (JsonException ex)
        {
            value = default;
            return $"the answer is not valid JSON for the schema ({ex.Message})";
        }
        if (!parsed || value is null)
        {
            return "the answer is not valid JSON for the schema";
        }
        return validate?.Invoke(value);
    }
}
