using ContentPlatform.Generation.ModelAccess;
using Microsoft.Extensions.Configuration;

namespace ContentPlatform.Tests.Generation;

public sealed class AiConnectionTests
{
    private static AiConnection? Read(params (string Key, string Value)[] settings) =>
        AiConnection.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());

    [Fact]
    public void Nothing_configured_means_offline() => Assert.Null(Read());

    [Fact]
    public void A_connection_string_names_endpoint_key_model_and_provider()
    {
        var connection = Read(("ConnectionStrings:ai", "Endpoint=https://example.openai.azure.com/openai/v1/;Key=secret;Deployment=gpt-4o"))!;

        Assert.Equal(AiProvider.OpenAI, connection.Provider);
        Assert.Equal(new Uri("https://example.openai.azure.com/openai/v1/"), connection.Endpoint);
        Assert.Equal("secret", connection.Key);
        Assert.Equal("gpt-4o", connection.Model);
        Assert.DoesNotContain("secret", connection.ToString());
    }

    [Fact]
    public void Ollama_defaults_to_the_local_server()
    {
        var connection = Read(("ConnectionStrings:ai", "Provider=ollama"))!;

        Assert.Equal(AiProvider.Ollama, connection.Provider);
        Assert.Equal(new Uri("http://localhost:11434"), connection.Endpoint);
        Assert.Equal(AiConnection.DefaultOllamaModel, connection.Model);
    }

    [Fact]
    public void OPENROUTER_KEY_alone_points_at_openrouter()
    {
        var connection = Read(("OPENROUTER_KEY", "k"))!;

        Assert.Equal(new Uri("https://openrouter.ai/api/v1"), connection.Endpoint);
        Assert.Equal(AiConnection.DefaultOpenRouterModel, connection.Model);
    }

    [Theory]
    [InlineData("Provider=bard")]
    [InlineData("Endpoint=ftp://example.com")]
    [InlineData("Endpoint=not a url")]
    public void Invalid_connection_strings_are_refused_with_a_clear_message(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read(("ConnectionStrings:ai", value)));

        Assert.Contains("AI", error.Message, StringComparison.OrdinalIgnoreCase);
    }
}
