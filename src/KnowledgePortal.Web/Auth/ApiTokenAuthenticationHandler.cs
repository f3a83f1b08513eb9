using System.Security.Claims;
using System.Text.Encodings.Web;
using KnowledgePortal.Core.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Web.Auth;

/// <summary>
/// <c>Authorization: Bearer kpt_…</c>: a personal API token (<see cref="ApiTokens.AuthenticateAsync"/> refuses expired,
/// revoked and deactivated ones and audits each use). The principal it gives is a session's (<see cref="ApiTokenPrincipal"/>).
/// In EntraId mode the holder's groups are re-read from Microsoft Graph once they are older than
/// Authentication:RevalidateMinutes, as a session's are; a failed re-read refuses the request (fail closed).
/// </summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiTokens tokens,
    IOptions<SignInOptions> signIn,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    /// <summary>HttpContext.Items key of the scope a token lacked (set by <see cref="TokenScopeHandler"/>), for the 403's header.</summary>
    public const string MissingScopeItem = "kp:token-missing-scope";
    private const string RefusalItem = "kp:token-refusal";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var token = header[7..].Trim();
        if (!token.StartsWith(ApiTokenRules.TokenPrefix, StringComparison.Ordinal)) return AuthenticateResult.NoResult();

        var check = await tokens.AuthenticateAsync(token, Request.Method, Request.Path.Value ?? "/", Context.RequestAborted);
        if (check.Holder is not { } holder)
        {
            Context.Items[RefusalItem] = check.Refusal;
            Logger.LogInformation("API token refused: {Reason}", check.Refusal);
            return AuthenticateResult.Fail($"The API token was refused ({check.Refusal}).");
        }
        var options = signIn.Value;
        if (options.Mode == SignInMode.EntraId && !IsFresh(holder.ClaimsReadAt, options))
        {
            var fresh = await RereadFromGraphAsync(holder);
            if (fresh is null)
            {
                Context.Items[RefusalItem] = "groups";
                return AuthenticateResult.Fail("The API token's user could not be re-read from the directory.");
            }
            holder = fresh;
        }
        return AuthenticateResult.Success(new AuthenticationTicket(ApiTokenPrincipal.For(holder, options), Scheme.Name));
    }

    private bool IsFresh(DateTimeOffset? readAt, SignInOptions options) =>
        readAt is { } at && time.GetUtcNow() - at <= options.RevalidateInterval;

    /// <summary>Groups from Graph for the holder (by object id); null when disabled or unreadable.</summary>
    private async Task<ApiTokenHolder?> RereadFromGraphAsync(ApiTokenHolder holder)
    {
        var graph = Context.RequestServices.GetService<GraphGroupResolver>();
        if (graph is null) return null;
        var fresh = await graph.RereadGroupsAsync(new ClaimsPrincipal(new ClaimsIdentity([new Claim("oid", holder.Subject)])), Context.RequestAborted);
        if (fresh is null) return null;
        await Context.RequestServices.GetRequiredService<SignInRecorder>().RecordClaimsAsync(holder.Subject, fresh.Value.Groups, null, Context.RequestAborted);
        return holder with { ExternalGroups = fresh.Value.Groups, ClaimsReadAt = time.GetUtcNow() };
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append("WWW-Authenticate", Context.Items.ContainsKey(RefusalItem)
            ? "Bearer error=\"invalid_token\", error_description=\"The token is unknown, expired or revoked.\""
            : "Bearer");
        return Task.CompletedTask;
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        if (Context.Items[MissingScopeItem] is string scope)
            Response.Headers.Append("WWW-Authenticate", $"Bearer error=\"insufficient_scope\", scope=\"{scope}\"");
        return Task.CompletedTask;
    }
}
