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

        // An application calling with its own (client credentials) token is attributed to, and budgeted by, its client id:
        // it has no user name, and its service principal id differs per tenant while the client id names the app.
        var appClientId = AppClientId(user);
        var subject = appClientId is not null ? AppPrefix + appClientId
            : First(GroupOverage.ObjectIdClaimType, "oid", ClaimTypes.NameIdentifier, "sub")
              ?? throw new InvalidOperationException("The sign-in token has no subject claim.");
        var userName = appClientId is not null ? subject : First(UserName, "upn", ClaimTypes.Upn, ClaimTypes.Email, "email", ClaimTypes.Name, "name") ?? subject;
        var displayName = appClientId is not null ? $"Application {appClientId}" : First("name", ClaimTypes.Name) ?? userName;
        var groups = user.FindAll(groupsClaim).Select(c => c.Value).ToList();
        var roles = user.FindAll(rolesClaim).Concat(user.FindAll(ClaimTypes.Role)).Select(c => c.Value).Distinct().ToList();

        // Entra sends "_claim_names" {"groups": ...} instead of the groups when a user has too many (overage); the
        // groups then count only once GraphGroupResolver has read them. Fail closed: no group-based access otherwise.
        string? problem = user.HasClaim(GroupOverage.FailedClaim, "true") || (GroupOverage.HasOverage(user) && !user.HasClaim(GroupOverage.ResolvedClaim, "true"))
            ? "Your group memberships could not be read from the directory, so group-based access is off for this sign-in. Sign out and in again, or ask IT."
            : null;
        return new ExternalIdentity(subject, userName, displayName, First(ClaimTypes.Email, "email"), groups, roles, problem);
    }

    /// <summary>Prefix of the portal user id of an application (app-only token): "app:" + its client id.</summary>
    public const string AppPrefix = "app:";

    /// <summary>
    /// The client id (<c>azp</c>, v1 <c>appid</c>) when the token is app-only (client credentials), else null. Entra marks
    /// app-only tokens with <c>idtyp=app</c> (an optional claim); without it, an app-only token has no <c>scp</c> and its
    /// <c>sub</c> equals its <c>oid</c> (a user's <c>sub</c> is pairwise and never equals the <c>oid</c>).
    /// </summary>
    public static string? AppClientId(ClaimsPrincipal user)
    {
        string? First(params string[] types) =>
            types.Select(t => user.FindFirst(t)?.Value).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

        var clientId = First("azp", "appid");
        if (clientId is null) return null;
        var idtyp = First("idtyp");
        if (idtyp is not null) return string.Equals(idtyp, "app", StringComparison.OrdinalIgnoreCase) ? clientId : null;
        var oid = First(GroupOverage.ObjectIdClaimType, "oid");
        var sub = First("sub", ClaimTypes.NameIdentifier);
        return First("scp", ScopeClaimType) is null && oid is not null && oid == sub ? clientId : null;
    }

    /// <summary>"scp" as ASP.NET Core maps it when inbound claim mapping is on.</summary>
    private const string ScopeClaimType = "http://schemas.microsoft.com/identity/claims/scope";
}

public static class GroupOverage
{
    /// <summary>Added once membership has been fetched from Microsoft Graph for an overage token.</summary>
    public const string ResolvedClaim = "kp_groups_resolved";
    public const string FailedClaim = "kp_groups_failed";
    /// <summary>The object id ("oid") as ASP.NET Core maps it when inbound claim mapping is on.</summary>
    public const string ObjectIdClaimType = "http://schemas.microsoft.com/identity/claims/objectidentifier";

    /// <summary>
    /// True when the token says the groups were left out: <c>_claim_names</c> names "groups" (code flow), or
    /// <c>hasgroups</c> is true (implicit flow).
    /// </summary>
    public static bool HasOverage(ClaimsPrincipal user)
    {
        if (user.HasClaim(c => c.Type == "hasgroups" && string.Equals(c.Value, "true", StringComparison.OrdinalIgnoreCase))) return true;
        foreach (var claim in user.FindAll("_claim_names"))
        {
            try
            {
                using var json = System.Text.Json.JsonDocument.Parse(claim.Value);
                if (json.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object && json.RootElement.TryGetProperty("groups", out _))
                    return true;
            }
            catch (System.Text.Json.JsonException)
            {
                if (claim.Value.Contains("groups", StringComparison.Ordinal)) return true; // unreadable: assume the worst
            }
        }
        return false;
    }

    /// <summary>Drops marker claims that came from outside (a token may carry any claim name).</summary>
    public static void RemoveMarkers(ClaimsPrincipal user)
    {
        foreach (var identity in user.Identities)
            foreach (var claim in identity.Claims.Where(c => c.Type is ResolvedClaim or FailedClaim).ToList())
                identity.TryRemoveClaim(claim);
    }
}
