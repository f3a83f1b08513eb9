using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace KnowledgePortal.Web.Auth;

/// <summary>
/// Group memberships from Entra ID / OIDC are re-read at least every Authentication:RevalidateMinutes, so a person
/// removed from a group (or disabled) loses that access within the bound, not when the 8-hour cookie ends. The cookie
/// is checked on each request; open Blazor circuits are ended once their principal is older than the bound.
/// A failed re-read ends the session (fail closed): the person signs in again.
/// </summary>
public static class SessionRevalidation
{
    /// <summary>When the principal's groups were last read from the identity provider (Unix seconds); set only by the portal.</summary>
    public const string StampClaim = "kp_groups_read_at";

    public static void Stamp(ClaimsPrincipal principal, DateTimeOffset now)
    {
        foreach (var identity in principal.Identities)
            foreach (var claim in identity.FindAll(StampClaim).ToList())
                identity.TryRemoveClaim(claim);
        (principal.Identities.FirstOrDefault(i => i.IsAuthenticated) ?? principal.Identities.First())
            .AddClaim(new Claim(StampClaim, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>True when the groups were read within <paramref name="bound"/>; a principal without a stamp is not fresh.</summary>
    public static bool IsFresh(ClaimsPrincipal principal, DateTimeOffset now, TimeSpan bound) =>
        principal.FindFirst(StampClaim)?.Value is { } v && long.TryParse(v, CultureInfo.InvariantCulture, out var seconds)
        && now - DateTimeOffset.FromUnixTimeSeconds(seconds) <= bound;

    /// <summary>
    /// Cookie OnValidatePrincipal: ends the session of a deactivated account (every request, in every sign-in mode), and
    /// re-reads groups and roles when the stamp is older than the bound.
    /// </summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var options = services.GetRequiredService<IOptions<SignInOptions>>().Value;
        if (context.Principal is null) return;
        if (await IsDeactivatedAsync(context.Principal, services, options, context.HttpContext.RequestAborted))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return;
        }
        if (options.Mode is not (SignInMode.Oidc or SignInMode.EntraId)) return;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        if (IsFresh(context.Principal, now, options.RevalidateInterval)) return;

        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SessionRevalidation));
        var fresh = options.Mode == SignInMode.Oidc
            ? await ReadFromUserInfoAsync(context, options, logger)
            : await services.GetRequiredService<GraphGroupResolver>().RereadGroupsAsync(context.Principal, context.HttpContext.RequestAborted);
        if (fresh is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return;
        }

        var principal = context.Principal.Clone();
        var identity = principal.Identities.FirstOrDefault(i => i.IsAuthenticated) ?? principal.Identities.First();
        foreach (var claim in identity.FindAll(options.GroupsClaim).ToList()) identity.TryRemoveClaim(claim);
        foreach (var g in fresh.Value.Groups) identity.AddClaim(new Claim(options.GroupsClaim, g));
        if (fresh.Value.Roles is { } roles)
        {
            foreach (var claim in identity.FindAll(options.RolesClaim).ToList()) identity.TryRemoveClaim(claim);
            foreach (var r in roles) identity.AddClaim(new Claim(options.RolesClaim, r));
        }
        Stamp(principal, now);
        context.ReplacePrincipal(principal);
        context.ShouldRenew = true;
        // What the person's API tokens map follows the directory as their session does.
        var subject = PortalClaims.ToExternalIdentity(principal, options.GroupsClaim, options.RolesClaim).Subject;
        await services.GetRequiredService<SignInRecorder>().RecordClaimsAsync(subject, fresh.Value.Groups, fresh.Value.Roles, context.HttpContext.RequestAborted);
    }

    /// <summary>True when the principal's account was deactivated (SCIM provisioning); a principal without a subject is not.</summary>
    public static async Task<bool> IsDeactivatedAsync(ClaimsPrincipal principal, IServiceProvider services, SignInOptions options, CancellationToken ct)
    {
        if (principal.Identity?.IsAuthenticated != true) return false;
        var subject = PortalClaims.ToExternalIdentity(principal, options.GroupsClaim, options.RolesClaim).Subject;
        return await services.GetRequiredService<Core.Access.Provisioning>().IsDeactivatedAsync(subject, ct);
    }

    /// <summary>The OIDC userinfo endpoint with the access token kept in the cookie; null when it refuses or fails.</summary>
    private static async Task<(string[] Groups, string[]? Roles)?> ReadFromUserInfoAsync(CookieValidatePrincipalContext context,
        SignInOptions options, ILogger logger)
    {
        var sub = context.Principal?.FindFirst("sub")?.Value;
        var accessToken = context.Properties.GetTokenValue("access_token");
        if (string.IsNullOrEmpty(accessToken))
        {
            logger.LogWarning("Groups of {User} could not be re-read: the session holds no access token; signing out", sub ?? "(unknown)");
            return null;
        }
        OpenIdConnectConfiguration configuration;
        var oidc = context.HttpContext.RequestServices.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get(OpenIdConnectDefaults.AuthenticationScheme);
        try
        {
            configuration = await oidc.ConfigurationManager!.GetConfigurationAsync(context.HttpContext.RequestAborted);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or InvalidOperationException)
        {
            logger.LogWarning("Groups of {User} could not be re-read: no provider metadata ({Error}); signing out", sub ?? "(unknown)", ex.GetType().Name);
            return null;
        }
        if (await OidcUserInfo.ReadAsync(oidc.Backchannel, configuration.UserInfoEndpoint, accessToken, sub, logger, "signing out",
                context.HttpContext.RequestAborted) is not { } root)
            return null;
        // A provider that releases roles only in the ID token leaves them as they were; groups must come from userinfo.
        return (JsonValuesClaimAction.ClaimValues(root, options.GroupsClaim),
            root.TryGetProperty(options.RolesClaim, out _) ? JsonValuesClaimAction.ClaimValues(root, options.RolesClaim) : null);
    }
}

/// <summary>
/// Ends an open circuit's signed-in state once its principal's groups are older than the bound (checked every half
/// bound), and at once when its account is deactivated (<see cref="Core.Access.AccountDeactivations"/>, raised by
/// provisioning in this process; the periodic check reads the database too). The page then goes through sign-in again,
/// where the cookie is revalidated.
/// </summary>
public sealed class RevalidatingPortalAuthenticationStateProvider : RevalidatingServerAuthenticationStateProvider
{
    private readonly IOptions<SignInOptions> _options;
    private readonly TimeProvider _time;
    private readonly IServiceProvider _services;
    private readonly Core.Access.AccountDeactivations _deactivations;

    public RevalidatingPortalAuthenticationStateProvider(ILoggerFactory loggerFactory, IOptions<SignInOptions> options, TimeProvider time,
        IServiceProvider services, Core.Access.AccountDeactivations deactivations) : base(loggerFactory)
    {
        (_options, _time, _services, _deactivations) = (options, time, services, deactivations);
        _deactivations.Deactivated += OnDeactivated;
    }

    protected override TimeSpan RevalidationInterval => _options.Value.RevalidateInterval / 2;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        var options = _options.Value;
        if (await SessionRevalidation.IsDeactivatedAsync(authenticationState.User, _services, options, cancellationToken)) return false;
        return options.Mode is not (SignInMode.Oidc or SignInMode.EntraId)
               || SessionRevalidation.IsFresh(authenticationState.User, _time.GetUtcNow(), options.RevalidateInterval);
    }

    private async void OnDeactivated(string subject)
    {
        try
        {
            var state = await GetAuthenticationStateAsync();
            if (state.User.Identity?.IsAuthenticated == true
                && PortalClaims.ToExternalIdentity(state.User, _options.Value.GroupsClaim, _options.Value.RolesClaim).Subject == subject)
                SetAuthenticationState(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity()))));
        }
        catch (InvalidOperationException)
        {
            // No state yet (circuit starting) or no subject: the periodic check and the resolver still refuse the account.
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _deactivations.Deactivated -= OnDeactivated;
        base.Dispose(disposing);
    }
}
