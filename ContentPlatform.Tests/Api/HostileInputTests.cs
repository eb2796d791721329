using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ContentPlatform.Tests.Api;

// Every endpoint of the OpenAPI document, fed hostile text in its path, query, headers and JSON body: bad input
// is a 4xx, never a 5xx. Text PostgreSQL cannot store (NUL, lone surrogates) is a 400 with a message.
public sealed class HostileInputTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private const string Unstorable = "Text must not contain NUL characters or invalid Unicode";

    // Raw JSON values (escapes included as the client sends them), with the URL form of the same text.
    private static readonly (string Json, string Url)[] HostileValues =
    [
        ("\"\\u0000\"", "%00"),
        ("\"a\\u0000b\"", "a%00b"),
        ("\"\\ud800\"", "%ED%A0%80"),
        ("\"\\udc00x\"", "%ED%B0%80x"),
        ("\"" + new string('x', 20_000) + "\"", new string('x', 10_000)),
        ("\"' OR 1=1; DROP TABLE users; --\"", Uri.EscapeDataString("' OR 1=1; DROP TABLE users; --")),
        ("\"../../../../etc/passwd\"", "..%2F..%2F..%2Fetc%2Fpasswd"),
        ("\"%00%2e%2e%2f\"", "%2500%252e"),
        ("12345678901234567890123456789", "12345678901234567890123456789"),
        ("-1e400", "-1e400"),
        ("true", "true"),
        ("[]", "%5B%5D"),
        ("{}", "%7B%7D"),
        ("null", "null"),
        ("[" + string.Concat(Enumerable.Repeat("[", 5000)) + string.Concat(Enumerable.Repeat("]", 5000)) + "]", "%5B%5B%5B"),
    ];

    private static readonly string[] HostileBodies =
    [
        "{\"\\ud800\":1.5,\"email\":\"a@example.com\",\"password\":\"p\",\"name\":\"n\"}",
        "{\"\\u0000\":\"x\"}",
        "{\"a\":1,\"a\":2}",
        "{\"a\":",
        "\"\\ud800\"",
        string.Concat(Enumerable.Repeat("{\"a\":", 5000)) + "1" + new string('}', 5000),
        "[" + string.Concat(Enumerable.Repeat("[", 100_000)),
        "\u0000",
        "not json at all",
    ];

    [Fact]
    public async Task A_nul_byte_in_a_search_answers_400_with_a_message()
    {
        var (client, _) = await factory.CreateUserAsync();

        await HttpAssert.MessageAsync(await client.GetAsync("/content?search=%00"), HttpStatusCode.BadRequest, Unstorable);
    }

    [Fact]
    public async Task A_lone_surrogate_in_a_json_key_answers_400_with_a_message()
    {
        var body = "{\"\\ud800\":1.5,\"name\":\"n\",\"email\":\"a@example.com\",\"password\":\"password123\"}";

        var response = await factory.CreateClient().PostAsync("/auth/register", Json(body));

        await HttpAssert.MessageAsync(response, HttpStatusCode.BadRequest, Unstorable);
    }

    [Theory]
    [InlineData("\"a\\u0000b\"")]
    [InlineData("\"a\\ud800\"")]
    [InlineData("\"\\udfff\"")]
    public async Task Unstorable_text_in_a_json_value_answers_400_with_a_message(string title)
    {
        var (client, _) = await factory.CreateUserAsync();
        var body = $"{{\"title\":{title},\"type\":\"Blog Post Outline\",\"body\":\"b\"}}";

        await HttpAssert.MessageAsync(await client.PostAsync("/content", Json(body)), HttpStatusCode.BadRequest, Unstorable);
        Assert.Empty((await HttpAssert.JsonAsync(await client.GetAsync("/content"), HttpStatusCode.OK)).EnumerateArray());
    }

    [Fact]
    public async Task A_nul_byte_in_the_session_header_answers_400_in_the_api_v1_shape()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/jobs/website-analysis") { Content = Json("{\"url\":\"https://example.com\"}") };
        request.Headers.TryAddWithoutValidation("x-session-id", "abc\0def");

        var response = await factory.CreateClient().SendAsync(request);

        var json = await HttpAssert.JsonAsync(response, HttpStatusCode.BadRequest);
        Assert.False(json.GetProperty("success").GetBoolean());
        Assert.Equal(Unstorable, json.GetProperty("message").GetString());
    }

    [Fact]
    public async Task No_endpoint_of_the_openapi_document_answers_5xx_to_hostile_input()
    {
        var (client, _) = await factory.CreateUserAsync();
        client.DefaultRequestHeaders.Add("x-session-id", "hostile-session");
        var document = await HttpAssert.JsonAsync(await client.GetAsync("/openapi/v1.json"), HttpStatusCode.OK);
        var schemas = document.GetProperty("components").GetProperty("schemas");
        var failures = new List<string>();
        var sent = 0;

        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var method = new HttpMethod(operation.Name.ToUpperInvariant());
                var queryNames = Parameters(operation.Value, "query").Append("search").Append("token").Distinct().ToArray();
                var fields = BodyFields(operation.Value, schemas);
                foreach (var (json, url) in HostileValues)
                {
                    // Kestrel answers 400 to a NUL in the path before the app runs; the test server cannot even send one.
                    var realPath = System.Text.RegularExpressions.Regex.Replace(path.Name, @"\{[^}]+\}", url.Replace("%00", "%2500"));
                    var query = string.Join('&', queryNames.Select(q => $"{q}={url}"));
                    var body = "{" + string.Join(',', fields.Select(f => $"\"{f}\":{json}")) + "}";
                    await Send(method, $"{realPath}?{query}", body, header: null);
                    await Send(method, PathWithSampleIds(path.Name), body, header: null);
                    await Send(method, PathWithSampleIds(path.Name), "{}", header: json.Trim('"'));
                }
                // A string of almost 1 MB in one field (the body cap is 1 MB): the operation's own last field, or "type".
                await Send(method, PathWithSampleIds(path.Name), $"{{\"{fields[^1]}\":\"{new string('x', 1_000_000)}\"}}", header: null);
                foreach (var body in HostileBodies)
                {
                    await Send(method, PathWithSampleIds(path.Name), body, header: null);
                }
            }
        }

        Assert.True(sent > 500, $"only {sent} requests sent");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));

        async Task Send(HttpMethod method, string uri, string body, string? header)
        {
            using var request = new HttpRequestMessage(method, uri);
            if (method != HttpMethod.Get && method != HttpMethod.Delete)
            {
                request.Content = Json(body);
            }
            if (header is not null)
            {
                request.Headers.TryAddWithoutValidation("x-session-id", header.Length > 8000 ? header[..8000] : header);
                request.Headers.TryAddWithoutValidation("Last-Event-ID", header.Length > 8000 ? header[..8000] : header);
            }
            // Streams (SSE) stay open: the status line is all this test needs.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            sent++;
            if ((int)response.StatusCode >= 500)
            {
                failures.Add($"{method} {uri[..Math.Min(uri.Length, 200)]} body {body[..Math.Min(body.Length, 200)]} → {(int)response.StatusCode}");
            }
        }
    }

    private static string PathWithSampleIds(string path) =>
        System.Text.RegularExpressions.Regex.Replace(path, @"\{[^}]+\}", Guid.NewGuid().ToString());

    private static IEnumerable<string> Parameters(JsonElement operation, string location) =>
        operation.TryGetProperty("parameters", out var parameters)
            ? parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == location).Select(p => p.GetProperty("name").GetString()!)
            : [];

    // The request body's field names from its schema, plus names every endpoint of the documents reads.
    private static string[] BodyFields(JsonElement operation, JsonElement schemas)
    {
        var names = new List<string> { "url", "title", "name", "email", "password", "contentType", "prompt", "topic", "body", "type" };
        if (operation.TryGetProperty("requestBody", out var requestBody)
            && requestBody.GetProperty("content").EnumerateObject().FirstOrDefault().Value is { ValueKind: JsonValueKind.Object } content
            && content.TryGetProperty("schema", out var schema)
            && schema.TryGetProperty("$ref", out var reference)
            && schemas.TryGetProperty(reference.GetString()!.Split('/')[^1], out var component)
            && component.TryGetProperty("properties", out var properties))
        {
            names.AddRange(properties.EnumerateObject().Select(p => p.Name));
        }
        return names.Distinct().ToArray();
    }

    private static StringContent Json(string body)
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
