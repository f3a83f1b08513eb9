using System.Security.Claims;

namespace KnowledgePortal.Web.Auth;

/// <summary>
/// Entra's multi-tenant authorities ("common", "organizations", "consumers") accept a token from any tenant, so the
/// portal would let in every Entra user in the world. They are allowed only with an explicit list of tenant ids.
/// </summary>
public static class TenantPolicy
{
    public static bool IsMultiTenant(string? tenantId) =>
        tenantId is not null && (tenantId.Equals("common", StringComparison.OrdinalIgnoreCase)
                                 || tenantId.Equals("organizations", StringComparison.OrdinalIgnoreCase)
                                 || tenantId.Equals("consumers", StringComparison.OrdinalIgnoreCase));

    /// <summary>True when no list is configured (single tenant: the authority checks the issuer) or the token's tid is on it.</summary>
    public static bool Allows(ClaimsPrincipal principal, IReadOnlyCollection<string> allowedTenants)
    {
        if (allowedTenants.Count == 0) return true;
        var tid = principal.FindFirst("http://schemas.microsoft.com/identity/claims/tenantid")?.Value ?? principal.FindFirst("tid")?.Value;
        return tid is not null && allowedTenants.Contains(tid, StringComparer.OrdinalIgnoreCase);
    }

    public const string RefusedMessage = "Your organisation's directory (tenant) is not allowed to sign in to this portal.";
}
