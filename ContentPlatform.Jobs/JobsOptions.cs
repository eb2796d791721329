using System.ComponentModel.DataAnnotations;

namespace ContentPlatform.Jobs;

// Settings under "Jobs:".
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    // Jobs one Worker process runs at once.
    [Range(1, 4096)]
    public int Concurrency { get; set; } = 32;

    // How long a Worker may stay silent about a job it holds before another Worker takes the job over.
    // Workers renew their hold every third of it, so only a dead or frozen Worker loses its jobs.
    [Range(typeof(TimeSpan), "00:00:00.200", "1.00:00:00")]
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    // Runs of a job before a transient failure becomes final (a job may override it).
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 3;

    // Deliveries of one stream message before it is treated as poison and dead-lettered.
    [Range(1, 100)]
    public int MaxDeliveries { get; set; } = 5;

    // Automatic retries wait RetryBaseDelay × 2^(attempt-1).
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(30);

    [Range(10, 1_000_000)]
    public int EventStreamMaxLength { get; set; } = 1000;

    // How long a finished job's event stream stays readable (Last-Event-ID resumes, late readers).
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan EventRetention { get; set; } = TimeSpan.FromHours(1);

    [Required, RegularExpression("^[A-Za-z0-9:_.-]{1,64}$")]
    public string KeyPrefix { get; set; } = "jobs:";

    // Registers the diagnostics.* handlers in the Worker (tests and the benchmark use them).
    public bool DiagnosticKinds { get; set; }

    // How often a running job's latest progress is written to PostgreSQL; events go out at once regardless.
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan ProgressWriteInterval { get; set; } = TimeSpan.FromSeconds(1);
}
