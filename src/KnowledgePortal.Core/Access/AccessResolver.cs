using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Core.Access;

/// <summary>
/// Maps identity-provider claims to portal groups and roles. Evaluated per question, so changes apply at once.
/// A deactivated account gets no access at all. For an account managed by SCIM provisioning, its provisioned group
/// memberships replace the groups claims (provisioned wins: the directory pushed them, and they are as current as
/// the last push, where claims are as old as the sign-in); roles still come from the claims.
/// </summary>
public sealed class AccessResolver(IDbContextFactory<PortalDbContext> dbFactory, RoleClaimMapping roleMapping)
{
    public const string DeactivatedProblem = "The account is deactivated.";

    /// <param name="roleMappingOverride">For the demo users of the CLI in Development, whose role names are the demo's.</param>
    public async Task<UserAccess> ResolveAsync(ExternalIdentity identity, CancellationToken ct = default, RoleClaimMapping? roleMappingOverride = null)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var account = await db.Users.AsNoTracking().Where(u => u.Subject == identity.Subject)
            .Select(u => new { u.Id, u.DeactivatedAt, u.ProvisionedAt }).SingleOrDefaultAsync(ct);
        if (account?.DeactivatedAt is not null)
            return new UserAccess(identity.Subject, identity.UserName, identity.DisplayName, [], false, false, [], DeactivatedProblem);
        if (account?.ProvisionedAt is not null)
            identity = identity with
            {
                Groups = await db.ProvisionedGroups.Where(g => g.Members.Any(m => m.UserId == account.Id))
                    .Select(g => g.ExternalId ?? g.DisplayName).ToListAsync(ct),
                GroupResolutionProblem = null,
            };
        var mappings = await db.GroupMappings.AsNoTracking().ToListAsync(ct);
        var groupsById = await db.Groups.AsNoTracking().ToDictionaryAsync(g => g.Id, ct);
        return Resolve(identity, mappings, groupsById.Values.ToList(),
            await db.CollectionAccess.AsNoTracking().Where(a => a.Level == AccessLevel.Manage).ToListAsync(ct),
            await db.Collections.AsNoTracking().Select(c => c.Id).ToListAsync(ct), roleMappingOverride ?? roleMapping);
    }

    /// <summary>Pure mapping, unit-tested: claims → group ids, roles, managed collections.</summary>
    public static UserAccess Resolve(
        ExternalIdentity identity,
        IReadOnlyList<GroupMapping> mappings,
        IReadOnlyList<PortalGroup> groups,
        IReadOnlyList<CollectionAccess> manageGrants,
        IReadOnlyList<int> allCollectionIds,
        RoleClaimMapping roleMapping)
    {
        var externalGroups = identity.GroupResolutionProblem is null
            ? new HashSet<string>(identity.Groups, StringComparer.OrdinalIgnoreCase)
            : []; // fail closed: no group-based access at all
        var roles = new HashSet<string>(identity.Roles, StringComparer.OrdinalIgnoreCase);

        var groupIds = mappings
            .Where(m => m.Kind == GroupMappingKind.ExternalGroup ? externalGroups.Contains(m.Value) : roles.Contains(m.Value))
            .Select(m => m.GroupId)
            .Distinct()
            .Order()
            .ToArray();

        var granted = groups.Where(g => groupIds.Contains(g.Id) && g.GrantsRole is not null).Select(g => g.GrantsRole!.Value).ToHashSet();
        // A role claim counts only when mapped: by configuration (roleMapping) or through a portal group that grants it.
        var isAdmin = roleMapping.GrantsAdmin(roles) || granted.Contains(PortalRole.Admin);
        var isKm = isAdmin || roleMapping.GrantsKnowledgeManager(roles) || granted.Contains(PortalRole.KnowledgeManager);

        // Admins curate every collection's settings, but only KMs/admins in a managing group upload and curate documents.
        var managed = isKm
            ? manageGrants.Where(a => groupIds.Contains(a.GroupId)).Select(a => a.CollectionId).Distinct().Order().ToArray()
            : [];

        return new UserAccess(identity.Subject, identity.UserName, identity.DisplayName, groupIds, isAdmin, isKm, managed,
            identity.GroupResolutionProblem);
    }
}
