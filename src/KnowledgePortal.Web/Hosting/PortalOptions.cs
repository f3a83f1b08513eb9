using System.ComponentModel.DataAnnotations;

namespace KnowledgePortal.Web.Hosting;

public sealed class DatabaseOptions
{
    public string ConnectionString { get; set; } = "";
    /// <summary>Apply EF Core migrations when the portal starts (turn off when a DBA applies them).</summary>
    public bool MigrateOnStart { get; set; } = true;
}

public enum SignInMode { Development, EntraId, Oidc }

public sealed class AuthenticationOptions
{
    public const string Section = "Authentication";
    public SignInMode Mode { get; set; } = SignInMode.Development;
    /// <summary>Claim carrying group ids or names (Entra: "groups").</summary>
    [Required] public string GroupsClaim { get; set; } = "groups";
    /// <summary>Claim carrying app roles (Entra: "roles").</summary>
    [Required] public string RolesClaim { get; set; } = "roles";
    public OidcSettings Oidc { get; set; } = new();
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
}

public sealed class PortalOptions
{
    public const string Section = "Portal";
    /// <summary>Seed the demo groups, collections and documents at start (also enabled by --seed-demo).</summary>
    public bool SeedDemo { get; set; }
    [Range(1, 10_000)] public int AskPerMinutePerUser { get; set; } = 20;
    [Range(1, 10_000)] public int UploadsPerMinutePerUser { get; set; } = 60;
}
