using KnowledgePortal.Core.Domain;
using Microsoft.Extensions.Configuration;

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

    /// <summary>
    /// The configured mapping; with none configured, the demo users' role names count only for the local Development
    /// sign-in (<paramref name="developmentSignIn"/>: mode Development, or no mode in a host without sign-in, such as
    /// the tests' service graph).
    /// </summary>
    public static RoleClaimMapping For(IReadOnlyList<string> adminRoles, IReadOnlyList<string> knowledgeManagerRoles, bool developmentSignIn) =>
        adminRoles.Count > 0 || knowledgeManagerRoles.Count > 0 ? new(adminRoles, knowledgeManagerRoles)
            : developmentSignIn ? Demo : None;

    /// <summary>The mapping from the "Authentication" section (AdminRoles, KnowledgeManagerRoles, Mode) as the host binds it.</summary>
    public static RoleClaimMapping FromConfiguration(IConfigurationSection authentication, bool isDevelopmentEnvironment)
    {
        var mode = authentication["Mode"];
        return For(authentication.GetSection("AdminRoles").Get<string[]>() ?? [],
            authentication.GetSection("KnowledgeManagerRoles").Get<string[]>() ?? [],
            isDevelopmentEnvironment && (string.IsNullOrEmpty(mode) || string.Equals(mode, "Development", StringComparison.OrdinalIgnoreCase)));
    }

    public bool GrantsAdmin(IReadOnlySet<string> roles) => AdminRoles.Any(roles.Contains);
    public bool GrantsKnowledgeManager(IReadOnlySet<string> roles) => KnowledgeManagerRoles.Any(roles.Contains);
}
