using System.Net.Http.Headers;
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
        if (!cache.TryGetValue(key, out (string[] Groups, string[] Roles) claims))
        {
            var read = await ReadUserInfoAsync(context, raw, sub, settings);
            if (read is null)
            {
                context.Fail("The identity provider's userinfo endpoint did not confirm this access token.");
                return;
            }
            claims = read.Value;
            cache.Set(key, claims, settings.RevalidateInterval);
        }
        var existing = identity.Claims.Select(c => (c.Type, c.Value)).ToHashSet();
        foreach (var g in claims.Groups.Where(g => !existing.Contains((settings.GroupsClaim, g)))) identity.AddClaim(new Claim(settings.GroupsClaim, g));
        foreach (var r in claims.Roles.Where(r => !existing.Contains((settings.RolesClaim, r)))) identity.AddClaim(new Claim(settings.RolesClaim, r));
    }

    private static async Task<(string[] Groups, string[] Roles)?> ReadUserInfoAsync(TokenValidatedContext context, string accessToken, string? sub,
        SignInOptions settings)
    {
        var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OidcAccessTokens));
        try
        {
            var configuration = await context.Options.ConfigurationManager!.GetConfigurationAsync(context.HttpContext.RequestAborted);
            if (configuration is not OpenIdConnectConfiguration { UserInfoEndpoint: { Length: > 0 } endpoint }) return null;
            using var request = new HttpRequestMessage(HttpMethod.Get, endpoint);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.HttpContext.RequestAborted);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            using var response = await context.Options.Backchannel.SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("Access token of {User} refused: userinfo answered HTTP {Status}", sub ?? "(unknown)", (int)response.StatusCode);
                return null;
            }
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(timeout.Token));
            var root = json.RootElement;
            if (!root.TryGetProperty("sub", out var infoSub) || infoSub.GetString() != sub)
            {
                logger.LogWarning("Access token of {User} refused: userinfo named another subject", sub ?? "(unknown)");
                return null;
            }
            return (JsonValuesClaimAction.ClaimValues(root, settings.GroupsClaim), JsonValuesClaimAction.ClaimValues(root, settings.RolesClaim));
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or JsonException or InvalidOperationException)
        {
            if (ex is OperationCanceledException && context.HttpContext.RequestAborted.IsCancellationRequested) throw;
            logger.LogWarning("Access token of {User} refused: userinfo could not be read ({Error})", sub ?? "(unknown)", ex.GetType().Name);
            return null;
        }
    }
}
