using System.Data.Common;
using Microsoft.Extensions.Configuration;
using Npgsql;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

// Every timeout a service puts on its backing servers and on its own answers, in one place (settings under
// "Timeouts:", README "Faults and timeouts"). They are chosen so that a stalled PostgreSQL or Redis gives an
// honest 503 within seconds instead of a request that never ends.
//
// A statement on a stalled PostgreSQL gives up after DatabaseCommand + DatabaseConnect, whatever cancellation token it
// was given: when its timeout fires, Npgsql sends PostgreSQL a cancel request on a new connection, synchronously, and
// waits for the server to close it for up to the connect timeout (a stalled server never does); only then does it drop
// the statement's connection. A request's token cannot cut this short either: Npgsql ignores a cancellation while a
// pooled connection's reset is still unanswered, which on a stalled server is always. Request must therefore exceed
// DatabaseCommand + DatabaseConnect, so that a request's first statement fails, and the request answers 503, in time.
public sealed class ServiceTimeouts
{
    public const string Section = "Timeouts";

    // Npgsql "Timeout": establishing a connection (the wait for a free pooled one included), the server's start-up
    // answer included; also how long a cancel request waits for a stalled server (above).
    // Opening a connection is PostgreSQL's costliest answer (a new backend, the password exchange): under a burst of
    // opens on a loaded machine it takes seconds, so this has more room than DatabaseCommand.
    public TimeSpan DatabaseConnect { get; set; } = TimeSpan.FromSeconds(4);

    // Npgsql "Command Timeout": one statement.
    public TimeSpan DatabaseCommand { get; set; } = TimeSpan.FromSeconds(3);

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
    // request answers 503. More than DatabaseCommand + DatabaseConnect (above).
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
        // With GSS encryption "Prefer" (Npgsql's default), a cancel request that times out is tried again without it,
        // doubling its wait on a stalled server. We never use Kerberos.
        if (!given.ContainsKey("GSS Encryption Mode") && !given.ContainsKey("GssEncryptionMode"))
        {
            builder.GssEncryptionMode = GssEncryptionMode.Disable;
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
