using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Web.Scim;

/// <summary>
/// The scheme of /scim only: <c>Authorization: Bearer</c> with the provisioning token (Scim:Token), compared in constant
/// time over SHA-256 digests (so neither length nor content leaks by timing). The principal it gives is the
/// provisioning client, with no portal access of its own; /api and /mcp never accept it.
/// </summary>
public sealed class ScimAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IOptionsMonitor<ScimOptions> scim)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "Scim";
    public const string AuthenticationType = "KnowledgePortal.Scim";

    public static bool Matches(string presented, string? configured) =>
        !string.IsNullOrEmpty(configured) && presented.Length > 0
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(configured)));

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return Task.FromResult(AuthenticateResult.NoResult());
        if (!Matches(header[7..].Trim(), scim.CurrentValue.Token))
        {
            Logger.LogWarning("SCIM request refused: wrong or unconfigured provisioning token");
            return Task.FromResult(AuthenticateResult.Fail("The provisioning token was refused."));
        }
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "scim:provisioning"), new Claim(ClaimTypes.Name, "scim")],
            AuthenticationType);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append("WWW-Authenticate", "Bearer realm=\"scim\"");
        Response.ContentType = ScimResources.ContentType;
        await Response.WriteAsync(ScimResources.Error(401, null, "A valid provisioning token is required.").ToJsonString());
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        Response.ContentType = ScimResources.ContentType;
        await Response.WriteAsync(ScimResources.Error(403, null, "Forbidden.").ToJsonString());
    }
}
