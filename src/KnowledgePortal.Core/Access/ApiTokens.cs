using System.Globalization;
using KnowledgePortal.Core.Audit;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Core.Access;

/// <summary>A token as its owner and administrators see it; never the secret.</summary>
public sealed record ApiTokenInfo(Guid Id, string Name, string Prefix, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, string? RevokedBy, string Owner, string OwnerDisplayName)
{
    public bool IsActive(DateTimeOffset now) => RevokedAt is null && !ApiTokenRules.IsExpired(ExpiresAt, now);
}

/// <summary>A new token: <paramref name="Secret"/> is shown once and never stored.</summary>
public sealed record CreatedApiToken(string Secret, ApiTokenInfo Token);

/// <summary>
/// The person a token stands for, with the identity-provider claims the portal last read for them. The web host turns
/// it into the same principal a session has, so the caller's access is resolved one way (claims → current mappings).
/// </summary>
public sealed record ApiTokenHolder(Guid TokenId, IReadOnlyList<string> Scopes, int PortalUserId, string Subject, string UserName,
    string DisplayName, string? Email, IReadOnlyList<string> ExternalGroups, IReadOnlyList<string> ExternalRoles, DateTimeOffset? ClaimsReadAt);

public enum ApiTokenRefusal { Malformed, Unknown, Expired, Revoked, Deactivated }

/// <summary>The outcome of presenting a token: its holder, or why it was refused.</summary>
public sealed record ApiTokenCheck(ApiTokenHolder? Holder, ApiTokenRefusal? Refusal);

/// <summary>
/// Personal API tokens: people create, list and revoke their own; administrators list and revoke anyone's (audited).
/// <see cref="AuthenticateAsync"/> finds a token by the hash of what was presented, refuses it when expired, revoked
/// or its user deactivated, and audits every use with the user, the token and the path.
/// </summary>
public sealed class ApiTokens(IDbContextFactory<PortalDbContext> dbFactory, IOptions<ApiTokenOptions> options, TimeProvider? clock = null)
{
    private DateTimeOffset Now => (clock ?? TimeProvider.System).GetUtcNow();

    public async Task<AdminResult<CreatedApiToken>> CreateAsync(UserAccess owner, string name, IEnumerable<string>? scopes, int? days,
        CancellationToken ct = default)
    {
        var o = options.Value;
        name = (name ?? "").Trim();
        var lifetime = days ?? Math.Min(o.DefaultDays, o.MaxDays);
        var parsed = ApiTokenScopes.Parse(scopes);
        var invalid = name.Length == 0 ? AdminErrors.NameRequired
            : name.Length > ApiTokenRules.MaxNameLength ? AdminErrors.NameTooLong
            : parsed is null ? AdminErrors.InvalidTokenScopes
            : ApiTokenRules.CheckDays(lifetime, o.MaxDays);
        if (invalid is not null) return AdminResult<CreatedApiToken>.Fail(invalid);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Subject == owner.UserId, ct);
        if (user is null || user.DeactivatedAt is not null) return AdminResult<CreatedApiToken>.Fail(AdminErrors.UnknownUser);
        var now = Now;
        if (await db.ApiTokens.CountAsync(t => t.UserId == user.Id && t.RevokedAt == null && t.ExpiresAt > now, ct) >= o.MaxActivePerUser)
            return AdminResult<CreatedApiToken>.Fail(AdminErrors.TokenLimit);

        var secret = ApiTokenRules.Generate();
        var token = new ApiToken
        {
            UserId = user.Id, Name = name, Scopes = parsed!, Hash = ApiTokenRules.Hash(secret), Prefix = ApiTokenRules.Prefix(secret),
            CreatedAt = now, ExpiresAt = ApiTokenRules.ExpiresAt(now, lifetime),
        };
        db.ApiTokens.Add(token);
        AuditLog.Add(db, user.UserName, "api-token-create", "api-token", Id(token.Id),
            new { name, scopes = token.Scopes, expiresAt = token.ExpiresAt, days = lifetime });
        await db.SaveChangesAsync(ct);
        return AdminResult<CreatedApiToken>.Ok(new CreatedApiToken(secret, Info(token, user)));
    }

    /// <summary>The caller's own tokens, newest first, revoked and expired ones included (marked by their dates).</summary>
    public async Task<List<ApiTokenInfo>> ListAsync(UserAccess owner, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ListAsync(db.ApiTokens.Where(t => t.User!.Subject == owner.UserId), ct);
    }

    /// <summary>Everyone's tokens, for administrators.</summary>
    public async Task<List<ApiTokenInfo>> ListAllAsync(UserAccess admin, CancellationToken ct = default)
    {
        AccessAdministration.RequireAdmin(admin);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ListAsync(db.ApiTokens, ct);
    }

    /// <summary>
    /// Revokes one of the actor's own tokens, or anyone's when the actor is an administrator. A token the actor may not
    /// revoke is answered like a missing one. Revoking twice changes nothing.
    /// </summary>
    public async Task<AdminResult> RevokeAsync(UserAccess actor, Guid tokenId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var token = await db.ApiTokens.Include(t => t.User).SingleOrDefaultAsync(t => t.Id == tokenId, ct);
        var own = token?.User!.Subject == actor.UserId && !string.IsNullOrEmpty(actor.UserId);
        if (token is null || !own && !actor.IsAdmin) return AdminResult.Fail(AdminErrors.NotFound);
        if (token.RevokedAt is not null) return AdminResult.Ok();
        token.RevokedAt = Now;
        token.RevokedBy = actor.UserName;
        AuditLog.Add(db, actor.UserName, "api-token-revoke", "api-token", Id(token.Id),
            new { name = token.Name, owner = token.User!.UserName, byAdmin = !own });
        await db.SaveChangesAsync(ct);
        return AdminResult.Ok();
    }

    /// <summary>
    /// The holder of <paramref name="token"/>, or why it is refused. Every use of a known token is audited (its user,
    /// the token, <paramref name="method"/> and <paramref name="path"/>), refused ones too; last use is written at most
    /// once a minute (<see cref="ApiTokenRules.ShouldRecordUse"/>).
    /// </summary>
    public async Task<ApiTokenCheck> AuthenticateAsync(string token, string method, string path, CancellationToken ct = default)
    {
        if (!ApiTokenRules.IsWellFormed(token)) return new ApiTokenCheck(null, ApiTokenRefusal.Malformed);
        var hash = ApiTokenRules.Hash(token);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.ApiTokens.Include(t => t.User).SingleOrDefaultAsync(t => t.Hash == hash, ct);
        if (row is null) return new ApiTokenCheck(null, ApiTokenRefusal.Unknown);
        var user = row.User!;
        var now = Now;
        ApiTokenRefusal? refusal = row.RevokedAt is not null ? ApiTokenRefusal.Revoked
            : ApiTokenRules.IsExpired(row.ExpiresAt, now) ? ApiTokenRefusal.Expired
            : user.DeactivatedAt is not null ? ApiTokenRefusal.Deactivated
            : null;
        if (refusal is not null)
        {
            AuditLog.Add(db, user.UserName, "api-token-refused", "api-token", Id(row.Id), new { method, path, reason = refusal.Value.ToString() });
            await db.SaveChangesAsync(ct);
            return new ApiTokenCheck(null, refusal);
        }
        if (ApiTokenRules.ShouldRecordUse(row.LastUsedAt, now)) row.LastUsedAt = now;
        AuditLog.Add(db, user.UserName, "api-token-use", "api-token", Id(row.Id), new { method, path });
        await db.SaveChangesAsync(ct);
        return new ApiTokenCheck(new ApiTokenHolder(row.Id, row.Scopes, user.Id, user.Subject, user.UserName, user.DisplayName, user.Email,
            user.ExternalGroups, user.ExternalRoles, user.ClaimsReadAt), null);
    }

    private static async Task<List<ApiTokenInfo>> ListAsync(IQueryable<ApiToken> tokens, CancellationToken ct)
    {
        var rows = await tokens.AsNoTracking().Include(t => t.User).OrderByDescending(t => t.CreatedAt).ToListAsync(ct);
        return rows.Select(t => Info(t, t.User!)).ToList();
    }

    private static ApiTokenInfo Info(ApiToken t, PortalUser owner) => new(t.Id, t.Name, t.Prefix, t.Scopes, t.CreatedAt, t.ExpiresAt,
        t.LastUsedAt, t.RevokedAt, t.RevokedBy, owner.UserName, owner.DisplayName);

    private static string Id(Guid id) => id.ToString("D", CultureInfo.InvariantCulture);
}
