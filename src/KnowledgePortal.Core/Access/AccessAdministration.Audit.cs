using KnowledgePortal.Core.Audit;
using KnowledgePortal.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Core.Access;

public sealed partial class AccessAdministration
{
    public const int MaxAuditPageSize = 500;
    public const int MaxAuditExportRows = 100_000;

    /// <summary>One page (0-based) of matching audit events, newest first, and the number of matches.</summary>
    public async Task<AuditPage> QueryAuditAsync(UserAccess actor, AuditFilter filter, int page, int pageSize, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        pageSize = Math.Clamp(pageSize, 1, MaxAuditPageSize);
        page = Math.Max(page, 0);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = AuditQuery.Apply(db.AuditEvents.AsNoTracking(), filter);
        var total = await query.CountAsync(ct);
        var items = await query.Skip(page * pageSize).Take(pageSize).ToListAsync(ct);
        var readable = (await QuestionPrivacy.ReadableCollectionsAsync(db, actor.GroupIds, ct)).ToHashSet();
        return new AuditPage(items.Select(e => QuestionPrivacy.ForViewer(e, readable)).ToList(), total);
    }

    /// <summary>The names the audit page shows for the ids in a page of events (<see cref="AuditNames"/>).</summary>
    public async Task<AuditNames> AuditNamesAsync(UserAccess actor, IReadOnlyCollection<AuditEvent> events, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        return await AuditNames.LoadAsync(dbFactory, events, ct);
    }

    /// <summary>The action names present in the audit trail, for a filter list.</summary>
    public async Task<IReadOnlyList<string>> AuditActionsAsync(UserAccess actor, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.AuditEvents.Select(e => e.Action).Distinct().OrderBy(a => a).ToListAsync(ct);
    }

    /// <summary>
    /// Matching events (newest first, at most <see cref="MaxAuditExportRows"/>) as RFC 4180 CSV with formula cells
    /// neutralised (<see cref="AuditCsv"/>). The export itself is audited as "audit-export".
    /// </summary>
    public async Task<string> ExportAuditCsvAsync(UserAccess actor, AuditFilter filter, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var events = await AuditQuery.Apply(db.AuditEvents.AsNoTracking(), filter).Take(MaxAuditExportRows).ToListAsync(ct);
        AuditLog.Add(db, actor.UserName, "audit-export", "audit", null, new { filter, rows = events.Count });
        await db.SaveChangesAsync(ct);
        var readable = (await QuestionPrivacy.ReadableCollectionsAsync(db, actor.GroupIds, ct)).ToHashSet();
        return AuditCsv.Format(events.Select(e => QuestionPrivacy.ForViewer(e, readable)));
    }
}
