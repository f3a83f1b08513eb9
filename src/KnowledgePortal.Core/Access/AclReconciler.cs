using KnowledgePortal.Core.Audit;
using KnowledgePortal.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KnowledgePortal.Core.Access;

/// <summary>Chunks of one collection whose ACL or label differs from what their document's rules give.</summary>
public sealed record AclDrift(int CollectionId, string Collection, int Chunks);

/// <summary>
/// Finds and repairs chunks whose readable groups or sensitivity label differ from their collection's grants and
/// label (narrowed by the document's restriction). Grant changes and the ingestion persist lock the collection row so
/// drift should not arise; this is the safety net for anything that slips past (a bug, a hand-edited row).
/// </summary>
public sealed class AclReconciler(IDbContextFactory<PortalDbContext> dbFactory, ILogger<AclReconciler> logger)
{
    private const string DriftCondition = $"""
        (c.allowed_group_ids IS DISTINCT FROM {AclUpdater.AllowedGroupsSql} OR c.sensitivity <> col.sensitivity OR c.collection_id <> d.collection_id)
        """;

    public async Task<IReadOnlyList<AclDrift>> FindDriftAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Database.SqlQueryRaw<AclDrift>($"""
            SELECT col.id AS collection_id, col.name AS collection, count(*)::int AS chunks
            FROM chunks c JOIN documents d ON d.id = c.document_id JOIN collections col ON col.id = d.collection_id
            WHERE {DriftCondition}
            GROUP BY col.id, col.name ORDER BY col.id
            """).ToListAsync(ct);
    }

    /// <summary>Sets every drifted chunk to what its rules give; returns what was found (and is now repaired).</summary>
    public async Task<IReadOnlyList<AclDrift>> RepairAsync(CancellationToken ct = default)
    {
        var drift = await FindDriftAsync(ct);
        if (drift.Count == 0) return drift;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The same lock a grant change takes, so a repair never interleaves with one.
        foreach (var d in drift)
            await db.Database.ExecuteSqlAsync($"SELECT id FROM collections WHERE id = {d.CollectionId} FOR UPDATE", ct);
        var repaired = await db.Database.ExecuteSqlRawAsync($"""
            UPDATE chunks c SET allowed_group_ids = {AclUpdater.AllowedGroupsSql}, sensitivity = col.sensitivity, collection_id = d.collection_id
            FROM documents d JOIN collections col ON col.id = d.collection_id
            WHERE d.id = c.document_id AND {DriftCondition}
            """, ct);
        AuditLog.Add(db, "system", "acl-drift-repaired", "chunks", null,
            new { chunks = repaired, collections = drift.Select(d => new { d.CollectionId, d.Collection, d.Chunks }) });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        logger.LogWarning("Repaired the access rules of {Chunks} chunks in {Collections} collections that differed from their documents' rules",
            repaired, drift.Count);
        return drift;
    }
}

/// <summary>Runs <see cref="AclReconciler.RepairAsync"/> periodically in processes that run the ingestion worker.</summary>
public sealed class AclReconcileWorker(AclReconciler reconciler, ILogger<AclReconcileWorker> logger, TimeSpan interval) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await reconciler.RepairAsync(stoppingToken); }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception ex) { logger.LogWarning("Access reconciliation failed: {Error}", ex.GetType().Name); }
            try { await Task.Delay(interval, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }
}
