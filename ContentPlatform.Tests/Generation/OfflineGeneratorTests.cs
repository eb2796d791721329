using ContentPlatform.Generation.ModelAccess;
using System.Text.RegularExpressions;
using ContentPlatform.Data.Entities;
using ContentPlatform.Generation.Offline;
using ContentPlatform.Generation.WebsiteAnalysis;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ContentPlatform.Tests.Generation;

public sealed class OfflineGeneratorTests : IDisposable
{
    private readonly IHost _host = GenerationHost.Build(new Dictionary<string, string?>());

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task With_no_model_configured_the_offline_generator_answers()
    {
        Assert.True(_host.Services.GetRequiredService<IModelInfo>().IsOffline);
        Assert.Equal(OfflineChatClient.ModelName, _host.ChatClient().GetService<ChatClientMetadata>()?.DefaultModelId);

        var result = await _host.Generator().GenerateAsync(ContentTypes.SocialMediaCaption, "Autumn coffee blends");

        Assert.True(result.GeneratedOffline);
        Assert.Equal(OfflineChatClient.ModelName, result.Model);
        Assert.Contains("Autumn coffee blends", result.Markdown, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_blog_post_outline_has_a_title_numbered_sections_and_bullets_about_the_subject()
    {
        var result = await _host.Generator().GenerateAsync(ContentTypes.BlogPostOutline, "benefits of remote work");

        Assert.True(result.GeneratedOffline);
        Assert.Equal(OfflineChatClient.ModelName, result.Model);
        var lines = result.Markdown.Split('\n');
        Assert.Equal("# Benefits of remote work: A Blog Post Outline", lines[0]);
        Assert.True(lines.Count(l => Regex.IsMatch(l, @"^## [IVX]+\. ")) >= 5);
        Assert.True(lines.Count(l => l.StartsWith("- ", StringComparison.Ordinal)) >= 10);
        Assert.Contains("## I. Introduction", lines);
        Assert.Contains(lines, l => l.StartsWith("- ", StringComparison.Ordinal) && l.Contains("Benefits of remote work"));
        Assert.EndsWith("*Generated offline from templates: no AI model is configured.*", result.Markdown);
    }

    [Fact]
    public async Task A_product_description_names_the_product_and_lists_features()
    {
        var result = await _host.Generator().GenerateAsync(ContentTypes.ProductDescription, "Eco-friendly water bottle for hikers");

        Assert.StartsWith("# Eco-friendly water bottle for hikers\n", result.Markdown);
        Assert.Contains("## Key Features", result.Markdown);
        Assert.True(Regex.Matches(result.Markdown, @"^- \*\*[^*]+\*\*: ", RegexOptions.Multiline).Count >= 3);
        Assert.Contains("Generated offline", result.Markdown);
    }

    [Fact]
    public async Task A_social_media_caption_has_hashtags_from_the_subject()
    {
        var result = await _host.Generator().GenerateAsync(ContentTypes.SocialMediaCaption, "Summer sale on surfboards!");

        Assert.Contains("Summer sale on surfboards", result.Markdown);
        var hashtags = Regex.Matches(result.Markdown, @"#[\p{L}\p{N}]+").Select(m => m.Value).ToArray();
        Assert.Contains("#summer", hashtags);
        Assert.Contains("#sale", hashtags);
        Assert.Contains("#surfboards", hashtags);
        Assert.Equal(hashtags.Length, hashtags.Distinct().Count());
        Assert.Contains("Generated offline", result.Markdown);
    }

    [Fact]
    public async Task Offline_answers_are_deterministic_and_long_prompts_give_a_short_headline()
    {
        var prompt = string.Join(' ', Enumerable.Repeat("sustainable gardening tips", 60));

        var first = await _host.Generator().GenerateAsync(ContentTypes.BlogPostOutline, prompt);
        var second = await _host.Generator().GenerateAsync(ContentTypes.BlogPostOutline, prompt);

        Assert.Equal(first, second);
        Assert.True(first.Markdown.Split('\n')[0].Length < 120);
    }

    [Theory]
    [InlineData("Poem", "subject")]
    [InlineData(ContentTypes.BlogPostOutline, "   ")]
    public async Task Unknown_types_and_empty_prompts_are_refused(string type, string prompt) =>
        await Assert.ThrowsAsync<ArgumentException>(() => _host.Generator().GenerateAsync(type, prompt));

    [Fact]
    public async Task Prompts_over_2000_characters_are_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() =>
            _host.Generator().GenerateAsync(ContentTypes.BlogPostOutline, new string('a', 2001)));
        Assert.False(string.IsNullOrEmpty((await _host.Generator().GenerateAsync(ContentTypes.BlogPostOutline, new string('a', 2000))).Markdown));
    }

    public sealed record TopicIdeas(List<TopicIdea> Topics);

    public sealed record TopicIdea(string Title, string WhyItMatters, int Priority, DateTime PublishOn);

    [Fact]
    public async Task Structured_requests_get_a_schema_valid_answer_offline()
    {
        var ideas = await StructuredOutput.GetAsync<TopicIdeas>(
            _host.ChatClient(),
            [new ChatMessage(ChatRole.System, "Suggest blog topics as JSON."), new ChatMessage(ChatRole.User, "home composting")],
            value => value.Topics.Count == 0 ? "no topics" : null,
            "topic list",
            CancellationToken.None);

        Assert.Equal(3, ideas.Topics.Count);
        Assert.All(ideas.Topics, t => Assert.Contains("Home composting", t.Title));
        Assert.Equal(3, ideas.Topics.Select(t => t.Title).Distinct().Count());
        Assert.All(ideas.Topics, t => Assert.True(t.Priority >= 1));
    }

    [Fact]
    public async Task A_registered_offline_responder_answers_its_own_requests()
    {
        using var host = GenerationHost.Build(new Dictionary<string, string?>(),
            services => services.AddSingleton<IOfflineResponder>(new FixedResponder("from the responder")));

        var response = await host.ChatClient().GetResponseAsync("anything");

        Assert.Equal("from the responder", response.Text);
    }

    private sealed class FixedResponder(string answer) : IOfflineResponder
    {
        public string? TryRespond(IReadOnlyList<ChatMessage> messages, ChatOptions? options) => answer;
    }
}
