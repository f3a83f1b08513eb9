using KnowledgePortal.Core.Access;
using KnowledgePortal.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;

namespace KnowledgePortal.Web.Api;

/// <summary>
/// /api/tokens: a signed-in person's personal API tokens (list, create, revoke) and, for administrators, everyone's.
/// These endpoints name no token scope, so a personal API token cannot call them: tokens are made by people.
/// </summary>
public static class TokenEndpoints
{
    public static IEndpointRouteBuilder MapTokenEndpoints(this IEndpointRouteBuilder app)
    {
        var tokens = app.MapGroup("/api/tokens").RequireAuthorization(Policies.Api).DisableAntiforgery().WithTags("KnowledgePortal");
        tokens.MapGet("", ListTokensAsync).WithName("ListTokens");
        tokens.MapPost("", CreateTokenAsync).WithName("CreateToken");
        tokens.MapDelete("/{id:guid}", RevokeTokenAsync).WithName("RevokeToken");
        tokens.MapGet("/all", ListAllTokensAsync).WithName("ListAllTokens");
        return app;
    }

    public static ApiTokenDto ToDto(ApiTokenInfo t, DateTimeOffset now) => new(t.Id, t.Name, t.Prefix, t.Scopes, t.CreatedAt, t.ExpiresAt,
        t.LastUsedAt, t.RevokedAt, t.RevokedBy, t.Owner, Status(t, now));

    /// <summary>"revoked", "expired" or "active": the words of the page's status column and of the API.</summary>
    public static string Status(ApiTokenInfo t, DateTimeOffset now) =>
        t.RevokedAt is not null ? "revoked" : ApiTokenRules.IsExpired(t.ExpiresAt, now) ? "expired" : "active";

    public static async Task<Ok<List<ApiTokenDto>>> ListTokensAsync(Caller caller, ApiTokens tokens, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        return TypedResults.Ok((await tokens.ListAsync(caller.Access, ct)).Select(t => ToDto(t, now)).ToList());
    }

    public static async Task<Results<Created<CreatedTokenDto>, BadRequest<ErrorResponse>>> CreateTokenAsync(Caller caller, CreateTokenRequest body,
        ApiTokens tokens, IStringLocalizer<SharedResource> strings, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var result = await tokens.CreateAsync(caller.Access, body.Name, body.Scopes ?? ApiTokenScopes.All, body.Days, ct);
        if (!result.Succeeded) return TypedResults.BadRequest(new ErrorResponse(strings["AdminError" + result.Error].Value));
        http.Response.Headers.CacheControl = "no-store"; // the secret is in this response only
        var created = result.Value!;
        return TypedResults.Created($"/api/tokens/{created.Token.Id}", new CreatedTokenDto(created.Secret, ToDto(created.Token, time.GetUtcNow())));
    }

    /// <summary>Revokes one of the caller's tokens, or anyone's for an administrator; anything else is 404.</summary>
    public static async Task<Results<NoContent, NotFound>> RevokeTokenAsync(Caller caller, Guid id, ApiTokens tokens, CancellationToken ct) =>
        (await tokens.RevokeAsync(caller.Access, id, ct)).Succeeded ? TypedResults.NoContent() : TypedResults.NotFound();

    public static async Task<Results<Ok<List<ApiTokenDto>>, ForbidHttpResult>> ListAllTokensAsync(Caller caller, ApiTokens tokens, TimeProvider time,
        CancellationToken ct)
    {
        if (!caller.Access.IsAdmin) return TypedResults.Forbid();
        var now = time.GetUtcNow();
        return TypedResults.Ok((await tokens.ListAllAsync(caller.Access, ct)).Select(t => ToDto(t, now)).ToList());
    }
}
