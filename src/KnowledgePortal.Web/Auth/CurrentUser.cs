using System.Security.Claims;
using KnowledgePortal.Core.Access;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Web.Auth;

/// <summary>
/// The signed-in user's effective access. <see cref="GetAsync"/> resolves against the database every call, so a
/// membership or grant change applies to the very next question; pages may keep the result for display only.
/// </summary>
public sealed class CurrentUser(
    AuthenticationStateProvider authState,
    AccessResolver resolver,
    IOptions<SignInOptions> options)
{
    public async Task<ClaimsPrincipal> PrincipalAsync() => (await authState.GetAuthenticationStateAsync()).User;

    public async Task<UserAccess> GetAsync(CancellationToken ct = default)
    {
        var principal = await PrincipalAsync();
        return await ResolveAsync(principal, resolver, options.Value, ct);
    }

    public static async Task<UserAccess> ResolveAsync(ClaimsPrincipal principal, AccessResolver resolver,
        SignInOptions options, CancellationToken ct = default)
    {
        if (principal.Identity?.IsAuthenticated != true) return UserAccess.Anonymous;
        var identity = PortalClaims.ToExternalIdentity(principal, options.GroupsClaim, options.RolesClaim);
        return await resolver.ResolveAsync(identity, ct);
    }
}

/// <summary>
/// Adds the computed portal roles as claims so [Authorize(Policy = ...)] works on pages and endpoints. Only the portal
/// issues kp_role: one arriving in a token, userinfo or cookie from elsewhere is removed before the roles are computed.
/// </summary>
public sealed class PortalRoleClaimsTransformation(AccessResolver resolver, IOptions<SignInOptions> options)
    : Microsoft.AspNetCore.Authentication.IClaimsTransformation
{
    /// <summary>The identity the portal adds; an authentication type no handler gives a signed-in identity.</summary>
    public const string PortalRolesAuthenticationType = "KnowledgePortal.Roles";

    public async Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true) return principal;
        // Runs more than once per request: the portal's own identity means this principal is already done.
        if (principal.Identities.Any(i => i.AuthenticationType == PortalRolesAuthenticationType)) return principal;
        var result = principal.Clone();
        StripIncomingRoles(result);
        var access = await CurrentUser.ResolveAsync(result, resolver, options.Value);
        result.AddIdentity(new ClaimsIdentity(access.RoleNames().Select(r => new Claim(PortalClaims.Role, r)), PortalRolesAuthenticationType));
        return result;
    }

    public static void StripIncomingRoles(ClaimsPrincipal principal)
    {
        foreach (var identity in principal.Identities)
            foreach (var claim in identity.FindAll(PortalClaims.Role).ToList())
                identity.TryRemoveClaim(claim);
    }
}

public static class Policies
{
    public const string Admin = "Admin";
    public const string KnowledgeManager = "KnowledgeManager";
    public const string Api = "Api";
    public const string Mcp = "Mcp";
    public const string Scim = "Scim";
}
