using System.Security.Claims;
using KnowledgePortal.Core.Access;

namespace KnowledgePortal.Web.Auth;

/// <summary>
/// The principal of a request made with a personal API token: the claims a session of the same person has (subject,
/// user name, the groups and roles the identity provider last sent), so <see cref="CurrentUser.ResolveAsync"/> maps it
/// through the current group mappings like any other caller, plus the token's id and scopes.
/// </summary>
public static class ApiTokenPrincipal
{
    /// <summary>The authentication type of the token identity; only <see cref="ApiTokenAuthenticationHandler"/> issues it.</summary>
    public const string AuthenticationType = "KnowledgePortal.ApiToken";
    public const string ScopeClaim = "kp_token_scope";
    public const string TokenIdClaim = "kp_token_id";

    public static ClaimsPrincipal For(ApiTokenHolder holder, SignInOptions options)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, holder.Subject),
            new(PortalClaims.UserName, holder.UserName),
            new(ClaimTypes.Name, holder.DisplayName),
            new("name", holder.DisplayName),
            new(TokenIdClaim, holder.TokenId.ToString("D")),
        };
        if (holder.Email is { Length: > 0 } email) claims.Add(new Claim(ClaimTypes.Email, email));
        claims.AddRange(holder.ExternalGroups.Select(g => new Claim(options.GroupsClaim, g)));
        claims.AddRange(holder.ExternalRoles.Select(r => new Claim(options.RolesClaim, r)));
        claims.AddRange(holder.Scopes.Select(s => new Claim(ScopeClaim, s)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, AuthenticationType, ClaimTypes.Name, options.RolesClaim));
    }

    /// <summary>True when the request was authenticated by a personal API token (whose scopes then limit it).</summary>
    public static bool IsToken(ClaimsPrincipal principal) =>
        principal.Identities.Any(i => i.IsAuthenticated && i.AuthenticationType == AuthenticationType);

    /// <summary>
    /// Whether the caller may use <paramref name="scope"/>: a token only with that scope; a session or an identity
    /// provider's access token always (the person's groups still decide what is read).
    /// </summary>
    public static bool Allows(ClaimsPrincipal principal, string scope) =>
        !IsToken(principal) || principal.Identities.Where(i => i.AuthenticationType == AuthenticationType)
            .SelectMany(i => i.FindAll(ScopeClaim)).Any(c => c.Value == scope);

    public static Guid? TokenId(ClaimsPrincipal principal) =>
        IsToken(principal) && Guid.TryParse(principal.FindFirst(TokenIdClaim)?.Value, out var id) ? id : null;
}
