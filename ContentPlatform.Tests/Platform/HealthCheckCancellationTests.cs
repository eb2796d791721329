using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace ContentPlatform.Tests.Platform;

// A probe that gives up on /health (a client's timeout on a loaded machine) is not a failure of the service: nothing
// may be logged as an error for it, though an integration's check (Npgsql's) reports its own cancellation as Unhealthy.
public sealed class HealthCheckCancellationTests
{
    [Fact]
    public async Task A_check_whose_caller_went_away_logs_no_error()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddFakeLogging();
        // The probe goes away while the check runs, which, as Npgsql's check does, reports the cancellation as Unhealthy.
        using var probe = new CancellationTokenSource();
        builder.Services.AddHealthChecks().AddCheck("reports-its-cancellation", new ReportsItsCancellation(probe));
        builder.AddDefaultHealthChecks();
        using var host = builder.Build();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(probe.Token));

        var errors = host.Services.GetFakeLogCollector().GetSnapshot().Where(record => record.Level >= LogLevel.Error).ToList();
        Assert.True(errors.Count == 0, string.Join('\n', errors.Select(record => record.Message)));
    }

    private sealed class ReportsItsCancellation(CancellationTokenSource probe) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            probe.Cancel();
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                return Task.FromResult(HealthCheckResult.Healthy());
            }
            catch (OperationCanceledException cancelled)
            {
                return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, cancelled.Message, cancelled));
            }
        }
    }
}
