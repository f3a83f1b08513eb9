using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace KnowledgePortal.Web.Auth;

/// <summary>
/// In Oidc mode with Authentication:Oidc:ApiAudience set, /api and /mcp accept the provider's access tokens for the
/// portal. Groups and roles are read as at sign-in: from the token, plus the userinfo endpoint (called with the token
/// itself, its answer kept for Authentication:RevalidateMinutes). A userinfo failure refuses the token (fail closed).
/// </summary>
public static class OidcAccessTokens
{
    public static void Configure(JwtBearerOptions o, SignInOptions settings)
    {
        var oidc = settings.Oidc;
        o.Authority = oidc.Authority;
        o.Audience = oidc.ApiAudience;
        o.RequireHttpsMetadata = oidc.RequireHttpsMetadata;
        o.MapInboundClaims = false;
        o.TokenValidationParameters = new TokenValidationParameters
        {
            ValidAudience = oidc.ApiAudience,
            NameClaimType = oidc.NameClaim,
            RoleClaimType = settings.RolesClaim,
        };
        o.Events = new JwtBearerEvents { OnTokenValidated = context => AddUserInfoClaimsAsync(context, settings) };
    }

    private static async Task AddUserInfoClaimsAsync(TokenValidatedContext context, SignInOptions settings)
    {
        if (context.Principal?.Identity is not ClaimsIdentity identity) return;
        // Only the portal decides whether groups were resolved: drop look-alike marker claims from the token.
        GroupOverage.RemoveMarkers(context.Principal);
        var raw = context.Request.Headers.Authorization.ToString()["Bearer ".Length..].Trim();
        var sub = context.Principal.FindFirst("sub")?.Value;
        var services = context.HttpContext.RequestServices;
        var cache = services.GetRequiredService<IMemoryCache>();
        var key = "kp:userinfo:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(raw)));
        if (!cache.TryGetValue(key, out UserInfoClaims? claims) || claims is null)
        {
            claims = await ReadUserInfoAsync(context, raw, sub, settings);
            if (claims is null)
            {
                context.Fail("The identity provider's userinfo endpoint did not confirm this access token.");
                return;
            }
            cache.Set(key, claims, settings.RevalidateInterval);
        }
        var existing = identity.Claims.Select(c => (c.Type, c.Value)).ToHashSet();
        foreach (var (type, value) in claims.Claims(settings).Where(c => !existing.Contains(c))) identity.AddClaim(new Claim(type, value));
    }

    /// <summary>What userinfo adds to an access token: groups and roles, and the profile names an access token often lacks.</summary>
    private sealed record UserInfoClaims(string[] Groups, string[] Roles, string? UserName, string? Name, string? Email)
    {
        public IEnumerable<(string Type, string Value)> Claims(SignInOptions settings)
        {
            foreach (var g in Groups) yield return (settings.GroupsClaim, g);
            foreach (var r in Roles) yield return (settings.RolesClaim, r);
            if (UserName is { Length: > 0 }) yield return (PortalClaims.UserName, UserName);
            if (Name is { Length: > 0 }) yield return ("name", Name);
            if (Email is { Length: > 0 }) yield return ("email", Email);
        }
    }

    private static async Task<UserInfoClaims?> ReadUserInfoAsync(TokenValidatedContext context, string accessToken, string? sub,
        SignInOptions settings)
    {
        var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OidcAccessTokens));
        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await context.Options.ConfigurationManager!.GetConfigurationAsync(context.HttpContext.RequestAborted);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or InvalidOperationException)
        {
            logger.LogWarning("Access token of {User} refused: no provider metadata ({Error})", sub ?? "(unknown)", ex.GetType().Name);
            return null;
        }
        if (configuration.UserInfoEndpoint is not { Length: > 0 } endpoint) return null;
        if (await OidcUserInfo.ReadAsync(context.Options.Backchannel, endpoint, accessToken, sub, logger, "access token refused",
                context.HttpContext.RequestAborted) is not { } root)
            return null;
        string? Text(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        return new UserInfoClaims(JsonValuesClaimAction.ClaimValues(root, settings.GroupsClaim), JsonValuesClaimAction.ClaimValues(root, settings.RolesClaim),
            Text(PortalClaims.UserName), Text("name"), Text("email"));
    }
}
