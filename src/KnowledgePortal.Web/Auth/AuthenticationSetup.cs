using System.Security.Claims;
using KnowledgePortal.Core.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Identity.Web;
using Microsoft.IdentityModel.Tokens;

namespace KnowledgePortal.Web.Auth;

public static class AuthenticationSetup
{
    public const string SignInPath = "/account/signin";

    public static WebApplicationBuilder AddPortalAuthentication(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var isDevelopment = builder.Environment.IsDevelopment();
        var nonLoopback = DevelopmentBinding.NonLoopbackUrls(builder.Configuration);
        services.AddValidatedOptions<SignInOptions>(SignInOptions.Section)
            .Validate(o => o.Mode is not null,
                "Authentication:Mode is not set: choose EntraId, Oidc, or Development (demo sign-in without passwords, for a local trial)")
            .Validate(o => o.Mode != SignInMode.Development || isDevelopment,
                "Authentication:Mode is Development (demo sign-in without passwords), which is refused unless ASPNETCORE_ENVIRONMENT=Development")
            .Validate(o => o.Mode != SignInMode.Development || nonLoopback.Count == 0,
                "Authentication:Mode is Development (demo sign-in without passwords), which listens on loopback only; refused for " + string.Join(", ", nonLoopback))
            .Validate(o => o.Mode != SignInMode.Oidc || (!string.IsNullOrWhiteSpace(o.Oidc.Authority) && !string.IsNullOrWhiteSpace(o.Oidc.ClientId)),
                "Authentication:Oidc:Authority and Authentication:Oidc:ClientId are required when Authentication:Mode is Oidc")
            .Validate(o => string.IsNullOrWhiteSpace(o.Oidc.ApiAudience) || o.Oidc.ApiAudience != o.Oidc.ClientId,
                "Authentication:Oidc:ApiAudience must differ from Authentication:Oidc:ClientId (the audience of ID tokens), so an ID token is never accepted as an access token")
            .Validate(o => o.Mode != SignInMode.EntraId || !string.IsNullOrWhiteSpace(builder.Configuration["AzureAd:ClientId"]),
                "AzureAd:ClientId (and AzureAd:TenantId) are required when Authentication:Mode is EntraId")
            .Validate(o => o.Mode != SignInMode.EntraId || !TenantPolicy.IsMultiTenant(builder.Configuration["AzureAd:TenantId"]) || o.AllowedTenants.Length > 0,
                $"AzureAd:TenantId is '{builder.Configuration["AzureAd:TenantId"]}', which lets users of any Entra tenant sign in: set your tenant id, or list the tenants allowed in Authentication:AllowedTenants");

        var settings = builder.Configuration.GetSection(SignInOptions.Section).Get<SignInOptions>() ?? new();
        services.AddScoped<CurrentUser>();
        services.AddScoped<SignInRecorder>();
        services.AddTransient<IClaimsTransformation, PortalRoleClaimsTransformation>();

        void ConfigureCookie(CookieAuthenticationOptions o)
        {
            o.Cookie.Name = "kp.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.AccessDeniedPath = "/account/denied";
            // API callers get status codes, not sign-in pages.
            o.Events.OnRedirectToLogin = ctx => RedirectOrStatus(ctx, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = ctx => RedirectOrStatus(ctx, StatusCodes.Status403Forbidden);
            o.Events.OnValidatePrincipal = SessionRevalidation.ValidateAsync;
        }

        static Task RedirectOrStatus(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> ctx, int status)
        {
            if (ctx.Request.Path.StartsWithSegments("/api")) ctx.Response.StatusCode = status;
            else ctx.Response.Redirect(ctx.RedirectUri);
            return Task.CompletedTask;
        }

        switch (settings.Mode ?? SignInMode.EntraId) // unset fails validation at start; this only picks the schemes
        {
            case SignInMode.Development:
                services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
                    .AddCookie(o => { ConfigureCookie(o); o.LoginPath = SignInPath; });
                break;

            case SignInMode.EntraId:
                services.AddAuthentication(OpenIdConnectDefaults.AuthenticationScheme)
                    .AddMicrosoftIdentityWebApp(builder.Configuration.GetSection("AzureAd"));
                // Other tools (Teams bots, scripts) call /api with an Entra access token for this app.
                services.AddAuthentication()
                    .AddMicrosoftIdentityWebApi(builder.Configuration.GetSection("AzureAd"), JwtBearerDefaults.AuthenticationScheme);
                services.Configure<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme, ConfigureCookie);
                services.AddSingleton(GraphClientSettings.FromConfiguration(builder.Configuration, settings));
                services.AddHttpClient<GraphGroupResolver>();
                services.Configure<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme, o =>
                {
                    HookTenantCheck(o, settings.AllowedTenants);
                    HookGroupOverage(o);
                    HookSignIn(o, "entra-id");
                });
                services.Configure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o =>
                {
                    var previous = o.Events.OnTokenValidated;
                    o.Events.OnTokenValidated = async context =>
                    {
                        if (previous is not null) await previous(context);
                        if (context.Principal is not null && !TenantPolicy.Allows(context.Principal, settings.AllowedTenants))
                            context.Fail(TenantPolicy.RefusedMessage);
                    };
                });
                break;

            case SignInMode.Oidc:
                services.AddAuthentication(o =>
                    {
                        o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                        o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
                    })
                    .AddCookie(ConfigureCookie)
                    .AddOpenIdConnect(o =>
                    {
                        var oidc = settings.Oidc;
                        o.Authority = oidc.Authority;
                        o.ClientId = oidc.ClientId;
                        o.ClientSecret = oidc.ClientSecret;
                        o.ResponseType = "code";
                        o.UsePkce = true;
                        o.RequireHttpsMetadata = oidc.RequireHttpsMetadata;
                        o.MapInboundClaims = false;
                        o.GetClaimsFromUserInfoEndpoint = true;
                        // The access token stays in the (encrypted) cookie to re-read groups from userinfo.
                        o.SaveTokens = true;
                        o.Scope.Clear();
                        foreach (var scope in oidc.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries)) o.Scope.Add(scope);
                        o.TokenValidationParameters = new TokenValidationParameters
                        {
                            NameClaimType = oidc.NameClaim,
                            RoleClaimType = settings.RolesClaim,
                        };
                        if (!oidc.RequireHttpsMetadata || string.Equals(oidc.ResponseMode, "query", StringComparison.OrdinalIgnoreCase))
                        {
                            // A provider over plain http (local or test): the code comes back in the query string of a
                            // top-level redirect, so Lax cookies (which need no Secure flag) carry the correlation.
                            o.ResponseMode = "query";
                            o.CorrelationCookie.SameSite = SameSiteMode.Lax;
                            o.NonceCookie.SameSite = SameSiteMode.Lax;
                            o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                            o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                        }
                        // Group and role claims from the userinfo endpoint, added to those of the ID token without duplicates.
                        o.ClaimActions.Add(new JsonValuesClaimAction(settings.GroupsClaim));
                        if (settings.RolesClaim != settings.GroupsClaim) o.ClaimActions.Add(new JsonValuesClaimAction(settings.RolesClaim));
                        o.Events.OnTokenValidated = context =>
                        {
                            // Only the portal decides whether an overage was resolved: drop look-alike claims from the token.
                            if (context.Principal is not null) GroupOverage.RemoveMarkers(context.Principal);
                            return Task.CompletedTask;
                        };
                        HookSignIn(o, "oidc");
                    });
                break;
        }

        // Personal API tokens in every mode; the identity provider's access tokens in EntraId mode and, with an API
        // audience configured, in Oidc mode. PortalSchemes picks one of them per request (never merged with the cookie).
        var acceptsJwt = AcceptsAccessTokens(settings);
        var authentication = services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(PortalSchemes.ApiToken, null)
            .AddScheme<AuthenticationSchemeOptions, Scim.ScimAuthenticationHandler>(Scim.ScimAuthenticationHandler.SchemeName, null)
            .AddPolicyScheme(PortalSchemes.Api, null, o => o.ForwardDefaultSelector = ctx => PortalSchemes.Select(ctx, acceptsJwt, cookieFallback: true))
            .AddPolicyScheme(PortalSchemes.Bearer, null, o => o.ForwardDefaultSelector = ctx => PortalSchemes.Select(ctx, acceptsJwt, cookieFallback: false));
        if (settings.Mode == SignInMode.Oidc && acceptsJwt)
            authentication.AddJwtBearer(JwtBearerDefaults.AuthenticationScheme, o => OidcAccessTokens.Configure(o, settings));
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, TokenScopeHandler>();
        services.Configure<Scim.ScimOptions>(builder.Configuration.GetSection(Scim.ScimOptions.Section));

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Admin, p => p.RequireClaim(PortalClaims.Role, "Admin"))
            .AddPolicy(Policies.KnowledgeManager, p => p.RequireClaim(PortalClaims.Role, "KnowledgeManager", "Admin"))
            .AddPolicy(Policies.Api, p =>
            {
                // The API accepts the portal's cookie, personal API tokens (within their scopes) and, where configured,
                // the identity provider's access tokens.
                p.AddAuthenticationSchemes(PortalSchemes.Api);
                p.RequireAuthenticatedUser();
                p.AddRequirements(new TokenScopeRequirement());
            })
            .AddPolicy(Policies.Scim, p =>
            {
                // The provisioning token only, and only here: no cookie, personal token or access token reaches /scim.
                p.AddAuthenticationSchemes(Scim.ScimAuthenticationHandler.SchemeName);
                p.RequireAuthenticatedUser();
                p.RequireAssertion(c => c.User.Identities.Any(i => i.IsAuthenticated && i.AuthenticationType == Scim.ScimAuthenticationHandler.AuthenticationType));
            })
            .AddPolicy(Policies.Mcp, p =>
            {
                // Bearer tokens only: MCP clients send no cookie, and a cookie must not make /mcp callable cross-site.
                p.AddAuthenticationSchemes(Mcp.McpSetup.Scheme);
                p.RequireAuthenticatedUser();
                p.AddRequirements(new TokenScopeRequirement());
            });
        services.AddCascadingAuthenticationState();
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, RevalidatingPortalAuthenticationStateProvider>();
        return builder;
    }

    /// <summary>Whether /api and /mcp accept the identity provider's access tokens (JwtBearer).</summary>
    public static bool AcceptsAccessTokens(SignInOptions settings) =>
        settings.Mode == SignInMode.EntraId || settings.Mode == SignInMode.Oidc && !string.IsNullOrWhiteSpace(settings.Oidc.ApiAudience);

    /// <summary>With Authentication:AllowedTenants listed, a sign-in from any other tenant fails before anything else runs.</summary>
    private static void HookTenantCheck(OpenIdConnectOptions o, IReadOnlyCollection<string> allowedTenants)
    {
        var previous = o.Events.OnTokenValidated;
        o.Events.OnTokenValidated = async context =>
        {
            if (context.Principal is not null && !TenantPolicy.Allows(context.Principal, allowedTenants))
            {
                context.Fail(TenantPolicy.RefusedMessage);
                return;
            }
            if (previous is not null) await previous(context);
        };
    }

    /// <summary>Reads the groups from Microsoft Graph when the ID token has an overage instead of the groups.</summary>
    private static void HookGroupOverage(OpenIdConnectOptions o)
    {
        var previous = o.Events.OnTokenValidated;
        o.Events.OnTokenValidated = async context =>
        {
            if (previous is not null) await previous(context);
            if (context.Principal is not null)
                await context.HttpContext.RequestServices.GetRequiredService<GraphGroupResolver>()
                    .ResolveAsync(context.Principal, context.HttpContext.RequestAborted);
        };
    }

    private static void HookSignIn(OpenIdConnectOptions o, string method)
    {
        var previous = o.Events.OnTicketReceived;
        o.Events.OnTicketReceived = async context =>
        {
            if (previous is not null) await previous(context);
            var services = context.HttpContext.RequestServices;
            if (context.Principal is not null && await SessionRevalidation.IsDeactivatedAsync(context.Principal, services,
                    services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SignInOptions>>().Value, context.HttpContext.RequestAborted))
            {
                // A deactivated account (provisioning) gets no session: the cookie would be refused on the next request anyway.
                context.Response.Redirect("/account/denied");
                context.HandleResponse();
                return;
            }
            if (context.Principal is not null)
            {
                SessionRevalidation.Stamp(context.Principal, context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow());
                await context.HttpContext.RequestServices.GetRequiredService<SignInRecorder>().RecordAsync(context.Principal, method);
            }
        };
    }

    public static IEndpointRouteBuilder MapPortalAccountEndpoints(this IEndpointRouteBuilder app, SignInMode mode)
    {
        var account = app.MapGroup("/account");
        if (mode == SignInMode.Development)
        {
            account.MapPost("/dev-signin", async (HttpContext http, [FromForm] string user, [FromForm] string? returnUrl, SignInRecorder recorder,
                Microsoft.Extensions.Options.IOptions<SignInOptions> options) =>
            {
                var demo = options.Value.FindDevelopmentUser(user);
                if (demo is null) return Results.Redirect(SignInPath + "?error=unknown");
                var claims = new List<Claim>
                {
                    new(ClaimTypes.NameIdentifier, $"dev:{demo.UserName}"),
                    new(ClaimTypes.Name, demo.DisplayName),
                    new("name", demo.DisplayName),
                    new(PortalClaims.UserName, demo.UserName),
                    new(ClaimTypes.Email, $"{demo.UserName}@demo.local"),
                };
                claims.AddRange(demo.Groups.Select(g => new Claim("groups", g)));
                claims.AddRange(demo.Roles.Select(r => new Claim("roles", r)));
                var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, "DevelopmentSignIn", ClaimTypes.Name, "roles"));
                if (await SessionRevalidation.IsDeactivatedAsync(principal, http.RequestServices, options.Value, http.RequestAborted))
                    return Results.Redirect(SignInPath + "?error=deactivated");
                await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
                await recorder.RecordAsync(principal, "development");
                return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "/");
            }).AllowAnonymous();
        }
        else
        {
            account.MapGet("/challenge", (string? returnUrl) =>
                Results.Challenge(new AuthenticationProperties { RedirectUri = IsLocal(returnUrl) ? returnUrl : "/" })).AllowAnonymous();
        }

        account.MapPost("/signout", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            if (mode != SignInMode.Development)
                return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIdConnectDefaults.AuthenticationScheme]);
            return Results.LocalRedirect(SignInPath);
        });
        return app;
    }

    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//") && !url.StartsWith("/\\");
}

/// <summary>
/// Adds a userinfo value (a string or an array of strings) as claims of one type, skipping values the ID token already
/// gave, so a claim sent in both places is not doubled.
/// </summary>
internal sealed class JsonValuesClaimAction(string claimType) : Microsoft.AspNetCore.Authentication.OAuth.Claims.ClaimAction(claimType, ClaimValueTypes.String)
{
    /// <summary>A claim as providers send it in userinfo: a string or number, or an array of them; empty values dropped.</summary>
    public static string[] ClaimValues(System.Text.Json.JsonElement root, string name) =>
        !root.TryGetProperty(name, out var value) ? []
        : value.ValueKind == System.Text.Json.JsonValueKind.Array
            ? value.EnumerateArray().Where(v => v.ValueKind is System.Text.Json.JsonValueKind.String or System.Text.Json.JsonValueKind.Number)
                .Select(v => v.ToString()).Where(v => v.Length > 0).ToArray()
        : value.ValueKind is System.Text.Json.JsonValueKind.String or System.Text.Json.JsonValueKind.Number && value.ToString() is { Length: > 0 } one ? [one]
        : [];

    public override void Run(System.Text.Json.JsonElement userData, ClaimsIdentity identity, string issuer)
    {
        var values = ClaimValues(userData, ClaimType);
        var existing = identity.FindAll(ClaimType).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        foreach (var v in values)
            if (existing.Add(v))
                identity.AddClaim(new Claim(ClaimType, v, ValueType, issuer));
    }
}
