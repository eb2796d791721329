using System.Text.Json;
using ContentPlatform.Api.Events;
using ContentPlatform.Api.GenerateContent;
using ContentPlatform.Jobs;

namespace ContentPlatform.Tests.GenerateContent;

public sealed class JobCompletedPayloadTests
{
    private static readonly Guid UserId = Guid.Parse("60d0fe4f-5311-2361-68a1-09ca00000000");
    private static readonly Guid JobId = Guid.Parse("b84e3feb-19c9-4231-8893-0eba6bd61a63");

    [Fact]
    public void A_failed_generation_becomes_a_failed_job_completed_with_its_error()
    {
        var payload = EventsApi.ToJobCompleted(Event(JobEventTypes.Failed, $$"""
            {"jobId":"{{JobId}}","kind":"generate-content","userId":"{{UserId}}","sessionId":null,"status":"failed",
             "error":"AI service temporarily unavailable","errorCode":"AI_UNAVAILABLE","attempts":1,"completedAt":"2026-01-12T12:01:25.000Z"}
            """));

        Assert.Equal(
            new JobCompletedPayload(UserId, JobId, "failed", null, "AI service temporarily unavailable", new DateTime(2026, 1, 12, 12, 1, 25, DateTimeKind.Utc)),
            payload);
    }

    [Fact]
    public void A_succeeded_generation_carries_its_generated_content()
    {
        var payload = EventsApi.ToJobCompleted(Event(JobEventTypes.Succeeded, $$"""
            {"jobId":"{{JobId}}","kind":"generate-content","userId":"{{UserId}}","sessionId":null,"status":"succeeded",
             "result":{"generatedContent":"# Outline","generatedOffline":true,"model":"offline-templates"},"attempts":1,
             "completedAt":"2026-01-12T12:01:25.000Z"}
            """));

        Assert.Equal("completed", payload!.Status);
        Assert.Equal("# Outline", payload.GeneratedContent);
        Assert.Null(payload.Error);
    }

    [Fact]
    public void Other_kinds_and_progress_events_are_not_job_completed()
    {
        Assert.Null(EventsApi.ToJobCompleted(Event(JobEventTypes.Succeeded, $$"""
            {"jobId":"{{JobId}}","kind":"website-analysis","userId":"{{UserId}}","status":"succeeded","result":null}
            """)));
        Assert.Null(EventsApi.ToJobCompleted(Event(JobEventTypes.Progress, $$"""
            {"jobId":"{{JobId}}","kind":"generate-content","userId":"{{UserId}}","status":"running","progress":10}
            """)));
    }

    private static JobEvent Event(string type, string json) => new("1736683285000-0", JobId, type, JsonDocument.Parse(json).RootElement);
}
