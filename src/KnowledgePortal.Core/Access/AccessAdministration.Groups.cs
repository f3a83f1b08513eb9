using KnowledgePortal.Core.Audit;
using KnowledgePortal.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Core.Access;

public sealed partial class AccessAdministration
{
    public const int MaxMappingValueLength = 400;

    /// <summary>Creates a portal group. <paramref name="grantsRole"/> makes every member a knowledge manager or admin.</summary>
    public async Task<AdminResult<int>> CreateGroupAsync(UserAccess actor, string name, string? description, PortalRole? grantsRole,
        CancellationToken ct = default)
    {
        RequireAdmin(actor);
        if ((CheckName(ref name) ?? CheckRole(grantsRole)) is { } invalid) return AdminResult<int>.Fail(invalid);
        description = Clean(description);
        grantsRole = NormaliseRole(grantsRole);

        return await InTransactionAsync(async db =>
        {
            var lower = name.ToLowerInvariant();
            if (await db.Groups.AnyAsync(g => g.Name.ToLower() == lower, ct)) return AdminResult<int>.Fail(AdminErrors.NameTaken);
            var group = new PortalGroup { Name = name, Description = description, GrantsRole = grantsRole };
            db.Groups.Add(group);
            await db.SaveChangesAsync(ct);
            AuditLog.Add(db, actor.UserName, "group-create", "group", Id(group.Id), new { name, description, grantsRole = grantsRole?.ToString() });
            await db.SaveChangesAsync(ct);
            return AdminResult<int>.Ok(group.Id);
        }, AdminResult<int>.Fail, ct);
    }

    public async Task<AdminResult> UpdateGroupAsync(UserAccess actor, int id, string name, string? description, PortalRole? grantsRole,
        CancellationToken ct = default)
    {
        RequireAdmin(actor);
        if ((CheckName(ref name) ?? CheckRole(grantsRole)) is { } invalid) return AdminResult.Fail(invalid);
        description = Clean(description);
        grantsRole = NormaliseRole(grantsRole);

        return await InTransactionAsync(async db =>
        {
            await db.Database.ExecuteSqlAsync($"SELECT id FROM portal_groups WHERE id = {id} FOR UPDATE", ct);
            var group = await db.Groups.SingleOrDefaultAsync(g => g.Id == id, ct);
            if (group is null) return AdminResult.Fail(AdminErrors.NotFound);
            var lower = name.ToLowerInvariant();
            if (await db.Groups.AnyAsync(g => g.Id != id && g.Name.ToLower() == lower, ct)) return AdminResult.Fail(AdminErrors.NameTaken);
            var before = new { group.Name, group.Description, GrantsRole = group.GrantsRole?.ToString() };
            group.Name = name;
            group.Description = description;
            group.GrantsRole = grantsRole;
            AuditLog.Add(db, actor.UserName, "group-change", "group", Id(id),
                new { before, after = new { Name = name, Description = description, GrantsRole = grantsRole?.ToString() } });
            await db.SaveChangesAsync(ct);
            return AdminResult.Ok();
        }, AdminResult.Fail, ct);
    }

    /// <summary>
    /// Deletes a group with its mappings and grants, drops it from document restrictions and group budgets, and
    /// recomputes the ACL of every collection it could read.
    /// </summary>
    public async Task<AdminResult> DeleteGroupAsync(UserAccess actor, int id, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        return await InTransactionAsync(async db =>
        {
            await db.Database.ExecuteSqlAsync($"SELECT id FROM portal_groups WHERE id = {id} FOR UPDATE", ct);
            var group = await db.Groups.Include(g => g.Mappings).SingleOrDefaultAsync(g => g.Id == id, ct);
            if (group is null) return AdminResult.Fail(AdminErrors.NotFound);

            var grants = await db.CollectionAccess.Where(a => a.GroupId == id).ToListAsync(ct);
            var restrictedCollections = await db.Documents
                .Where(d => d.RestrictedToGroupIds != null && d.RestrictedToGroupIds.Contains(id))
                .Select(d => d.CollectionId).Distinct().ToListAsync(ct);
            // Same lock order as grant changes and the ingestion persist: collections, then documents.
            foreach (var collectionId in grants.Select(g => g.CollectionId).Concat(restrictedCollections).Distinct().Order())
                await db.Database.ExecuteSqlAsync($"SELECT id FROM collections WHERE id = {collectionId} FOR UPDATE", ct);
            var restrictedDocuments = await db.Database.ExecuteSqlAsync(
                $"UPDATE documents SET restricted_to_group_ids = array_remove(restricted_to_group_ids, {id}) WHERE {id} = ANY(restricted_to_group_ids)", ct);
            var budgets = await db.Budgets.Where(b => b.GroupId == id).ExecuteDeleteAsync(ct);

            db.Groups.Remove(group); // cascades to mappings and collection grants
            await db.SaveChangesAsync(ct);
            var chunksUpdated = 0;
            foreach (var collectionId in grants.Select(g => g.CollectionId).Concat(restrictedCollections).Distinct())
                chunksUpdated += await AclUpdater.RecomputeCollectionAsync(db, collectionId, ct);

            AuditLog.Add(db, actor.UserName, "group-delete", "group", Id(id), new
            {
                group.Name,
                GrantsRole = group.GrantsRole?.ToString(),
                mappings = group.Mappings.Select(m => new { kind = m.Kind.ToString(), m.Value }).ToList(),
                grants = grants.Select(g => new { g.CollectionId, level = g.Level.ToString() }).ToList(),
                restrictedDocuments,
                budgets,
                chunksUpdated,
            });
            await db.SaveChangesAsync(ct);
            return AdminResult.Ok();
        }, AdminResult.Fail, ct);
    }

    /// <summary>
    /// Maps a groups-claim or roles-claim value to the group. The next question already resolves it. When
    /// <paramref name="actorIdentity"/> (the acting admin's own sign-in claims) matches the new mapping and so makes
    /// the admin a new member of a group with collection grants, the event is audited as "access-self-grant" instead
    /// of "group-mapping-add".
    /// </summary>
    public async Task<AdminResult<int>> AddMappingAsync(UserAccess actor, int groupId, GroupMappingKind kind, string value,
        ExternalIdentity? actorIdentity = null, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        value = (value ?? "").Trim();
        if (value.Length == 0) return AdminResult<int>.Fail(AdminErrors.MappingValueRequired);
        if (value.Length > MaxMappingValueLength) return AdminResult<int>.Fail(AdminErrors.NameTooLong);
        if (!Enum.IsDefined(kind)) return AdminResult<int>.Fail(AdminErrors.InvalidValue);

        return await InTransactionAsync(async db =>
        {
            var group = await db.Groups.SingleOrDefaultAsync(g => g.Id == groupId, ct);
            if (group is null) return AdminResult<int>.Fail(AdminErrors.NotFound);
            if (await db.GroupMappings.AnyAsync(m => m.GroupId == groupId && m.Kind == kind && m.Value == value, ct))
                return AdminResult<int>.Fail(AdminErrors.MappingExists);
            var mapping = new GroupMapping { GroupId = groupId, Kind = kind, Value = value };
            db.GroupMappings.Add(mapping);
            await db.SaveChangesAsync(ct);

            var collections = await db.CollectionAccess.Where(a => a.GroupId == groupId)
                .Join(db.Collections, a => a.CollectionId, c => c.Id, (a, c) => c.Name).OrderBy(n => n).ToListAsync(ct);
            var selfGrant = collections.Count > 0 && !actor.GroupIds.Contains(groupId) && MatchesIdentity(actorIdentity, kind, value);
            AuditLog.Add(db, actor.UserName, selfGrant ? "access-self-grant" : "group-mapping-add", "group", Id(groupId),
                new { group = group.Name, mappingId = mapping.Id, kind = kind.ToString(), value, via = "mapping", readableCollections = collections });
            await db.SaveChangesAsync(ct);
            return AdminResult<int>.Ok(mapping.Id);
        }, _ => AdminResult<int>.Fail(AdminErrors.MappingExists), ct);
    }

    /// <summary>Whether a mapping would match these claims, exactly as <see cref="AccessResolver.Resolve"/> matches them.</summary>
    private static bool MatchesIdentity(ExternalIdentity? identity, GroupMappingKind kind, string value) =>
        identity is not null && (kind == GroupMappingKind.ExternalGroup
            ? identity.GroupResolutionProblem is null && identity.Groups.Contains(value, StringComparer.OrdinalIgnoreCase)
            : identity.Roles.Contains(value, StringComparer.OrdinalIgnoreCase));

    public async Task<AdminResult> RemoveMappingAsync(UserAccess actor, int mappingId, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        return await InTransactionAsync(async db =>
        {
            var mapping = await db.GroupMappings.SingleOrDefaultAsync(m => m.Id == mappingId, ct);
            if (mapping is null) return AdminResult.Fail(AdminErrors.NotFound);
            var groupName = await db.Groups.Where(g => g.Id == mapping.GroupId).Select(g => g.Name).SingleAsync(ct);
            db.GroupMappings.Remove(mapping);
            AuditLog.Add(db, actor.UserName, "group-mapping-remove", "group", Id(mapping.GroupId),
                new { group = groupName, mappingId, kind = mapping.Kind.ToString(), mapping.Value });
            await db.SaveChangesAsync(ct);
            return AdminResult.Ok();
        }, AdminResult.Fail, ct);
    }

    private static string? CheckRole(PortalRole? role) => role is null || Enum.IsDefined(role.Value) ? null : AdminErrors.InvalidValue;

    /// <summary>Reader is everyone's role already: a group granting it grants nothing.</summary>
    private static PortalRole? NormaliseRole(PortalRole? role) => role == PortalRole.Reader ? null : role;
}
