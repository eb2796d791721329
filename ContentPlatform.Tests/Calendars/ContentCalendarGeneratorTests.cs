using ContentPlatform.Generation.ModelAccess;
using System.Text.Json;
using System.Text.RegularExpressions;
using ContentPlatform.Data;
using ContentPlatform.Data.Entities;
using ContentPlatform.Generation.Calendars;
using ContentPlatform.Generation.WebsiteAnalysis;
using ContentPlatform.Tests.Infrastructure;
using ContentPlatform.Tests.WebsiteAnalysis;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ContentPlatform.Tests.Calendars;

public sealed partial class ContentCalendarGeneratorTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 3, 30, 22, 15, 0, TimeSpan.Zero);
    private string database = null!;

    public async Task InitializeAsync() =>
        database = await (await TestServers.GetAsync()).CreateDatabaseAsync("calendars");

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<IHost> HostAsync(IChatClient? model = null) =>
        await AnalysisHost.StartAsync(database, configure: services =>
        {
            services.AddSingleton<TimeProvider>(new FixedTimeProvider(Now));
            if (model is not null)
            {
                services.AddSingleton(model);
            }
        });

    private static async Task<Guid> CreateAudienceAsync(IHost host, string name = "Busy families")
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContentDbContext>();
        var organization = new Organization
        {
            Id = Guid.CreateVersion7(), SessionId = "calendar-session", Name = "Crumb & Co",
            Description = "Sourdough bakery in Portland", Keywords = ["sourdough", "pastries", "bread classes"],
            CreatedAt = Now.UtcDateTime, UpdatedAt = Now.UtcDateTime,
        };
        var audience = new Audience
        {
            Id = Guid.CreateVersion7(), SessionId = "calendar-session", OrganizationId = organization.Id, Name = name,
            Description = "Parents who want good bread before school", Keywords = ["school mornings"],
            CreatedAt = Now.UtcDateTime, UpdatedAt = Now.UtcDateTime,
        };
        db.AddRange(organization, audience);
        await db.SaveChangesAsync();
        return audience.Id;
    }

    private static async Task<(ContentCalendar Calendar, List<ContentCalendarProgress> Progress)> GenerateAsync(IHost host, Guid audienceId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var progress = new List<ContentCalendarProgress>();
        var calendar = await scope.ServiceProvider.GetRequiredService<ContentCalendarGenerator>().GenerateAsync(
            audienceId, (update, _) => { progress.Add(update); return Task.CompletedTask; }, CancellationToken.None);
        return (calendar, progress);
    }

    [Fact]
    public async Task Thirty_dated_ideas_are_made_over_three_strategies_and_saved_on_the_audience()
    {
        using var host = await HostAsync();
        var audienceId = await CreateAudienceAsync(host);

        var (calendar, _) = await GenerateAsync(host, audienceId);

        Assert.Equal(Enumerable.Range(1, 30), calendar.Ideas.Select(i => i.Day));
        Assert.Equal(Enumerable.Range(0, 30).Select(d => new DateOnly(2026, 3, 31).AddDays(d)), calendar.Ideas.Select(i => i.Date));
        Assert.Equal(["educate", "solve", "trust"], calendar.Ideas.Select(i => i.StrategyId).Distinct().Order());
        Assert.All(calendar.Ideas, idea => Assert.Equal(10, calendar.Ideas.Count(i => i.StrategyId == idea.StrategyId)));
        Assert.Equal(30, calendar.Ideas.Select(i => i.Title).Distinct().Count());
        Assert.All(calendar.Ideas, idea => Assert.False(string.IsNullOrWhiteSpace(idea.Format) || string.IsNullOrWhiteSpace(idea.Angle)));

        await using var scope = host.Services.CreateAsyncScope();
        var audience = await scope.ServiceProvider.GetRequiredService<ContentDbContext>().Audiences.SingleAsync(a => a.Id == audienceId);
        Assert.Equal(Now.UtcDateTime, audience.ContentCalendarGeneratedAt);
        var saved = JsonDocument.Parse(audience.ContentIdeas!).RootElement;
        Assert.Equal(30, saved.GetArrayLength());
        Assert.Equal("2026-03-31", saved[0].GetProperty("date").GetString());
        Assert.Equal(calendar.Ideas[0].Title, saved[0].GetProperty("title").GetString());
        Assert.Equal(1, saved[0].GetProperty("day").GetInt32());
    }

    [Fact]
    public async Task Offline_ideas_come_from_the_audience_and_its_organization()
    {
        using var host = await HostAsync();
        var audienceId = await CreateAudienceAsync(host, "Coffee lovers");

        var (calendar, _) = await GenerateAsync(host, audienceId);

        var text = string.Join('\n', calendar.Ideas.Select(i => $"{i.Title} {i.Angle}"));
        Assert.Contains("school mornings", text);
        Assert.Contains("sourdough", text);
        Assert.Contains("coffee lovers", text);
        Assert.Contains("Crumb & Co", text);
    }

    [Fact]
    public async Task Progress_rises_through_the_phases_of_each_strategy_in_order()
    {
        using var host = await HostAsync();
        var audienceId = await CreateAudienceAsync(host);

        var (_, progress) = await GenerateAsync(host, audienceId);

        var values = progress.Select(p => p.Progress).ToList();
        Assert.Equal(values.Order(), values);
        Assert.Equal(0, values[0]);
        Assert.Equal(100, values[^1]);
        Assert.Equal(0, progress[^1].EstimatedTimeRemaining);

        var perStrategy = progress.SkipLast(1).GroupBy(p => p.StrategyIndex).ToList();
        Assert.Equal([1, 2, 3], perStrategy.Select(g => g.Key));
        foreach (var strategy in perStrategy)
        {
            Assert.Equal(CalendarPhases.InOrder, strategy.Select(p => p.Phase));
            Assert.All(strategy, p => Assert.Equal(3, p.StrategyTotal));
            Assert.All(strategy, p => Assert.StartsWith($"Strategy {strategy.Key} of 3: ", p.CurrentStep));
            Assert.Single(strategy.Select(p => p.StrategyId).Distinct());
        }
        Assert.Contains(progress, p => p.CurrentStep == "Strategy 2 of 3: Generating 30-day ideas with AI..." && p.Phase == "generating");
        var remaining = progress.Select(p => p.EstimatedTimeRemaining).ToList();
        Assert.Equal(remaining.OrderDescending(), remaining);
    }

    [Fact]
    public async Task A_missing_audience_fails_with_audience_not_found()
    {
        using var host = await HostAsync();

        var error = await Assert.ThrowsAsync<GenerationFailedException>(() => GenerateAsync(host, Guid.CreateVersion7()));

        Assert.Equal("Audience not found", error.Message);
    }

    [Fact]
    public async Task With_a_model_a_malformed_answer_is_asked_again_once()
    {
        var calls = 0;
        var model = new ScriptedChatClient(conversation =>
            ++calls == 1 ? "this is not json" : IdeasFor(conversation));
        using var host = await HostAsync(model);
        var audienceId = await CreateAudienceAsync(host);

        var (calendar, _) = await GenerateAsync(host, audienceId);

        Assert.Equal(4, model.Requests.Count);
        Assert.Contains("invalid", model.Requests[1][^1].Text);
        Assert.Equal(Enumerable.Range(1, 30), calendar.Ideas.Select(i => i.Day));
        Assert.Equal("Model idea for day 7", calendar.Ideas[6].Title);
    }

    [Fact]
    public async Task With_a_model_two_invalid_answers_fail_with_a_clear_error_and_save_nothing()
    {
        // Valid JSON, but ideas for the wrong days.
        var model = new ScriptedChatClient(_ => """{"ideas":[{"day":99,"title":"t","format":"f","angle":"a"}]}""");
        using var host = await HostAsync(model);
        var audienceId = await CreateAudienceAsync(host);

        var error = await Assert.ThrowsAsync<GenerationFailedException>(() => GenerateAsync(host, audienceId));

        Assert.StartsWith("The model returned an invalid content calendar twice", error.Message);
        Assert.Equal(GenerationErrorCodes.InvalidModelOutput, error.ErrorCode);
        await using var scope = host.Services.CreateAsyncScope();
        Assert.Null((await scope.ServiceProvider.GetRequiredService<ContentDbContext>().Audiences.SingleAsync(a => a.Id == audienceId)).ContentIdeas);
    }

    // Answers with one idea per day the prompt asks for.
    private static string IdeasFor(IReadOnlyList<ChatMessage> conversation)
    {
        var days = DayNumber().Matches(conversation[1].Text).Select(m => int.Parse(m.Groups[1].Value));
        return JsonSerializer.Serialize(new
        {
            ideas = days.Select(day => new { day, title = $"Model idea for day {day}", format = "Blog post", angle = "Useful" }),
        });
    }

    [GeneratedRegex(@"day (\d+) \(")]
    private static partial Regex DayNumber();
}
