using System.Security.Claims;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Audit;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Web.Auth;

/// <summary>
/// Remembers each user's groups as of their last sign-in (shown to admins) and the claims they came from (what a
/// personal API token maps afresh on every request), and audits the sign-in.
/// </summary>
public sealed class SignInRecorder(
    IDbContextFactory<PortalDbContext> dbFactory,
    AccessResolver resolver,
    IOptions<SignInOptions> options,
    ILogger<SignInRecorder> logger)
{
    public Task RecordAsync(ClaimsPrincipal principal, string method, CancellationToken ct = default) =>
        RecordAsync(PortalClaims.ToExternalIdentity(principal, options.Value.GroupsClaim, options.Value.RolesClaim), method, ct);

    public async Task RecordAsync(ExternalIdentity identity, string method, CancellationToken ct = default)
    {
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
        // Groups that could not be resolved count as none (fail closed), for tokens as for this sign-in.
        SetClaims(user, identity.GroupResolutionProblem is null ? identity.Groups : [], identity.Roles);
        AuditLog.Add(db, identity.UserName, "sign-in", "user", identity.Subject,
            new { method, groups = access.GroupIds, roles = user.Roles, problem = access.Problem is not null });
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Sign-in by {User} via {Method}; {GroupCount} portal groups", identity.UserName, method, access.GroupIds.Length);
    }

    /// <summary>
    /// Groups (and roles, when re-read too) read afresh from the identity provider for a known user: session
    /// revalidation and token requests keep what a token maps current. Unknown subjects are ignored.
    /// </summary>
    public async Task RecordClaimsAsync(string subject, IReadOnlyList<string> groups, IReadOnlyList<string>? roles, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Subject == subject, ct);
        if (user is null) return;
        SetClaims(user, groups, roles ?? user.ExternalRoles);
        await db.SaveChangesAsync(ct);
    }

    private static void SetClaims(PortalUser user, IEnumerable<string> groups, IEnumerable<string> roles)
    {
        user.ExternalGroups = groups.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        user.ExternalRoles = roles.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        user.ClaimsReadAt = DateTimeOffset.UtcNow;
    }
}
