using KnowledgePortal.Core.Domain;

namespace KnowledgePortal.Core.Access;

/// <summary>
/// Which identity-provider role values make a portal admin or knowledge manager. A role called "Admin" means nothing
/// by itself (any provider, any tenant, a self-service group may carry that name): only the values listed here, or a
/// portal group that grants the role and is mapped from the claim, do.
/// </summary>
public sealed record RoleClaimMapping(IReadOnlyList<string> AdminRoles, IReadOnlyList<string> KnowledgeManagerRoles)
{
    public static readonly RoleClaimMapping None = new([], []);

    /// <summary>Role names equal to the portal roles: the demo users' roles (local Development sign-in) and roles the portal itself recorded.</summary>
    public static readonly RoleClaimMapping Demo = new([nameof(PortalRole.Admin)], [nameof(PortalRole.KnowledgeManager)]);

    public bool GrantsAdmin(IReadOnlySet<string> roles) => AdminRoles.Any(roles.Contains);
    public bool GrantsKnowledgeManager(IReadOnlySet<string> roles) => KnowledgeManagerRoles.Any(roles.Contains);
}
