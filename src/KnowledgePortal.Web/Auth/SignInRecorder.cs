using System.Security.Claims;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Audit;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Web.Auth;

/// <summary>Remembers each user's groups as of their last sign-in (shown to admins) and audits the sign-in.</summary>
public sealed class SignInRecorder(
    IDbContextFactory<PortalDbContext> dbFactory,
    AccessResolver resolver,
    IOptions<SignInOptions> options,
    ILogger<SignInRecorder> logger)
{
    public async Task RecordAsync(ClaimsPrincipal principal, string method, CancellationToken ct = default)
    {
        var identity = PortalClaims.ToExternalIdentity(principal, options.Value.GroupsClaim, options.Value.RolesClaim);
        var access = await resolver.ResolveAsync(identity, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Subject == identity.Subject, ct);
        if (user is null)
        {
            user = new PortalUser { Subject = identity.Subject, UserName = identity.UserName, DisplayName = identity.DisplayName };
            db.Users.Add(user);
        }
        user.UserName = identity.UserName;
        user.DisplayName = identity.DisplayName;
        user.Email = identity.Email;
        user.GroupIds = access.GroupIds;
        user.Roles = access.RoleNames().ToArray();
        user.LastSignInAt = DateTimeOffset.UtcNow;
        AuditLog.Add(db, identity.UserName, "sign-in", "user", identity.Subject,
            new { method, groups = access.GroupIds, roles = user.Roles, problem = access.Problem is not null });
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Sign-in by {User} via {Method}; {GroupCount} portal groups", identity.UserName, method, access.GroupIds.Length);
    }
}
