using System.ComponentModel.DataAnnotations;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Demo;

namespace KnowledgePortal.Web.Auth;

public enum SignInMode { Development, EntraId, Oidc }

/// <summary>How people sign in, and how their groups and roles are read (section "Authentication").</summary>
public sealed class SignInOptions
{
    public const string Section = "Authentication";
    /// <summary>
    /// How people sign in. No default on purpose: Development (demo users, no password) must be asked for by name,
    /// besides ASPNETCORE_ENVIRONMENT=Development and a loopback-only binding.
    /// </summary>
    public SignInMode? Mode { get; set; }
    /// <summary>
    /// Groups (and roles) are re-read from the identity provider at least this often: Microsoft Graph for Entra ID, the
    /// userinfo endpoint for OIDC. A failed re-read ends the session. Open pages follow within 1.5 times this.
    /// </summary>
    [Range(0.01, 1440)] public double RevalidateMinutes { get; set; } = 5;
    public TimeSpan RevalidateInterval => TimeSpan.FromMinutes(RevalidateMinutes);
    /// <summary>Claim carrying group ids or names (Entra: "groups").</summary>
    [Required] public string GroupsClaim { get; set; } = "groups";
    /// <summary>Claim carrying app roles (Entra: "roles").</summary>
    [Required] public string RolesClaim { get; set; } = "roles";
    /// <summary>
    /// Role claim values that make a portal admin (e.g. the Entra app role "Admin" you defined). Empty by default: a
    /// role merely named "Admin" grants nothing unless listed here or mapped to a portal group that grants Admin.
    /// </summary>
    public string[] AdminRoles { get; set; } = [];
    /// <summary>Role claim values that make a knowledge manager; see <see cref="AdminRoles"/>.</summary>
    public string[] KnowledgeManagerRoles { get; set; } = [];
    /// <summary>
    /// Entra tenant ids whose users may sign in. Required when AzureAd:TenantId is multi-tenant ("common" or
    /// "organizations"), which would otherwise let any Entra tenant in; checked against each token's "tid".
    /// </summary>
    public string[] AllowedTenants { get; set; } = [];
    public OidcSettings Oidc { get; set; } = new();
    /// <summary>
    /// The OAuth scope a client requests for an access token to the portal's API (e.g. "portal.api"), published in the
    /// MCP protected-resource metadata. EntraId default: api://{AzureAd:ClientId}/.default.
    /// </summary>
    public string? ApiScope { get; set; }
    /// <summary>Extra users for the Development sign-in (besides the demo users), e.g. for trials and tests.</summary>
    public List<DevelopmentUserSettings> DevelopmentUsers { get; set; } = [];

    /// <summary>The role mapping these settings give (the rule is <see cref="RoleClaimMapping.For"/>).</summary>
    public RoleClaimMapping RoleMapping(bool isDevelopmentEnvironment) =>
        RoleClaimMapping.For(AdminRoles, KnowledgeManagerRoles, isDevelopmentEnvironment && Mode is null or SignInMode.Development);

    /// <summary>Everyone the Development sign-in offers: the demo users, then the configured ones.</summary>
    public IReadOnlyList<DemoData.DemoUser> AllDevelopmentUsers() =>
        [.. DemoData.Users,
         .. DevelopmentUsers.Select(u => new DemoData.DemoUser(u.UserName, u.DisplayName ?? u.UserName, u.Description ?? "", u.Groups, u.Roles))];

    public DemoData.DemoUser? FindDevelopmentUser(string userName) =>
        AllDevelopmentUsers().FirstOrDefault(u => string.Equals(u.UserName, userName, StringComparison.OrdinalIgnoreCase));
    /// <summary>Microsoft Graph, used in EntraId mode to read group memberships when the token has a groups overage.</summary>
    public GraphSettings Graph { get; set; } = new();
}

public sealed class DevelopmentUserSettings
{
    [Required] public string UserName { get; set; } = "";
    public string? DisplayName { get; set; }
    public string? Description { get; set; }
    public string[] Groups { get; set; } = [];
    public string[] Roles { get; set; } = [];
}

public sealed class GraphSettings
{
    /// <summary>Microsoft Graph root (a national cloud has its own, e.g. https://graph.microsoft.us).</summary>
    [Required] public string BaseUrl { get; set; } = "https://graph.microsoft.com";
    /// <summary>Token endpoint for the app-only (client credentials) token; default {AzureAd:Instance}{AzureAd:TenantId}/oauth2/v2.0/token.</summary>
    public string? TokenEndpoint { get; set; }
    [Required] public string Scope { get; set; } = "https://graph.microsoft.com/.default";
    /// <summary>Limit for reading one user's memberships (token and every page); past it, group access is off for that sign-in.</summary>
    [Range(1, 300)] public int TimeoutSeconds { get; set; } = 10;
    /// <summary>How long one user's memberships are reused for later sign-ins.</summary>
    [Range(0, 1440)] public int CacheMinutes { get; set; } = 5;
}

public sealed class OidcSettings
{
    public string? Authority { get; set; }
    public string? ClientId { get; set; }
    /// <summary>Read from user secrets or the environment (Authentication__Oidc__ClientSecret), never from a committed file.</summary>
    public string? ClientSecret { get; set; }
    public string Scopes { get; set; } = "openid profile email";
    public bool RequireHttpsMetadata { get; set; } = true;
    public string NameClaim { get; set; } = "name";
    /// <summary>
    /// How the provider returns the authorization code: "form_post" (default) or "query". Over plain http (a local
    /// provider with RequireHttpsMetadata=false) the portal always uses "query", since browsers drop the SameSite=None
    /// correlation cookie that a cross-site form post needs unless it is Secure.
    /// </summary>
    public string ResponseMode { get; set; } = "form_post";
    /// <summary>
    /// The audience (aud) of access tokens the provider issues for the portal's API. When set, /api and /mcp also accept
    /// such a bearer token (validated against <see cref="Authority"/>; groups and roles from the token and the userinfo
    /// endpoint, as at sign-in). Must differ from <see cref="ClientId"/>, the audience of ID tokens, so an ID token is
    /// never taken for an access token.
    /// </summary>
    public string? ApiAudience { get; set; }
}
