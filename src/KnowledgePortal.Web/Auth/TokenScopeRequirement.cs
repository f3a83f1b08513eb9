using Microsoft.AspNetCore.Authorization;

namespace KnowledgePortal.Web.Auth;

/// <summary>
/// Part of the API and MCP policies: a request made with a personal API token passes only on an endpoint that names a
/// scope the token has (<see cref="TokenScope"/>); an endpoint that names none refuses tokens (fail closed), e.g. the
/// token endpoints themselves, so a token cannot make or extend tokens. Other callers pass.
/// </summary>
public sealed class TokenScopeRequirement : IAuthorizationRequirement;

/// <summary>Endpoint metadata: a personal API token needs one of these scopes here.</summary>
public sealed record TokenScope(params string[] Scopes);

public sealed class TokenScopeHandler : AuthorizationHandler<TokenScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, TokenScopeRequirement requirement)
    {
        if (!ApiTokenPrincipal.IsToken(context.User))
        {
            context.Succeed(requirement);
            return Task.CompletedTask;
        }
        var http = context.Resource as HttpContext;
        var endpoint = http?.GetEndpoint() ?? context.Resource as Endpoint;
        var needed = endpoint?.Metadata.GetMetadata<TokenScope>();
        if (needed is not null && needed.Scopes.Any(s => ApiTokenPrincipal.Allows(context.User, s)))
            context.Succeed(requirement);
        else if (http is not null && needed is { Scopes.Length: > 0 })
            http.Items[ApiTokenAuthenticationHandler.MissingScopeItem] = string.Join(' ', needed.Scopes);
        return Task.CompletedTask;
    }
}

public static class TokenScopeEndpointExtensions
{
    /// <summary>Personal API tokens may call this endpoint with one of <paramref name="scopes"/>.</summary>
    public static TBuilder RequireTokenScope<TBuilder>(this TBuilder builder, params string[] scopes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new TokenScope(scopes));
}
