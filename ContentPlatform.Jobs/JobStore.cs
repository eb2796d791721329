using System.Runtime.CompilerServices;
using ContentPlatform.Data.Entities;
using Npgsql;
using NpgsqlTypes;

namespace ContentPlatform.Jobs;

internal sealed record NewJob(
    Guid Id, string Kind, Guid? UserId, string? SessionId, Guid? SubjectId, string Payload,
    int MaxAttempts, TimeSpan Delay, string? TraceParent, string? TraceState)
{
    // The row as inserted (JobStore.InsertAsync), given the times the server set.
    public Job ToJob(DateTime scheduledFor, DateTime createdAt) => new()
    {
        Id = Id, Kind = Kind, UserId = UserId, SessionId = SessionId, Status = JobStatus.Queued, SubjectId = SubjectId,
        Payload = Payload, MaxAttempts = MaxAttempts, ScheduledFor = scheduledFor, CreatedAt = createdAt, UpdatedAt = createdAt,
        TraceParent = TraceParent, TraceState = TraceState,
    };
}

internal sealed record ClaimRequest(Guid JobId, bool Reclaimed);

// Status is succeeded, failed, or queued (an automatic retry, due after RetryDelay).
internal sealed record JobOutcome(Guid JobId, int Attempt, string Status, string? Result, string? Error, string? ErrorCode, TimeSpan RetryDelay);

internal sealed record ProgressWrite(Guid JobId, int Attempt, JobProgress Progress);

// The jobs table through plain Npgsql: every batch is one statement (one commit) over unnest()ed arrays,
// and every status change is guarded by the status (and attempt) it expects, so concurrent Workers,
// cancels and retries cannot overwrite each other.
// The batched updates find every row by its primary key whatever the queue's depth or the statistics (UpdateBatchAsync),
// and claims, retries and outcomes change no indexed value (JobConfiguration): they are HOT updates.
// The one way to the table for the Api's reads too (its writes go through JobQueue); the Worker's side is internal.
public sealed class JobStore(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    // Concurrent reads of single jobs (every status poll) share one statement. Each read's statement starts after it
    // was asked for, so it sees every change committed before the request: nothing is served from memory.
    private readonly Lazy<BatchWriter<Guid, Job?>> _reads = new(() => new BatchWriter<Guid, Job?>(ids => GetManyAsync(dataSource, ids)));

    private const string Columns =
        "j.id, j.kind, j.user_id, j.session_id, j.status, j.progress, j.current_step, j.phase, j.estimated_time_remaining, " +
        "j.strategy_index, j.strategy_total, j.strategy_id, j.subject_id, j.payload, j.result, j.error, j.error_code, " +
        "j.attempts, j.max_attempts, j.scheduled_for, j.created_at, j.updated_at, j.started_at, j.completed_at, " +
        "j.trace_parent, j.trace_state";

    // Rows whose subject already has an active job of the kind are skipped (null), atomically, by the unique partial index.
    // Only what the server decides comes back (the times); the rest of each row is what was given.
    internal async Task<IReadOnlyList<Job?>> InsertAsync(IReadOnlyList<NewJob> jobs)
    {
        const string sql = """
            insert into jobs as j (id, kind, user_id, session_id, status, progress, subject_id, payload, attempts, max_attempts,
                                   scheduled_for, created_at, updated_at, trace_parent, trace_state)
            select u.id, u.kind, u.user_id, u.session_id, 'queued', 0, u.subject_id, u.payload::jsonb, 0, u.max_attempts,
                   now() + make_interval(secs => u.delay), now(), now(), u.trace_parent, u.trace_state
            from unnest(@id, @kind, @user_id, @session_id, @subject_id, @payload, @max_attempts, @delay, @trace_parent, @trace_state)
                 as u(id, kind, user_id, session_id, subject_id, payload, max_attempts, delay, trace_parent, trace_state)
            on conflict (kind, active_subject_id) where active_subject_id is not null do nothing
            returning j.id, j.scheduled_for, j.created_at
            """;
        // In a transaction committed only once the insert has answered: if the server stalls and the statement
        // times out, the dropped connection rolls it back even when the server runs it after waking up, so a
        // caller told "unavailable" never gets a job it does not know about.
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddRange(new[]
        {
            Array("id", NpgsqlDbType.Uuid, jobs.Select(j => j.Id)),
            Array("kind", NpgsqlDbType.Text, jobs.Select(j => j.Kind)),
            Array("user_id", NpgsqlDbType.Uuid, jobs.Select(j => j.UserId)),
            Array("session_id", NpgsqlDbType.Text, jobs.Select(j => j.SessionId)),
            Array("subject_id", NpgsqlDbType.Uuid, jobs.Select(j => j.SubjectId)),
            Array("payload", NpgsqlDbType.Text, jobs.Select(j => j.Payload)),
            Array("max_attempts", NpgsqlDbType.Integer, jobs.Select(j => j.MaxAttempts)),
            Array("delay", NpgsqlDbType.Double, jobs.Select(j => j.Delay.TotalSeconds)),
            Array("trace_parent", NpgsqlDbType.Text, jobs.Select(j => j.TraceParent)),
            Array("trace_state", NpgsqlDbType.Text, jobs.Select(j => j.TraceState)),
        });
        // Prepared (once per pooled connection): it runs for every batch of enqueues, and an insert from unnest() has no
        // plan to choose that the table's size could change.
        await command.PrepareAsync();
        var inserted = new Dictionary<Guid, (DateTime ScheduledFor, DateTime CreatedAt)>(jobs.Count);
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                inserted[reader.GetGuid(0)] = (reader.GetDateTime(1), reader.GetDateTime(2));
            }
        }
        await transaction.CommitAsync();
        return jobs.Select(j => inserted.TryGetValue(j.Id, out var times) ? j.ToJob(times.ScheduledFor, times.CreatedAt) : null).ToList();
    }

    internal async Task<Job?> FindActiveAsync(string kind, Guid subjectId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"select {Columns} from jobs j where j.kind = @kind and j.active_subject_id = @subject");
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("subject", subjectId);
        return (await ReadJobsAsync(command, cancellationToken)).Values.FirstOrDefault();
    }

    public Task<Job?> GetAsync(Guid id, CancellationToken cancellationToken) => _reads.Value.WriteAsync(id, cancellationToken).WaitAsync(cancellationToken);

    // Prepared (once per pooled connection): a lookup by primary key has one plan whatever the table's size.
    private static async Task<IReadOnlyList<Job?>> GetManyAsync(NpgsqlDataSource dataSource, IReadOnlyList<Guid> ids)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand($"select {Columns} from jobs j where j.id = any(@ids)", connection);
        command.Parameters.Add(Array("ids", NpgsqlDbType.Uuid, ids.Distinct()));
        await command.PrepareAsync();
        var jobs = await ReadJobsAsync(command);
        return ids.Select(id => jobs.GetValueOrDefault(id)).ToList();
    }

    // A user's jobs of one kind, newest first.
    public async Task<IReadOnlyList<Job>> ListAsync(Guid userId, string kind, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"select {Columns} from jobs j where j.user_id = @user and j.kind = @kind");
        command.Parameters.AddWithValue("user", userId);
        command.Parameters.AddWithValue("kind", kind);
        return (await ReadJobsAsync(command, cancellationToken)).Values.OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id).ToList();
    }

    // The queued or running job of the kind for each of the subjects that has one.
    public async Task<IReadOnlyList<Job>> ListActiveAsync(string kind, IReadOnlyList<Guid> subjectIds, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"select {Columns} from jobs j where j.kind = @kind and j.active_subject_id = any(@subjects)");
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.Add(Array("subjects", NpgsqlDbType.Uuid, subjectIds));
        return (await ReadJobsAsync(command, cancellationToken)).Values.ToList();
    }

    // Removes a row whose message could not be published, unless a Worker already has it.
    internal async Task DeleteQueuedAsync(Guid id)
    {
        await using var command = dataSource.CreateCommand("delete from jobs where id = @id and status = 'queued'");
        command.Parameters.AddWithValue("id", id);
        await command.ExecuteNonQueryAsync();
    }

    // queued (and due) → running; a message taken over from a dead Worker may also restart a running job.
    internal const string ClaimSql = $"""
            update jobs j set status = 'running', attempts = j.attempts + 1, started_at = now(), updated_at = now(),
                              error = null, error_code = null
            from unnest(@id, @reclaimed) as u(id, reclaimed)
            where j.id = any(@id) and j.id = u.id and ((j.status = 'queued' and j.scheduled_for <= now()) or (u.reclaimed and j.status = 'running'))
            returning {Columns}
            """;

    internal async Task<IReadOnlyList<Job?>> ClaimAsync(IReadOnlyList<ClaimRequest> claims)
    {
        var claimed = await UpdateBatchAsync(ClaimSql,
            Array("id", NpgsqlDbType.Uuid, claims.Select(c => c.JobId)),
            Array("reclaimed", NpgsqlDbType.Boolean, claims.Select(c => c.Reclaimed)));
        // Two messages for one job (e.g. republished by the reconciler) claim it once: the first one wins.
        return claims.Select(c => claimed.Remove(c.JobId, out var job) ? job : null).ToList();
    }

    // running (at this attempt) → succeeded | failed | queued for a retry; returns the rows written.
    internal const string FinishSql = $"""
            update jobs j set status = u.status, result = u.result::jsonb, error = u.error, error_code = u.error_code,
                              progress = case when u.status = 'succeeded' then 100 else j.progress end,
                              estimated_time_remaining = case when u.status = 'queued' then j.estimated_time_remaining else 0 end,
                              completed_at = case when u.status = 'queued' then null else now() end,
                              scheduled_for = case when u.status = 'queued' then now() + make_interval(secs => u.delay) else j.scheduled_for end,
                              updated_at = now()
            from unnest(@id, @attempt, @status, @result, @error, @error_code, @delay)
                 as u(id, attempt, status, result, error, error_code, delay)
            where j.id = any(@id) and j.id = u.id and j.status = 'running' and j.attempts = u.attempt
            returning {Columns}
            """;

    internal async Task<IReadOnlyList<Job?>> FinishAsync(IReadOnlyList<JobOutcome> outcomes)
    {
        var written = await UpdateBatchAsync(FinishSql,
            Array("id", NpgsqlDbType.Uuid, outcomes.Select(o => o.JobId)),
            Array("attempt", NpgsqlDbType.Integer, outcomes.Select(o => o.Attempt)),
            Array("status", NpgsqlDbType.Text, outcomes.Select(o => o.Status)),
            Array("result", NpgsqlDbType.Text, outcomes.Select(o => o.Result)),
            Array("error", NpgsqlDbType.Text, outcomes.Select(o => o.Error)),
            Array("error_code", NpgsqlDbType.Text, outcomes.Select(o => o.ErrorCode)),
            Array("delay", NpgsqlDbType.Double, outcomes.Select(o => o.RetryDelay.TotalSeconds)));
        return outcomes.Select(o => written.Remove(o.JobId, out var job) ? job : null).ToList();
    }

    internal async Task<IReadOnlyList<bool>> WriteProgressAsync(IReadOnlyList<ProgressWrite> writes)
    {
        const string sql = """
            update jobs j set progress = u.progress, current_step = u.current_step, phase = u.phase,
                              estimated_time_remaining = u.eta, strategy_index = u.strategy_index,
                              strategy_total = u.strategy_total, strategy_id = u.strategy_id, updated_at = now()
            from unnest(@id, @attempt, @progress, @current_step, @phase, @eta, @strategy_index, @strategy_total, @strategy_id)
                 as u(id, attempt, progress, current_step, phase, eta, strategy_index, strategy_total, strategy_id)
            where j.id = any(@id) and j.id = u.id and j.status = 'running' and j.attempts = u.attempt
            """;
        await UpdateBatchAsync(sql,
            Array("id", NpgsqlDbType.Uuid, writes.Select(w => w.JobId)),
            Array("attempt", NpgsqlDbType.Integer, writes.Select(w => w.Attempt)),
            Array("progress", NpgsqlDbType.Integer, writes.Select(w => w.Progress.Progress)),
            Array("current_step", NpgsqlDbType.Text, writes.Select(w => w.Progress.CurrentStep)),
            Array("phase", NpgsqlDbType.Text, writes.Select(w => w.Progress.Phase)),
            Array("eta", NpgsqlDbType.Integer, writes.Select(w => w.Progress.EstimatedTimeRemaining)),
            Array("strategy_index", NpgsqlDbType.Integer, writes.Select(w => w.Progress.StrategyIndex)),
            Array("strategy_total", NpgsqlDbType.Integer, writes.Select(w => w.Progress.StrategyTotal)),
            Array("strategy_id", NpgsqlDbType.Text, writes.Select(w => w.Progress.StrategyId)));
        return writes.Select(_ => true).ToList();
    }

    // queued or running → failed (cancelled, poison). A running job's Worker then finds its row no longer running.
    internal async Task<Job?> FailUnfinishedAsync(Guid id, string error, string errorCode, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            update jobs j set status = 'failed', error = @error, error_code = @error_code, completed_at = now(), updated_at = now()
            where j.id = @id and j.status in ('queued', 'running')
            returning {Columns}
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("error", error);
        command.Parameters.AddWithValue("error_code", errorCode);
        return (await ReadJobsAsync(command, cancellationToken)).Values.FirstOrDefault();
    }

    // failed → queued, same id, with a fresh budget of attempts (the count itself keeps growing, so a
    // Worker still holding an earlier attempt can never write over the new run).
    internal async Task<Job?> RequeueFailedAsync(Guid id, int maxAttempts, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            update jobs j set status = 'queued', max_attempts = j.attempts + @max_attempts, progress = 0, current_step = null,
                              phase = null, estimated_time_remaining = null, result = null, error = null, error_code = null,
                              scheduled_for = now(), started_at = null, completed_at = null, updated_at = now()
            where j.id = @id and j.status = 'failed'
            returning {Columns}
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("max_attempts", maxAttempts);
        return (await ReadJobsAsync(command, cancellationToken)).Values.FirstOrDefault();
    }

    // Undoes RequeueFailedAsync when the message could not be published.
    internal async Task RestoreFailedAsync(Job before)
    {
        await using var command = dataSource.CreateCommand("""
            update jobs set status = 'failed', max_attempts = @max_attempts, progress = @progress, result = @result::jsonb,
                            error = @error, error_code = @error_code, started_at = @started_at, completed_at = @completed_at
            where id = @id and status = 'queued'
            """);
        command.Parameters.AddWithValue("id", before.Id);
        command.Parameters.AddWithValue("max_attempts", before.MaxAttempts);
        command.Parameters.AddWithValue("progress", before.Progress);
        command.Parameters.Add(new NpgsqlParameter("result", NpgsqlDbType.Text) { Value = (object?)before.Result ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("error", NpgsqlDbType.Text) { Value = (object?)before.Error ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("error_code", NpgsqlDbType.Text) { Value = (object?)before.ErrorCode ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("started_at", NpgsqlDbType.TimestampTz) { Value = (object?)before.StartedAt ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("completed_at", NpgsqlDbType.TimestampTz) { Value = (object?)before.CompletedAt ?? DBNull.Value });
        await command.ExecuteNonQueryAsync();
    }

    // Every queued job (the reconciler republishes them), read as one statement: with `updatedSince`, only those queued
    // or requeued since then. No index serves it, on purpose: one would have to name the status or the job's end and so
    // keep every claim or outcome from being a HOT update, for a scan that runs only after Redis lost data or restarted.
    internal async IAsyncEnumerable<Job> ListQueuedAsync(DateTime? updatedSince, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"select {Columns} from jobs j where j.status = 'queued'{(updatedSince is null ? "" : " and j.updated_at >= @since")}");
        if (updatedSince is { } since)
        {
            command.Parameters.AddWithValue("since", since);
        }
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return ReadJob(reader);
        }
    }

    // Each batch names its rows by primary key twice: as the rows to update (j.id = any(@id)), and in the join with
    // the batch's values (j.id = u.id). With nested loops and sequential scans off, for this statement's transaction
    // only (a batch of commands is one implicit transaction), that leaves the planner one plan whatever the table's size
    // or statistics: the rows through the primary key, hashed against the batch. Left to itself, it counted the rows
    // the join may meet from the statistics of status: after a burst into a table analyzed before it (none running,
    // say), it put them at ~1 and looped over the batch once for each (measured: 500 outcomes with 10,000 jobs running,
    // 2.8 s instead of 5 ms). With one plan, the statements are prepared: planning the batch's ids one by one took
    // longer than running a small batch.
    internal const string BatchPlanSettings = "select set_config('enable_nestloop', 'off', true), set_config('enable_seqscan', 'off', true)";

    private async Task<Dictionary<Guid, Job>> UpdateBatchAsync(string sql, params NpgsqlParameter[] parameters)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(BatchPlanSettings));
        var update = new NpgsqlBatchCommand(sql);
        update.Parameters.AddRange(parameters);
        batch.BatchCommands.Add(update);
        await batch.PrepareAsync();
        await using var reader = await batch.ExecuteReaderAsync();
        await reader.NextResultAsync();
        return await ReadJobsAsync(reader);
    }

    public async ValueTask DisposeAsync()
    {
        if (_reads.IsValueCreated)
        {
            await _reads.Value.DisposeAsync();
        }
    }

    private static NpgsqlParameter Array<T>(string name, NpgsqlDbType type, IEnumerable<T> values) =>
        new(name, NpgsqlDbType.Array | type) { Value = values.ToArray() };

    private static async Task<Dictionary<Guid, Job>> ReadJobsAsync(NpgsqlCommand command, CancellationToken cancellationToken = default)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await ReadJobsAsync(reader, cancellationToken);
    }

    private static async Task<Dictionary<Guid, Job>> ReadJobsAsync(NpgsqlDataReader reader, CancellationToken cancellationToken = default)
    {
        var jobs = new Dictionary<Guid, Job>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var job = ReadJob(reader);
            jobs[job.Id] = job;
        }
        return jobs;
    }

    private static Job ReadJob(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetGuid(0),
        Kind = reader.GetString(1),
        UserId = reader.IsDBNull(2) ? null : reader.GetGuid(2),
        SessionId = reader.IsDBNull(3) ? null : reader.GetString(3),
        Status = reader.GetString(4),
        Progress = reader.GetInt32(5),
        CurrentStep = reader.IsDBNull(6) ? null : reader.GetString(6),
        Phase = reader.IsDBNull(7) ? null : reader.GetString(7),
        EstimatedTimeRemaining = reader.IsDBNull(8) ? null : reader.GetInt32(8),
        StrategyIndex = reader.IsDBNull(9) ? null : reader.GetInt32(9),
        StrategyTotal = reader.IsDBNull(10) ? null : reader.GetInt32(10),
        StrategyId = reader.IsDBNull(11) ? null : reader.GetString(11),
        SubjectId = reader.IsDBNull(12) ? null : reader.GetGuid(12),
        Payload = reader.GetString(13),
        Result = reader.IsDBNull(14) ? null : reader.GetString(14),
        Error = reader.IsDBNull(15) ? null : reader.GetString(15),
        ErrorCode = reader.IsDBNull(16) ? null : reader.GetString(16),
        Attempts = reader.GetInt32(17),
        MaxAttempts = reader.GetInt32(18),
        ScheduledFor = reader.GetDateTime(19),
        CreatedAt = reader.GetDateTime(20),
        UpdatedAt = reader.GetDateTime(21),
        StartedAt = reader.IsDBNull(22) ? null : reader.GetDateTime(22),
        CompletedAt = reader.IsDBNull(23) ? null : reader.GetDateTime(23),
        TraceParent = reader.IsDBNull(24) ? null : reader.GetString(24),
        TraceState = reader.IsDBNull(25) ? null : reader.GetString(25),
    };
}
