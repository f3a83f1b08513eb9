using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace KnowledgePortal.Web.Auth;

/// <summary>
/// Which handler authenticates a request to /api or /mcp. One scheme answers per request, chosen by what it carries,
/// so a cookie and a bearer token are never merged into one principal: "Bearer kpt_…" is a personal API token, any
/// other bearer token goes to the identity provider's JwtBearer (when the portal accepts one), and without an
/// Authorization header /api falls back to the sign-in cookie while /mcp has none.
/// </summary>
public static class PortalSchemes
{
    public const string ApiToken = "ApiToken";
    /// <summary>/api: a bearer token, else the cookie.</summary>
    public const string Api = "PortalApi";
    /// <summary>/mcp: bearer tokens only.</summary>
    public const string Bearer = "PortalBearer";

    public static string Select(HttpContext context, bool acceptsJwt, bool cookieFallback)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return cookieFallback ? CookieAuthenticationDefaults.AuthenticationScheme : ApiToken;
        return header.AsSpan(7).TrimStart().StartsWith(Core.Access.ApiTokenRules.TokenPrefix, StringComparison.Ordinal) || !acceptsJwt
            ? ApiToken
            : JwtBearerDefaults.AuthenticationScheme;
    }
}
