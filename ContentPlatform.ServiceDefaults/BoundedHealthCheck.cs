using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

// A check that has not answered within its time is Unhealthy, whether or not it honours cancellation.
internal sealed class BoundedHealthCheck(IHealthCheck inner, TimeSpan timeout) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var result = await inner.CheckHealthAsync(context, cancellationToken).WaitAsync(timeout, cancellationToken);
            // Some checks (Npgsql's) report their own cancellation as Unhealthy, which the health check service logs as
            // an error, also when the probe has only gone away (a client's timeout). Thrown, the cancellation reaches
            // the service as what it is: a timeout of the check if the check's time is up, else nothing to log.
            cancellationToken.ThrowIfCancellationRequested();
            return result;
        }
        catch (TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"No answer within {timeout.TotalSeconds:0.#} s");
        }
    }
}
