using System.Security.Claims;
using KnowledgePortal.Core.Access;

namespace KnowledgePortal.Web.Auth;

public static class PortalClaims
{
    /// <summary>Portal role computed from claims and group mappings (Reader, KnowledgeManager, Admin).</summary>
    public const string Role = "kp_role";
    public const string UserName = "preferred_username";

    /// <summary>Reads the identity provider's claims into the provider-neutral shape the resolver maps.</summary>
    public static ExternalIdentity ToExternalIdentity(ClaimsPrincipal user, string groupsClaim, string rolesClaim)
    {
        string? First(params string[] types) =>
            types.Select(t => user.FindFirst(t)?.Value).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

        var subject = First("http://schemas.microsoft.com/identity/claims/objectidentifier", "oid", ClaimTypes.NameIdentifier, "sub")
                      ?? throw new InvalidOperationException("The sign-in token has no subject claim.");
        var userName = First(UserName, "upn", ClaimTypes.Upn, ClaimTypes.Email, "email", ClaimTypes.Name, "name") ?? subject;
        var displayName = First("name", ClaimTypes.Name) ?? userName;
        var groups = user.FindAll(groupsClaim).Select(c => c.Value).ToList();
        var roles = user.FindAll(rolesClaim).Concat(user.FindAll(ClaimTypes.Role)).Select(c => c.Value).Distinct().ToList();

        // Entra sends "_claim_names" {"groups": ...} instead of the groups when a user has too many (overage).
        string? problem = user.FindFirst(GroupOverage.ResolvedClaim) is not null
            ? null
            : user.FindFirst("_claim_names")?.Value.Contains("groups", StringComparison.Ordinal) == true || user.HasClaim(GroupOverage.FailedClaim, "true")
                ? "Your group memberships could not be read from the directory, so group-based access is off for this sign-in. Sign out and in again, or ask IT."
                : null;
        return new ExternalIdentity(subject, userName, displayName, First(ClaimTypes.Email, "email"), groups, roles, problem);
    }
}

public static class GroupOverage
{
    /// <summary>Added once membership has been fetched from Microsoft Graph for an overage token.</summary>
    public const string ResolvedClaim = "kp_groups_resolved";
    public const string FailedClaim = "kp_groups_failed";
}
