using System.Reflection;
using System.Security.Claims;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Web.Auth;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Web.Api;

/// <summary>
/// Who is calling: the access of the request's principal, resolved afresh from the database for every request (the
/// authorization policy only checked the cookie's role claim; the live mapping decides). Every endpoint takes a
/// <see cref="Caller"/> parameter, and the MCP tools resolve one the same way, so there is one way a request learns
/// the user — session, personal API token or access token alike — and nothing is cached across requests.
/// </summary>
public sealed record Caller(UserAccess Access, ClaimsPrincipal Principal) : IBindableFromHttpContext<Caller>
{
    public static async ValueTask<Caller?> BindAsync(HttpContext context, ParameterInfo parameter) => await ResolveAsync(context);

    public static async Task<Caller> ResolveAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var access = await CurrentUser.ResolveAsync(context.User, services.GetRequiredService<AccessResolver>(),
            services.GetRequiredService<IOptions<Auth.SignInOptions>>().Value, context.RequestAborted);
        return new Caller(access, context.User);
    }

    /// <summary>Whether a personal API token (if that is how the caller came) has <paramref name="scope"/>.</summary>
    public bool Allows(string scope) => ApiTokenPrincipal.Allows(Principal, scope);
}
