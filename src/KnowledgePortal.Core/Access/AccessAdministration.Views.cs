using KnowledgePortal.Core.Audit;
using KnowledgePortal.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Core.Access;

/// <summary>A collection as the admin Collections page lists it: every grant, whoever reads it.</summary>
public sealed record AdminCollection(int Id, string Name, string? Description, SensitivityLabel Sensitivity, int? ReviewIntervalDays,
    int Documents, IReadOnlyList<CollectionGrant> Grants);

/// <summary>One group's grant on a collection; <paramref name="Level"/> null when the group has none.</summary>
public sealed record CollectionGrant(int GroupId, string Group, AccessLevel? Level);

/// <param name="RestrictedTo">Names of the groups the document is restricted to; null when it is not restricted.</param>
public sealed record AdminDocument(Guid Id, string Title, DocumentStatus Status, int[]? RestrictedToGroupIds, IReadOnlyList<string>? RestrictedTo);

/// <param name="More">More documents match than were returned.</param>
public sealed record AdminDocumentList(IReadOnlyList<AdminDocument> Documents, bool More);

public sealed record GroupMappingView(int Id, GroupMappingKind Kind, string Value);

/// <param name="Members">Known users who had the group at their last sign-in.</param>
public sealed record AdminGroup(int Id, string Name, string? Description, PortalRole? GrantsRole, IReadOnlyList<GroupMappingView> Mappings, int Members);

public sealed record GroupMember(int Id, string UserName, string DisplayName, DateTimeOffset LastSignInAt);

/// <param name="Provisioned">The SCIM-provisioned directory groups its external-group mappings match, with their members.</param>
public sealed record GroupDetails(int Id, string Name, IReadOnlyList<GroupMappingView> Mappings, IReadOnlyList<GroupMember> Members,
    IReadOnlyList<ProvisionedGroupView> Provisioned);

/// <summary>A user the portal has seen sign in, for the admin's user pickers.</summary>
public sealed record KnownUser(int Id, string UserName, string DisplayName);

/// <summary>
/// What the admin pages read: every collection, group, known user and document, whatever the admin's own groups
/// may read (titles and names only, never passage text). Each read refuses a non-admin like the changes do.
/// </summary>
public sealed partial class AccessAdministration
{
    public async Task<IReadOnlyList<AdminCollection>> ListCollectionsAsync(UserAccess actor, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var groups = await db.Groups.AsNoTracking().ToDictionaryAsync(g => g.Id, g => g.Name, ct);
        var collections = await db.Collections.AsNoTracking().Include(c => c.Access).OrderBy(c => c.Name).ToListAsync(ct);
        var counts = await db.Documents.GroupBy(d => d.CollectionId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        return collections.Select(c => new AdminCollection(c.Id, c.Name, c.Description, c.Sensitivity, c.ReviewIntervalDays, counts.GetValueOrDefault(c.Id),
                c.Access.Select(a => new CollectionGrant(a.GroupId, groups.GetValueOrDefault(a.GroupId, $"#{a.GroupId}"), a.Level))
                    .OrderBy(a => a.Group, StringComparer.OrdinalIgnoreCase).ToList()))
            .ToList();
    }

    /// <summary>Every group by name with its current grant on the collection (null: none): the grants editor's rows.</summary>
    public async Task<IReadOnlyList<CollectionGrant>> GrantsByGroupAsync(UserAccess actor, int collectionId, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var groups = await db.Groups.AsNoTracking().OrderBy(g => g.Name).Select(g => new { g.Id, g.Name }).ToListAsync(ct);
        var grants = await db.CollectionAccess.AsNoTracking().Where(a => a.CollectionId == collectionId).ToDictionaryAsync(a => a.GroupId, a => a.Level, ct);
        return groups.Select(g => new CollectionGrant(g.Id, g.Name, grants.TryGetValue(g.Id, out var level) ? level : null)).ToList();
    }

    /// <summary>A collection's documents by title, at most <paramref name="limit"/>, optionally those whose title contains <paramref name="titleFilter"/>.</summary>
    public async Task<AdminDocumentList> ListDocumentsAsync(UserAccess actor, int collectionId, string? titleFilter, int limit, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Documents.AsNoTracking().Where(d => d.CollectionId == collectionId);
        if (!string.IsNullOrWhiteSpace(titleFilter))
        {
            var pattern = AuditQuery.Contains(titleFilter);
            query = query.Where(d => EF.Functions.ILike(d.Title, pattern, @"\"));
        }
        var docs = await query.OrderBy(d => d.Title).Take(limit + 1)
            .Select(d => new { d.Id, d.Title, d.Status, d.RestrictedToGroupIds }).ToListAsync(ct);
        var names = await db.Groups.AsNoTracking().ToDictionaryAsync(g => g.Id, g => g.Name, ct);
        return new AdminDocumentList(docs.Take(limit).Select(d => new AdminDocument(d.Id, d.Title, d.Status, d.RestrictedToGroupIds,
            d.RestrictedToGroupIds?.Select(id => names.GetValueOrDefault(id, $"#{id}")).Order().ToList())).ToList(), docs.Count > limit);
    }

    /// <summary>Documents of any collection whose title or file name contains <paramref name="text"/> (all when empty), by title.</summary>
    public async Task<IReadOnlyList<DocumentName>> FindDocumentsAsync(UserAccess actor, string? text, int limit = 30, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Documents.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(text))
        {
            var pattern = AuditQuery.Contains(text);
            query = query.Where(d => EF.Functions.ILike(d.Title, pattern, @"\") || EF.Functions.ILike(d.FileName, pattern, @"\"));
        }
        return await query.OrderBy(d => d.Title).Take(limit).Select(d => new DocumentName(d.Id, d.Title, d.Collection!.Name)).ToListAsync(ct);
    }

    /// <summary>Every collection by name, for the admin pages' filters and pickers.</summary>
    public async Task<IReadOnlyList<CollectionName>> CollectionNamesAsync(UserAccess actor, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Collections.AsNoTracking().OrderBy(c => c.Name).Select(c => new CollectionName(c.Id, c.Name)).ToListAsync(ct);
    }

    /// <summary>Every group by name, for the admin pages' filters and pickers.</summary>
    public async Task<IReadOnlyList<GroupName>> GroupNamesAsync(UserAccess actor, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Groups.AsNoTracking().OrderBy(g => g.Name).Select(g => new GroupName(g.Id, g.Name)).ToListAsync(ct);
    }

    /// <summary>Every group by name with its mappings and how many known users had it at their last sign-in.</summary>
    public async Task<IReadOnlyList<AdminGroup>> ListGroupsAsync(UserAccess actor, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var groups = await db.Groups.AsNoTracking().Include(g => g.Mappings).OrderBy(g => g.Name).ToListAsync(ct);
        var memberships = await db.Users.AsNoTracking().Select(u => u.GroupIds).ToListAsync(ct);
        return groups.Select(g => new AdminGroup(g.Id, g.Name, g.Description, g.GrantsRole, Mappings(g), memberships.Count(ids => ids.Contains(g.Id))))
            .ToList();
    }

    /// <summary>A group's mappings, its known members (as of their last sign-in) and provisioned members; null when the group does not exist.</summary>
    public async Task<GroupDetails?> GroupDetailsAsync(UserAccess actor, int groupId, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var group = await db.Groups.AsNoTracking().Include(g => g.Mappings).SingleOrDefaultAsync(g => g.Id == groupId, ct);
        if (group is null) return null;
        var members = await db.Users.AsNoTracking().Where(u => u.GroupIds.Contains(groupId)).OrderBy(u => u.UserName)
            .Select(u => new GroupMember(u.Id, u.UserName, u.DisplayName, u.LastSignInAt)).ToListAsync(ct);
        var claimValues = group.Mappings.Where(m => m.Kind == GroupMappingKind.ExternalGroup).Select(m => m.Value).ToList();
        return new GroupDetails(group.Id, group.Name, Mappings(group), members, await Provisioning.ForClaimsAsync(db, claimValues, ct));
    }

    /// <summary>Every user the portal has seen sign in, by user name.</summary>
    public async Task<IReadOnlyList<KnownUser>> ListUsersAsync(UserAccess actor, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Users.AsNoTracking().OrderBy(u => u.UserName).Select(u => new KnownUser(u.Id, u.UserName, u.DisplayName)).ToListAsync(ct);
    }

    private static List<GroupMappingView> Mappings(PortalGroup group) =>
        group.Mappings.OrderBy(m => m.Kind).ThenBy(m => m.Value).Select(m => new GroupMappingView(m.Id, m.Kind, m.Value)).ToList();
}
