using System.ComponentModel.DataAnnotations;
using KnowledgePortal.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Core.Audit;

public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>Audit events older than this many days are deleted once a day.</summary>
    [Range(1, 36500)] public int RetentionDays { get; set; } = 365;
}

/// <summary>The only way audit rows are deleted: the append-only trigger lets a transaction through that sets kp.audit_retention.</summary>
public static class AuditRetention
{
    public const string Actor = "system";
    public const string Action = "audit-purge";

    /// <summary>Deletes events older than <paramref name="retentionDays"/> days and records the purge; returns the rows deleted.</summary>
    public static async Task<int> PurgeAsync(PortalDbContext db, int retentionDays, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retentionDays, 1);
        var cutoff = DateTimeOffset.UtcNow.AddDays(-retentionDays);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlRawAsync("SET LOCAL kp.audit_retention = 'on'", ct);
        var deleted = await db.Database.ExecuteSqlAsync($"DELETE FROM audit_events WHERE at < {cutoff}", ct);
        // Back to append-only before anything else runs in this transaction.
        await db.Database.ExecuteSqlRawAsync("SET LOCAL kp.audit_retention = 'off'", ct);
        if (deleted > 0)
        {
            AuditLog.Add(db, Actor, Action, "audit", null, new { deleted, retentionDays, before = cutoff });
            await db.SaveChangesAsync(ct);
        }
        await tx.CommitAsync(ct);
        return deleted;
    }
}

/// <summary>Purges old audit events once a day (shortly after start, then every 24 hours).</summary>
public sealed class AuditRetentionJob(
    IDbContextFactory<PortalDbContext> dbFactory,
    IOptions<AuditOptions> options,
    ILogger<AuditRetentionJob> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromDays(1);
    public static readonly TimeSpan StartDelay = TimeSpan.FromMinutes(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(StartDelay, stoppingToken);
            using var timer = new PeriodicTimer(Interval);
            do
            {
                await RunOnceAsync(stoppingToken);
            } while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var deleted = await AuditRetention.PurgeAsync(db, options.Value.RetentionDays, ct);
            if (deleted > 0)
                logger.LogInformation("Audit retention: deleted {Count} events older than {Days} days", deleted, options.Value.RetentionDays);
            return deleted;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Audit retention purge failed; it will be retried in {Interval}", Interval);
            return 0;
        }
    }
}
