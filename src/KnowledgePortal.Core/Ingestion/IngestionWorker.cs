using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace KnowledgePortal.Core.Ingestion;

/// <summary>
/// A durable job queue in PostgreSQL. Workers claim jobs with FOR UPDATE SKIP LOCKED and hold a lease they renew
/// after every step; a worker that dies stops renewing, and another takes the job over from its last saved step.
/// Any number of processes (web or `worker` mode, on any machine) can share one database.
/// </summary>
public sealed class IngestionWorker(
    IDbContextFactory<PortalDbContext> dbFactory,
    IngestionPipeline pipeline,
    IOptions<IngestionOptions> options,
    ILogger<IngestionWorker> logger) : BackgroundService
{
    private readonly string _workerId = $"{Environment.MachineName}:{Environment.ProcessId}";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.Value.WorkerConcurrency).Select(slot => RunSlotAsync($"{_workerId}:{slot}", stoppingToken)));

    private async Task RunSlotAsync(string workerId, CancellationToken ct)
    {
        await Task.Yield();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (!await ProcessNextAsync(workerId, ct)) await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database may be restarting; keep the worker alive and try again shortly.
                logger.LogWarning("Ingestion worker {Worker} paused after {Error}", workerId, ex.GetType().Name);
                await Task.Delay(TimeSpan.FromSeconds(2), ct);
            }
        }
    }

    /// <summary>Claims and runs one job. Returns false when the queue had nothing to do.</summary>
    public async Task<bool> ProcessNextAsync(string workerId, CancellationToken ct)
    {
        var o = options.Value;
        var claimed = await ClaimAsync(workerId, o.LeaseSeconds, ct);
        if (claimed is not { } job) return false;

        if (job.Attempts > o.MaxAttempts)
        {
            await pipeline.FailAsync(job.Id, IngestionMessages.Interrupted(job.Attempts - 1), ct);
            return true;
        }

        try
        {
            await pipeline.RunAsync(job.Id, () => RenewLeaseAsync(job.Id, workerId, o.LeaseSeconds, ct), ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw; // shutting down: the lease expires and another worker resumes the job
        }
        catch (LeaseLostException)
        {
            logger.LogWarning("Ingestion job {JobId} was taken over by another worker", job.Id);
        }
        catch (Exception ex)
        {
            // The pipeline fails a file it cannot read itself; what arrives here is transient.
            var failure = IngestionFailure.Of(ex);
            if (failure.Kind == IngestionFailureKind.Transient && job.Attempts < o.MaxAttempts)
            {
                logger.LogWarning("Ingestion job {JobId} attempt {Attempt} failed with {Error}; retrying", job.Id, job.Attempts, failure.ErrorName);
                var backoff = TimeSpan.FromSeconds(Math.Pow(2, job.Attempts));
                await using var db = await dbFactory.CreateDbContextAsync(ct);
                await db.IngestionJobs.Where(j => j.Id == job.Id).ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.Status, JobStatus.Queued)
                    .SetProperty(j => j.LockedBy, (string?)null)
                    .SetProperty(j => j.LockedUntil, DateTimeOffset.UtcNow + backoff), ct);
            }
            else
            {
                logger.LogError("Ingestion job {JobId} failed after {Attempts} attempts: {Error}", job.Id, job.Attempts, failure.ErrorName);
                await pipeline.FailAsync(job.Id, failure.Reason, ct);
            }
        }
        return true;
    }

    private sealed record Claimed(Guid Id, int Attempts);

    private async Task<Claimed?> ClaimAsync(string workerId, int leaseSeconds, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand($"""
            UPDATE ingestion_jobs SET status = {(int)JobStatus.Running}, locked_by = @worker, locked_until = now() + make_interval(secs => @lease),
                                      attempts = attempts + 1, updated_at = now()
            WHERE id = (SELECT id FROM ingestion_jobs
                        WHERE (status = {(int)JobStatus.Queued} AND (locked_until IS NULL OR locked_until < now()))
                           OR (status = {(int)JobStatus.Running} AND locked_until < now())
                        ORDER BY created_at
                        FOR UPDATE SKIP LOCKED
                        LIMIT 1)
            RETURNING id, attempts
            """, conn);
        cmd.Parameters.AddWithValue("worker", workerId);
        cmd.Parameters.AddWithValue("lease", (double)leaseSeconds);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new Claimed(reader.GetGuid(0), reader.GetInt32(1)) : null;
    }

    private async Task RenewLeaseAsync(Guid jobId, string workerId, int leaseSeconds, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var renewed = await db.IngestionJobs.Where(j => j.Id == jobId && j.LockedBy == workerId)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.LockedUntil, DateTimeOffset.UtcNow.AddSeconds(leaseSeconds)), ct);
        if (renewed == 0) throw new LeaseLostException();
    }
}

/// <summary>This worker's lease ran out and another worker owns the job now.</summary>
public sealed class LeaseLostException() : Exception("The job's lease was taken over by another worker.");
