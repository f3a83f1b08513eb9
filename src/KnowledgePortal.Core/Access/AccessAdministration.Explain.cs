using KnowledgePortal.Core.Audit;
using KnowledgePortal.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Core.Access;

public sealed partial class AccessAdministration
{
    /// <summary>
    /// The groups that can (and cannot) read a document and the rule for each, plus the known users who could read
    /// it with the groups they had at their last sign-in. Null when the document does not exist.
    /// </summary>
    public async Task<WhoCanSeeResult?> WhoCanSeeAsync(UserAccess actor, Guid documentId, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var facts = await LoadFactsAsync(db, documentId, ct);
        if (facts is null) return null;
        var groups = await db.Groups.AsNoTracking().Select(g => new GroupName(g.Id, g.Name)).ToListAsync(ct);
        var users = await db.Users.AsNoTracking().ToListAsync(ct);
        var chunks = db.Chunks.Where(c => c.DocumentId == documentId);
        var chunkCount = await chunks.CountAsync(ct);
        var acls = await chunks.Select(c => c.AllowedGroupIds).Distinct().ToListAsync(ct);
        return AccessExplainer.WhoCanSee(facts, groups, users, chunkCount, acls);
    }

    /// <summary>
    /// Whether a known user (by <c>PortalUser.Id</c>) can read a document, and the rule that decides it, judged with
    /// the groups they had at their last sign-in. Null when the user or document does not exist.
    /// </summary>
    public async Task<WhyCannotResult?> WhyCannotAsync(UserAccess actor, int userId, Guid documentId, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, ct);
        var facts = await LoadFactsAsync(db, documentId, ct);
        if (user is null || facts is null) return null;
        var groups = await db.Groups.AsNoTracking().Select(g => new GroupName(g.Id, g.Name)).ToListAsync(ct);
        return AccessExplainer.WhyCannot(facts, user, groups);
    }

    /// <summary>
    /// The read access a known user had at their last sign-in, for "View as": their groups only, read-only (manages
    /// nothing, not an admin). Audited as "view-as" with the target user and the query. Throws
    /// <see cref="KeyNotFoundException"/> for an unknown user.
    /// </summary>
    public async Task<UserAccess> AccessOfUserAsync(UserAccess actor, int portalUserId, string? query = null, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == portalUserId, ct)
                   ?? throw new KeyNotFoundException($"No portal user with id {portalUserId}.");
        AuditLog.Add(db, actor.UserName, "view-as", "user", user.Subject,
            new { user = user.UserName, groups = user.GroupIds, query });
        await db.SaveChangesAsync(ct);
        return new UserAccess(user.Subject, user.UserName, user.DisplayName, user.GroupIds.ToArray(),
            IsAdmin: false, IsKnowledgeManager: false, ManagedCollectionIds: []);
    }

    private static async Task<DocumentAccessFacts?> LoadFactsAsync(PortalDbContext db, Guid documentId, CancellationToken ct)
    {
        var doc = await db.Documents.AsNoTracking()
            .Where(d => d.Id == documentId)
            .Select(d => new { d.Id, d.Title, d.CollectionId, Collection = d.Collection!.Name, d.RestrictedToGroupIds })
            .SingleOrDefaultAsync(ct);
        if (doc is null) return null;
        var grants = await db.CollectionAccess.AsNoTracking()
            .Where(a => a.CollectionId == doc.CollectionId)
            .Select(a => new GrantFact(a.GroupId, a.Level))
            .ToListAsync(ct);
        return new DocumentAccessFacts(doc.Id, doc.Title, doc.CollectionId, doc.Collection, grants, doc.RestrictedToGroupIds);
    }
}
