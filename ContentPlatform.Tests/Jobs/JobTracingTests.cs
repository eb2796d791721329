using System.Diagnostics;
using ContentPlatform.Data.Entities;
using ContentPlatform.Jobs;
using ContentPlatform.Jobs.Diagnostics;
using ContentPlatform.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace ContentPlatform.Tests.Jobs;

public sealed class JobTracingTests
{
    private static readonly ActivitySource Producer = new("ContentPlatform.Tests.Producer");

    [Fact]
    public async Task The_producer_span_and_the_workers_job_span_share_one_trace()
    {
        var servers = await TestServers.GetAsync();
        var spans = new RecordedSpans();
        var engine = await JobEngineHost.StartAsync(
            await servers.CreateDatabaseAsync("jobs"), servers.Redis.ConnectionString, $"t{Guid.NewGuid():N}:",
            w => w.AddDiagnosticHandlers(),
            configure: builder => builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing
                .AddSource(Producer.Name, "ContentPlatform.Jobs")
                .AddInMemoryExporter(spans)));

        Job job;
        ActivityTraceId traceId;
        await using (engine)
        {
            using (var request = Producer.StartActivity("POST /api/v1/jobs", ActivityKind.Server)!)
            {
                traceId = request.TraceId;
                job = (await engine.Queue.EnqueueAsync(new EnqueueRequest(DiagnosticHandlers.Noop, JobOwner.Session("trace"), new { }), default)).Job;
            }
            await engine.WaitForEndAsync(job.Id);
        }

        // Read once the engine is stopped: its Worker has ended the job's span.
        var jobSpan = Assert.Single(spans, s => s.OperationName == $"job {DiagnosticHandlers.Noop}" && Equals(s.GetTagItem("job.id"), job.Id));
        Assert.Equal(traceId, jobSpan.TraceId);
        Assert.Equal(ActivityKind.Consumer, jobSpan.Kind);
        Assert.Equal(DiagnosticHandlers.Noop, jobSpan.GetTagItem("job.kind"));
        Assert.Equal(1, jobSpan.GetTagItem("job.attempt"));
        Assert.Contains(spans, s => s.OperationName == $"enqueue {DiagnosticHandlers.Noop}" && s.TraceId == traceId);
        Assert.Contains(spans, s => s.OperationName == "redis XADD" && s.TraceId == traceId);
    }
}
