using System.Data.Common;
using Microsoft.Extensions.Configuration;
using Npgsql;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

// Every timeout a service puts on its backing servers and on its own answers, in one place (settings under
// "Timeouts:", README "Faults and timeouts"). They are chosen so that a stalled PostgreSQL or Redis gives an
// honest 503 within seconds instead of a request that never ends.
public sealed class ServiceTimeouts
{
    public const string Section = "Timeouts";

    // Npgsql "Timeout": establishing a connection, the server's start-up answer included.
    public TimeSpan DatabaseConnect { get; set; } = TimeSpan.FromSeconds(5);

    // Npgsql "Command Timeout": one statement.
    public TimeSpan DatabaseCommand { get; set; } = TimeSpan.FromSeconds(5);

    // EF Core's retries of a failed statement (a broken pooled connection after a restart); a statement
    // that timed out is not retried, so a stalled server costs one DatabaseCommand, not several.
    public int DatabaseRetries { get; set; } = 2;
    public TimeSpan DatabaseRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    // Migrations at start-up may rewrite large tables.
    public TimeSpan DatabaseMigrationCommand { get; set; } = TimeSpan.FromMinutes(10);

    // StackExchange.Redis ConnectTimeout.
    public TimeSpan RedisConnect { get; set; } = TimeSpan.FromSeconds(3);

    // StackExchange.Redis SyncTimeout and AsyncTimeout: one command (checked once a second, so it may take a second more).
    public TimeSpan RedisCommand { get; set; } = TimeSpan.FromSeconds(2);

    // Each check of /health; a check that has not answered by then is Unhealthy.
    public TimeSpan HealthCheck { get; set; } = TimeSpan.FromSeconds(3);

    // The budget of each request of the Api's request/response endpoints (not the streams): when it is spent the
    // request answers 503.
    public TimeSpan Request { get; set; } = TimeSpan.FromSeconds(8);

    public static ServiceTimeouts From(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<ServiceTimeouts>() ?? new ServiceTimeouts();

    // Values the connection string sets itself are kept: they are someone's deliberate choice.
    public string ApplyTo(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.ContainsKey("Timeout"))
        {
            builder.Timeout = Seconds(DatabaseConnect);
        }
        if (!given.ContainsKey("Command Timeout") && !given.ContainsKey("CommandTimeout"))
        {
            builder.CommandTimeout = Seconds(DatabaseCommand);
        }
        // A timed-out or cancelled statement drops its connection at once instead of waiting for the server to confirm
        // the cancellation: a stalled server never confirms, and the wait (and the cancel request's own connection
        // attempt) would add seconds to every answer.
        if (!given.ContainsKey("Cancellation Timeout") && !given.ContainsKey("CancellationTimeout"))
        {
            builder.CancellationTimeout = -1;
        }
        return builder.ConnectionString;
    }

    public void ApplyTo(ConfigurationOptions options)
    {
        options.ConnectTimeout = (int)RedisConnect.TotalMilliseconds;
        options.SyncTimeout = (int)RedisCommand.TotalMilliseconds;
        options.AsyncTimeout = (int)RedisCommand.TotalMilliseconds;
        // Keep reconnecting in the background instead of failing the service's start or its later commands.
        options.AbortOnConnectFail = false;
        options.ReconnectRetryPolicy = new ExponentialRetry(deltaBackOffMilliseconds: 250, maxDeltaBackOffMilliseconds: 5000);
    }

    private static int Seconds(TimeSpan value) => Math.Max(1, (int)Math.Ceiling(value.TotalSeconds));
}
