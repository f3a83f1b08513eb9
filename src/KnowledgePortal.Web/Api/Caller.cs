using System.Reflection;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Web.Auth;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Web.Api;

/// <summary>
/// Who is calling: the access of the request's principal, resolved afresh from the database for every request (the
/// authorization policy only checked the cookie's role claim; the live mapping decides). Every endpoint takes a
/// <see cref="Caller"/> parameter, so there is one way an endpoint learns the user and nothing is cached across requests.
/// </summary>
public sealed record Caller(UserAccess Access) : IBindableFromHttpContext<Caller>
{
    public static async ValueTask<Caller?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        var services = context.RequestServices;
        var access = await CurrentUser.ResolveAsync(context.User, services.GetRequiredService<AccessResolver>(),
            services.GetRequiredService<IOptions<Auth.SignInOptions>>().Value, context.RequestAborted);
        return new Caller(access);
    }
}
