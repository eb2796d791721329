using System.Text.Json;
using ContentPlatform.Generation.ModelAccess;
using ContentPlatform.Tests.Api;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace ContentPlatform.Tests.ContentFlywheel;

// The real Api (offline generator unless a test gives it a model), with variations built per test.
public sealed class FlywheelApiFactory : ApiFactory
{
    public static readonly object TopicsExample = new
    {
        theme = "cybersecurity for nonprofits",
        audience = "nonprofit ED",
        goals = new[] { "reduce risk", "compliance" },
        constraints = "no jargon, board-friendly",
        region = "",
    };

    public static readonly object GenerateExample = new
    {
        topic = new
        {
            title = "5 backup habits that protect nonprofit data",
            hook = "Most small orgs lose data to simple mistakes.",
            persona = "nonprofit ED",
        },
        asset_types = new[] { "linkedin", "blog", "email", "onepager" },
        brand_voice = new { },
        constraints = new { },
    };

    // The Api with these settings and, when given, this model in place of the configured one.
    public WebApplicationFactory<Program> With(IChatClient? model = null, Dictionary<string, string>? settings = null) =>
        WithWebHostBuilder(builder =>
        {
            foreach (var (key, value) in settings ?? [])
            {
                builder.UseSetting(key, value);
            }
            if (model is not null)
            {
                builder.ConfigureTestServices(services =>
                {
                    services.AddSingleton(model);
                    services.AddSingleton<IModelInfo>(new ConfiguredModel());
                });
            }
        });

    private sealed class ConfiguredModel : IModelInfo
    {
        public bool IsOffline => false;
    }
}

// What a model that follows the flywheel's instructions answers, and which request a conversation is.
internal static class ModelScripts
{
    public const string Topics = "topics";

    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    public static string KindOf(IReadOnlyList<ChatMessage> conversation)
    {
        var system = conversation[0].Text;
        return system.Contains("content strategist") ? Topics
            : system.Contains("LinkedIn posts") ? "linkedin"
            : system.Contains("blog post") ? "blog"
            : system.Contains("newsletter email") ? "email"
            : system.Contains("one-pager") ? "onepager"
            : system.Contains("workshop outline") ? "workshop_outline"
            : throw new InvalidOperationException($"Not a flywheel request: {system}");
    }

    public static string Valid(string kind) => kind switch
    {
        Topics => JsonSerializer.Serialize(new
        {
            topics = Enumerable.Range(1, 10).Select(i => new
            {
                title = $"Model topic {i}",
                hook = $"Hook {i}.",
                persona = "nonprofit ED",
                whyItMatters = $"Reason {i}.",
                ctaType = "free resource",
                difficulty = i % 2 == 0 ? "Medium" : "low",
            }),
        }, Json),
        "linkedin" => JsonSerializer.Serialize(new
        {
            posts = new[] { "Educational", "Story", "Contrarian" }.Select(variant => new { variant, content = Words(60) }),
        }, Json),
        _ => JsonSerializer.Serialize(new { title = $"Model {kind} title", content = $"# Model {kind}\n\n{Words(400)}" }, Json),
    };

    public static string Valid(IReadOnlyList<ChatMessage> conversation) => Valid(KindOf(conversation));

    // n words: "w1 w2 ... wn".
    public static string Words(int count) => string.Join(" ", Enumerable.Range(1, count).Select(i => $"w{i}"));
}
