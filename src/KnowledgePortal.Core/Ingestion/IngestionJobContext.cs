using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace KnowledgePortal.Core.Ingestion;

/// <summary>
/// The job a pipeline run works on: the one copy of its <c>ingestion_jobs</c> row, read when the run starts. Steps
/// change <see cref="Job"/> and the row is saved from it; only the values changed since the last save are written, so
/// what others own in the row — the worker's lease and attempts, a cancel request from an upload — is never overwritten.
/// </summary>
public sealed class IngestionJobContext
{
    private readonly IDbContextFactory<PortalDbContext> _dbFactory;
    private readonly Func<Task> _renewLease;
    private PropertyValues _saved;

    private IngestionJobContext(IDbContextFactory<PortalDbContext> dbFactory, Func<Task> renewLease, IngestionJob job, PropertyValues saved)
    {
        _dbFactory = dbFactory;
        _renewLease = renewLease;
        Job = job;
        _saved = saved;
    }

    public IngestionJob Job { get; }

    internal static async Task<IngestionJobContext> LoadAsync(IDbContextFactory<PortalDbContext> dbFactory, Guid jobId, Func<Task> renewLease,
        CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var job = await db.IngestionJobs.SingleAsync(j => j.Id == jobId, ct);
        var entry = db.Entry(job);
        var saved = entry.CurrentValues.Clone();
        entry.State = EntityState.Detached;
        return new IngestionJobContext(dbFactory, renewLease, job, saved);
    }

    /// <summary>Writes what changed in <see cref="Job"/> since it was read or last saved, with a new UpdatedAt.</summary>
    public async Task SaveAsync(CancellationToken ct)
    {
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        await SaveAsync(db, ct);
    }

    /// <summary>As <see cref="SaveAsync(CancellationToken)"/>, in <paramref name="db"/> (and so in its open transaction).</summary>
    public async Task SaveAsync(PortalDbContext db, CancellationToken ct)
    {
        Job.UpdatedAt = DateTimeOffset.UtcNow;
        var entry = db.IngestionJobs.Attach(Job);
        entry.OriginalValues.SetValues(_saved);
        entry.DetectChanges();
        await db.SaveChangesAsync(ct);
        _saved = entry.CurrentValues.Clone();
        entry.State = EntityState.Detached;
    }

    /// <summary>Extends this worker's lease; throws <see cref="LeaseLostException"/> when another worker has the job.</summary>
    public Task RenewLeaseAsync() => _renewLease();

    /// <summary>Reads the cancel request afresh: an upload of a newer version or a user sets it while the job runs.</summary>
    public async Task<bool> IsCancelRequestedAsync(CancellationToken ct)
    {
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        return await db.IngestionJobs.Where(j => j.Id == Job.Id).Select(j => j.CancelRequested).SingleAsync(ct);
    }

    /// <summary>Shows the step on the version, and on the document when this is its newest version.</summary>
    public async Task ShowStatusAsync(DocumentStatus status, CancellationToken ct)
    {
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        await db.DocumentVersions.Where(v => v.Id == Job.DocumentVersionId).ExecuteUpdateAsync(s => s.SetProperty(v => v.Status, status), ct);
        await db.Documents.Where(d => d.Id == Job.DocumentId && !db.IngestionJobs.Any(j => j.DocumentId == d.Id && j.CreatedAt > Job.CreatedAt))
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, status).SetProperty(d => d.UpdatedAt, DateTimeOffset.UtcNow), ct);
    }
}
