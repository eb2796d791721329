using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

// A check that has not answered within its time is Unhealthy, whether or not it honours cancellation.
internal sealed class BoundedHealthCheck(IHealthCheck inner, TimeSpan timeout) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.CheckHealthAsync(context, cancellationToken).WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"No answer within {timeout.TotalSeconds:0.#} s");
        }
    }
}
