using System.Text.Json;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Core.Audit;

/// <summary>Append-only audit trail (a database trigger refuses updates and deletes outside retention).</summary>
public sealed class AuditLog(IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task WriteAsync(string actor, string action, string? targetType = null, string? targetId = null,
        object? details = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        Add(db, actor, action, targetType, targetId, details);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Adds the event to a unit of work the caller saves, so the change and its audit commit together.</summary>
    public static void Add(PortalDbContext db, string actor, string action, string? targetType = null, string? targetId = null,
        object? details = null) =>
        db.AuditEvents.Add(new AuditEvent
        {
            Actor = actor,
            Action = action,
            TargetType = targetType,
            TargetId = targetId,
            Details = details is null ? null : JsonSerializer.Serialize(details),
        });
}
