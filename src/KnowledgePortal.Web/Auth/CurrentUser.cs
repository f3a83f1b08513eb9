using System.Security.Claims;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Web.Hosting;
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
    IOptions<Hosting.AuthenticationOptions> options)
{
    public async Task<ClaimsPrincipal> PrincipalAsync() => (await authState.GetAuthenticationStateAsync()).User;

    public async Task<UserAccess> GetAsync(CancellationToken ct = default)
    {
        var principal = await PrincipalAsync();
        return await ResolveAsync(principal, resolver, options.Value, ct);
    }

    public static async Task<UserAccess> ResolveAsync(ClaimsPrincipal principal, AccessResolver resolver,
        Hosting.AuthenticationOptions options, CancellationToken ct = default)
    {
        if (principal.Identity?.IsAuthenticated != true) return UserAccess.Anonymous;
        var identity = PortalClaims.ToExternalIdentity(principal, options.GroupsClaim, options.RolesClaim);
        return await resolver.ResolveAsync(identity, ct);
    }
}

/// <summary>Adds the computed portal roles as claims so [Authorize(Policy = ...)] works on pages and endpoints.</summary>
public sealed class PortalRoleClaimsTransformation(AccessResolver resolver, IOptions<Hosting.AuthenticationOptions> options)
    : Microsoft.AspNetCore.Authentication.IClaimsTransformation
{
    public async Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true || principal.HasClaim(c => c.Type == PortalClaims.Role)) return principal;
        var access = await CurrentUser.ResolveAsync(principal, resolver, options.Value);
        var extra = new ClaimsIdentity(access.RoleNames().Select(r => new Claim(PortalClaims.Role, r)));
        var result = principal.Clone();
        result.AddIdentity(extra);
        return result;
    }
}

public static class Policies
{
    public const string Admin = "Admin";
    public const string KnowledgeManager = "KnowledgeManager";
    public const string Api = "Api";
}
