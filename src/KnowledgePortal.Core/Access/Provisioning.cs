using System.Globalization;
using KnowledgePortal.Core.Audit;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Core.Access;

/// <summary>A user as the provisioning client sends it (SCIM core attributes the portal keeps).</summary>
public sealed record ProvisionedUserData(string UserName, string? ExternalId, string DisplayName, string? Email, bool Active);

/// <summary>A provisioned user with its SCIM id (the portal user's id).</summary>
public sealed record ProvisionedUserView(int Id, ProvisionedUserData Data, DateTimeOffset? ProvisionedAt);

public sealed record ProvisionedGroupData(string DisplayName, string? ExternalId, IReadOnlyList<int> Members);

public sealed record ProvisionedMemberView(int UserId, string UserName, string DisplayName, bool Active);

public sealed record ProvisionedGroupView(Guid Id, string DisplayName, string? ExternalId, IReadOnlyList<ProvisionedMemberView> Members,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>Incremental change of a group (SCIM PATCH): null fields stay, members are added then removed.</summary>
public sealed record ProvisionedGroupChange(string? DisplayName, string? ExternalId, IReadOnlyList<int>? ReplaceMembers,
    IReadOnlyList<int> AddMembers, IReadOnlyList<int> RemoveMembers, bool RemoveAllMembers);

public enum ProvisioningError { NotFound, Conflict, Invalid }

public sealed record ProvisioningResult<T>(T? Value, ProvisioningError? Error)
{
    public static ProvisioningResult<T> Ok(T value) => new(value, null);
    public static ProvisioningResult<T> Fail(ProvisioningError error) => new(default, error);
}

/// <summary>
/// Users and groups pushed by SCIM provisioning (Entra ID). A provisioned user is a <see cref="PortalUser"/> whose
/// subject is the directory object id (SCIM externalId), so a later sign-in finds the same row. While provisioned, the
/// groups of its provisioned memberships replace the groups claims in access resolution (<see cref="AccessResolver"/>):
/// they count from the moment they arrive, without a sign-in. Deactivation (active false, or DELETE) ends access at
/// once: resolution refuses the account, its tokens are refused and open sessions are ended. Every change is audited
/// with the actor "scim".
/// </summary>
public sealed class Provisioning(IDbContextFactory<PortalDbContext> dbFactory, AccountDeactivations deactivations, TimeProvider? clock = null)
{
    public const string Actor = "scim";
    private DateTimeOffset Now => (clock ?? TimeProvider.System).GetUtcNow();

    // ---- users ----

    public async Task<ProvisionedUserView?> GetUserAsync(int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id && u.ProvisionedAt != null, ct);
        return user is null ? null : View(user);
    }

    /// <summary>Provisioned users, optionally those whose <paramref name="attribute"/> (userName, externalId, displayName) equals the value.</summary>
    public async Task<(List<ProvisionedUserView> Page, int Total)> ListUsersAsync(string? attribute, string? value, int startIndex, int count,
        CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.Users.AsNoTracking().Where(u => u.ProvisionedAt != null);
        var lower = value?.ToLowerInvariant();
        q = attribute?.ToLowerInvariant() switch
        {
            null => q,
            "username" => q.Where(u => u.UserName.ToLower() == lower),
            "externalid" => q.Where(u => u.Subject == value),
            "displayname" => q.Where(u => u.DisplayName == value),
            _ => q.Where(_ => false),
        };
        var total = await q.CountAsync(ct);
        var page = await q.OrderBy(u => u.Id).Skip(Math.Max(0, startIndex - 1)).Take(Math.Max(0, count)).ToListAsync(ct);
        return (page.Select(View).ToList(), total);
    }

    /// <summary>
    /// Creates a provisioned user, or takes over the portal user already known by that subject (someone who signed in
    /// before provisioning began). A user name or external id another provisioned user has is a conflict.
    /// </summary>
    public async Task<ProvisioningResult<ProvisionedUserView>> CreateUserAsync(ProvisionedUserData data, CancellationToken ct = default)
    {
        if (!IsValid(data)) return ProvisioningResult<ProvisionedUserView>.Fail(ProvisioningError.Invalid);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var subject = data.ExternalId ?? data.UserName;
        await using var tx = await db.Database.BeginTransactionAsync(ct); // the row and its audit event commit together
        if (await UserNameTakenAsync(db, data.UserName, null, ct)) return ProvisioningResult<ProvisionedUserView>.Fail(ProvisioningError.Conflict);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Subject == subject, ct);
        if (user?.ProvisionedAt is not null) return ProvisioningResult<ProvisionedUserView>.Fail(ProvisioningError.Conflict);
        var now = Now;
        if (user is null)
        {
            user = new PortalUser { Subject = subject, UserName = data.UserName, DisplayName = data.DisplayName, LastSignInAt = DateTimeOffset.MinValue };
            db.Users.Add(user);
        }
        user.ProvisionedAt = now;
        var deactivated = Apply(user, data, now);
        await db.SaveChangesAsync(ct);
        AuditLog.Add(db, Actor, "scim-user-create", "user", subject, new { data.UserName, data.Active, userId = user.Id });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        if (deactivated) deactivations.Raise(user.Subject);
        return ProvisioningResult<ProvisionedUserView>.Ok(View(user));
    }

    /// <summary>Replaces a provisioned user's attributes (SCIM PUT, or PATCH applied to the current ones).</summary>
    public async Task<ProvisioningResult<ProvisionedUserView>> ReplaceUserAsync(int id, ProvisionedUserData data, CancellationToken ct = default)
    {
        if (!IsValid(data)) return ProvisioningResult<ProvisionedUserView>.Fail(ProvisioningError.Invalid);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id && u.ProvisionedAt != null, ct);
        if (user is null) return ProvisioningResult<ProvisionedUserView>.Fail(ProvisioningError.NotFound);
        // The subject links sign-ins to this row; a different external id would re-point it, which the directory never does.
        if (data.ExternalId is not null && data.ExternalId != user.Subject || await UserNameTakenAsync(db, data.UserName, id, ct))
            return ProvisioningResult<ProvisionedUserView>.Fail(ProvisioningError.Conflict);
        var before = View(user).Data;
        var deactivated = Apply(user, data, Now);
        if (before != View(user).Data)
            AuditLog.Add(db, Actor, deactivated ? "scim-user-deactivate" : "scim-user-update", "user", user.Subject,
                new { data.UserName, data.Active, wasActive = before.Active, userId = user.Id });
        await db.SaveChangesAsync(ct);
        if (deactivated) deactivations.Raise(user.Subject);
        return ProvisioningResult<ProvisionedUserView>.Ok(View(user));
    }

    /// <summary>
    /// SCIM DELETE: the account is deactivated, leaves its provisioned groups and is no longer provisioned. The row
    /// stays (its audit trail, chats and tokens name it); a later create takes it over again.
    /// </summary>
    public async Task<bool> DeleteUserAsync(int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id && u.ProvisionedAt != null, ct);
        if (user is null) return false;
        user.ProvisionedAt = null;
        user.DeactivatedAt ??= Now;
        db.ProvisionedMemberships.RemoveRange(db.ProvisionedMemberships.Where(m => m.UserId == id));
        AuditLog.Add(db, Actor, "scim-user-delete", "user", user.Subject, new { user.UserName, userId = user.Id });
        await db.SaveChangesAsync(ct);
        deactivations.Raise(user.Subject);
        return true;
    }

    /// <summary>True when the account with this subject is deactivated (sessions and circuits check it).</summary>
    public async Task<bool> IsDeactivatedAsync(string subject, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Users.AnyAsync(u => u.Subject == subject && u.DeactivatedAt != null, ct);
    }

    // ---- groups ----

    public async Task<ProvisionedGroupView?> GetGroupAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var group = await GroupsWithMembers(db).SingleOrDefaultAsync(g => g.Id == id, ct);
        return group is null ? null : View(group);
    }

    /// <summary>Provisioned groups, optionally those whose displayName or externalId equals the value.</summary>
    public async Task<(List<ProvisionedGroupView> Page, int Total)> ListGroupsAsync(string? attribute, string? value, int startIndex, int count,
        CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = GroupsWithMembers(db);
        q = attribute?.ToLowerInvariant() switch
        {
            null => q,
            "displayname" => q.Where(g => g.DisplayName == value),
            "externalid" => q.Where(g => g.ExternalId == value),
            _ => q.Where(_ => false),
        };
        var total = await q.CountAsync(ct);
        var page = await q.OrderBy(g => g.CreatedAt).Skip(Math.Max(0, startIndex - 1)).Take(Math.Max(0, count)).ToListAsync(ct);
        return (page.Select(View).ToList(), total);
    }

    /// <summary>
    /// Provisioned groups whose claim value (external id, else display name) is one of <paramref name="claimValues"/>,
    /// with members: what a portal group's mappings take in (the Groups admin page).
    /// </summary>
    internal static async Task<List<ProvisionedGroupView>> ForClaimsAsync(PortalDbContext db, IReadOnlyCollection<string> claimValues, CancellationToken ct)
    {
        if (claimValues.Count == 0) return [];
        var rows = await GroupsWithMembers(db).Where(g => claimValues.Contains(g.ExternalId ?? g.DisplayName)).OrderBy(g => g.DisplayName).ToListAsync(ct);
        return rows.Select(View).ToList();
    }

    public async Task<ProvisioningResult<ProvisionedGroupView>> CreateGroupAsync(ProvisionedGroupData data, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(data.DisplayName)) return ProvisioningResult<ProvisionedGroupView>.Fail(ProvisioningError.Invalid);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (data.ExternalId is not null && await db.ProvisionedGroups.AnyAsync(g => g.ExternalId == data.ExternalId, ct)
            || data.ExternalId is null && await db.ProvisionedGroups.AnyAsync(g => g.ExternalId == null && g.DisplayName == data.DisplayName, ct))
            return ProvisioningResult<ProvisionedGroupView>.Fail(ProvisioningError.Conflict);
        var now = Now;
        var group = new ProvisionedGroup { DisplayName = data.DisplayName.Trim(), ExternalId = data.ExternalId, CreatedAt = now, UpdatedAt = now };
        db.ProvisionedGroups.Add(group);
        var members = await KnownUsersAsync(db, data.Members, ct);
        group.Members.AddRange(members.Select(u => new ProvisionedMembership { GroupId = group.Id, UserId = u }));
        AuditLog.Add(db, Actor, "scim-group-create", "provisioned-group", group.ClaimValue, new { group.DisplayName, members });
        await db.SaveChangesAsync(ct);
        return (await GetGroupAsync(group.Id, ct)) is { } view
            ? ProvisioningResult<ProvisionedGroupView>.Ok(view) : ProvisioningResult<ProvisionedGroupView>.Fail(ProvisioningError.NotFound);
    }

    /// <summary>
    /// Changes a group (SCIM PUT replaces the members, PATCH adds and removes). Member ids that are no provisioned
    /// user are ignored, as the directory may send a user before or after the portal knows them.
    /// </summary>
    public async Task<ProvisioningResult<ProvisionedGroupView>> ChangeGroupAsync(Guid id, ProvisionedGroupChange change, CancellationToken ct = default)
    {
        if (change.DisplayName is { } name && string.IsNullOrWhiteSpace(name)) return ProvisioningResult<ProvisionedGroupView>.Fail(ProvisioningError.Invalid);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var group = await db.ProvisionedGroups.Include(g => g.Members).SingleOrDefaultAsync(g => g.Id == id, ct);
        if (group is null) return ProvisioningResult<ProvisionedGroupView>.Fail(ProvisioningError.NotFound);
        if (change.ExternalId is not null && change.ExternalId != group.ExternalId
            && await db.ProvisionedGroups.AnyAsync(g => g.ExternalId == change.ExternalId && g.Id != id, ct))
            return ProvisioningResult<ProvisionedGroupView>.Fail(ProvisioningError.Conflict);

        var before = group.Members.Select(m => m.UserId).ToHashSet();
        var after = change.RemoveAllMembers ? [] : change.ReplaceMembers is { } replace ? (await KnownUsersAsync(db, replace, ct)).ToHashSet() : before.ToHashSet();
        after.UnionWith(await KnownUsersAsync(db, change.AddMembers, ct));
        after.ExceptWith(change.RemoveMembers);
        var added = after.Except(before).Order().ToArray();
        var removed = before.Except(after).Order().ToArray();
        group.Members.RemoveAll(m => removed.Contains(m.UserId));
        group.Members.AddRange(added.Select(u => new ProvisionedMembership { GroupId = group.Id, UserId = u }));
        var renamed = change.DisplayName is { } n && n.Trim() != group.DisplayName;
        if (renamed) group.DisplayName = change.DisplayName!.Trim();
        if (change.ExternalId is not null) group.ExternalId = change.ExternalId;
        if (added.Length > 0 || removed.Length > 0 || renamed)
        {
            group.UpdatedAt = Now;
            AuditLog.Add(db, Actor, "scim-group-update", "provisioned-group", group.ClaimValue,
                new { group.DisplayName, added, removed, renamed });
        }
        await db.SaveChangesAsync(ct);
        return (await GetGroupAsync(id, ct)) is { } view
            ? ProvisioningResult<ProvisionedGroupView>.Ok(view) : ProvisioningResult<ProvisionedGroupView>.Fail(ProvisioningError.NotFound);
    }

    public async Task<bool> DeleteGroupAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var group = await db.ProvisionedGroups.SingleOrDefaultAsync(g => g.Id == id, ct);
        if (group is null) return false;
        db.ProvisionedGroups.Remove(group);
        AuditLog.Add(db, Actor, "scim-group-delete", "provisioned-group", group.ClaimValue, new { group.DisplayName });
        await db.SaveChangesAsync(ct);
        return true;
    }

    // ---- helpers ----

    private static bool IsValid(ProvisionedUserData d) => !string.IsNullOrWhiteSpace(d.UserName) && d.ExternalId is not { Length: 0 };

    private static Task<bool> UserNameTakenAsync(PortalDbContext db, string userName, int? except, CancellationToken ct)
    {
        var lower = userName.ToLowerInvariant();
        return db.Users.AnyAsync(u => u.ProvisionedAt != null && u.UserName.ToLower() == lower && u.Id != except, ct);
    }

    /// <summary>Writes the attributes; true when this change deactivated the account.</summary>
    private static bool Apply(PortalUser user, ProvisionedUserData data, DateTimeOffset now)
    {
        user.UserName = data.UserName.Trim();
        user.DisplayName = string.IsNullOrWhiteSpace(data.DisplayName) ? user.UserName : data.DisplayName.Trim();
        user.Email = data.Email;
        var wasActive = user.DeactivatedAt is null;
        user.DeactivatedAt = data.Active ? null : user.DeactivatedAt ?? now;
        return wasActive && !data.Active;
    }

    private static async Task<List<int>> KnownUsersAsync(PortalDbContext db, IReadOnlyList<int> ids, CancellationToken ct) =>
        ids.Count == 0 ? [] : await db.Users.Where(u => ids.Contains(u.Id) && u.ProvisionedAt != null).Select(u => u.Id).ToListAsync(ct);

    private static IQueryable<ProvisionedGroup> GroupsWithMembers(PortalDbContext db) =>
        db.ProvisionedGroups.AsNoTracking().Include(g => g.Members).ThenInclude(m => m.User);

    private static ProvisionedUserView View(PortalUser u) => new(u.Id,
        new ProvisionedUserData(u.UserName, u.Subject, u.DisplayName, u.Email, u.DeactivatedAt is null), u.ProvisionedAt);

    private static ProvisionedGroupView View(ProvisionedGroup g) => new(g.Id, g.DisplayName, g.ExternalId,
        g.Members.Where(m => m.User is not null).OrderBy(m => m.User!.UserName)
            .Select(m => new ProvisionedMemberView(m.UserId, m.User!.UserName, m.User.DisplayName, m.User.DeactivatedAt is null)).ToList(),
        g.CreatedAt, g.UpdatedAt);

    public static string UserId(int id) => id.ToString(CultureInfo.InvariantCulture);
}
