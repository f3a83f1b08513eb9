using KnowledgePortal.Core.Audit;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace KnowledgePortal.Core.Access;

/// <summary>
/// Every administrative change to access, groups, model providers and the audit trail. Each method refuses a
/// non-admin actor with <see cref="UnauthorizedAccessException"/>, whatever the UI showed. A change, the chunk ACL
/// update it implies (<see cref="AclUpdater"/>, no re-embedding) and its audit event commit in one transaction.
/// </summary>
public sealed partial class AccessAdministration(
    IDbContextFactory<PortalDbContext> dbFactory,
    IDataProtectionProvider dataProtection)
{
    public const int MaxNameLength = 200;
    public const int MaxReviewIntervalDays = 3650;

    // ---- collections -------------------------------------------------------------------------------------------

    public async Task<AdminResult<int>> CreateCollectionAsync(UserAccess actor, string name, string? description,
        SensitivityLabel label, int? reviewIntervalDays = null, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        if ((CheckName(ref name) ?? CheckReviewInterval(reviewIntervalDays) ?? CheckLabel(label)) is { } invalid)
            return AdminResult<int>.Fail(invalid);
        description = Clean(description);

        return await InTransactionAsync(async db =>
        {
            var lower = name.ToLowerInvariant();
            if (await db.Collections.AnyAsync(c => c.Name.ToLower() == lower, ct)) return AdminResult<int>.Fail(AdminErrors.NameTaken);
            var collection = new Collection { Name = name, Description = description, Sensitivity = label, ReviewIntervalDays = reviewIntervalDays };
            db.Collections.Add(collection);
            await db.SaveChangesAsync(ct);
            AuditLog.Add(db, actor.UserName, "collection-create", "collection", Id(collection.Id),
                new { name, description, label = label.ToString(), reviewIntervalDays });
            await db.SaveChangesAsync(ct);
            return AdminResult<int>.Ok(collection.Id);
        }, AdminResult<int>.Fail, ct);
    }

    /// <summary>Renames, relabels or changes the review interval; a label change rewrites the chunks' sensitivity.</summary>
    public async Task<AdminResult> UpdateCollectionAsync(UserAccess actor, int id, string name, string? description,
        SensitivityLabel label, int? reviewIntervalDays, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        if ((CheckName(ref name) ?? CheckReviewInterval(reviewIntervalDays) ?? CheckLabel(label)) is { } invalid)
            return AdminResult.Fail(invalid);
        description = Clean(description);

        return await InTransactionAsync(async db =>
        {
            await db.Database.ExecuteSqlAsync($"SELECT id FROM collections WHERE id = {id} FOR UPDATE", ct);
            var collection = await db.Collections.SingleOrDefaultAsync(c => c.Id == id, ct);
            if (collection is null) return AdminResult.Fail(AdminErrors.NotFound);
            var lower = name.ToLowerInvariant();
            if (await db.Collections.AnyAsync(c => c.Id != id && c.Name.ToLower() == lower, ct)) return AdminResult.Fail(AdminErrors.NameTaken);

            var before = new { collection.Name, collection.Description, Label = collection.Sensitivity.ToString(), collection.ReviewIntervalDays };
            var labelChanged = collection.Sensitivity != label;
            collection.Name = name;
            collection.Description = description;
            collection.Sensitivity = label;
            collection.ReviewIntervalDays = reviewIntervalDays;
            await db.SaveChangesAsync(ct);
            var chunksUpdated = labelChanged ? await AclUpdater.RecomputeCollectionAsync(db, id, ct) : 0;
            AuditLog.Add(db, actor.UserName, "collection-change", "collection", Id(id), new
            {
                before,
                after = new { Name = name, Description = description, Label = label.ToString(), ReviewIntervalDays = reviewIntervalDays },
                chunksUpdated,
            });
            await db.SaveChangesAsync(ct);
            return AdminResult.Ok();
        }, AdminResult.Fail, ct);
    }

    /// <summary>Deletes a collection that holds no documents (its grants go with it).</summary>
    public async Task<AdminResult> DeleteCollectionAsync(UserAccess actor, int id, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        return await InTransactionAsync(async db =>
        {
            await db.Database.ExecuteSqlAsync($"SELECT id FROM collections WHERE id = {id} FOR UPDATE", ct);
            var collection = await db.Collections.Include(c => c.Access).SingleOrDefaultAsync(c => c.Id == id, ct);
            if (collection is null) return AdminResult.Fail(AdminErrors.NotFound);
            if (await db.Documents.AnyAsync(d => d.CollectionId == id, ct)) return AdminResult.Fail(AdminErrors.CollectionNotEmpty);
            var grants = await DescribeGrantsAsync(db, collection.Access.Select(a => (a.GroupId, a.Level)), ct);
            db.Collections.Remove(collection);
            AuditLog.Add(db, actor.UserName, "collection-delete", "collection", Id(id),
                new { collection.Name, Label = collection.Sensitivity.ToString(), grants });
            await db.SaveChangesAsync(ct);
            return AdminResult.Ok();
        }, AdminResult.Fail, ct);
    }

    /// <summary>
    /// Replaces the collection's grants; admins and the collection's managers may. Any level gives read access; Manage
    /// also lets knowledge managers in the group curate documents. On a Confidential-or-above collection, a change that
    /// gives one of the actor's own groups read access is only requested (<see cref="AdminErrors.PendingApproval"/>):
    /// another manager of the collection approves it (<see cref="DecideGrantChangeAsync"/>). Audited as
    /// "access-self-grant" when one of the actor's own groups gains access, else "access-change".
    /// </summary>
    public async Task<AdminResult> SetGrantsAsync(UserAccess actor, int collectionId,
        IReadOnlyList<(int GroupId, AccessLevel Level)> grants, CancellationToken ct = default)
    {
        RequireAccessManager(actor, collectionId);
        if (grants.Select(g => g.GroupId).Distinct().Count() != grants.Count) return AdminResult.Fail(AdminErrors.DuplicateGroup);
        if (grants.Any(g => !Enum.IsDefined(g.Level))) return AdminResult.Fail(AdminErrors.InvalidValue);

        return await InTransactionAsync(async db =>
        {
            await db.Database.ExecuteSqlAsync($"SELECT id FROM collections WHERE id = {collectionId} FOR UPDATE", ct);
            var collection = await db.Collections.Include(c => c.Access).SingleOrDefaultAsync(c => c.Id == collectionId, ct);
            if (collection is null) return AdminResult.Fail(AdminErrors.NotFound);
            var wanted = grants.Select(g => g.GroupId).ToList();
            if (await db.Groups.CountAsync(g => wanted.Contains(g.Id), ct) != wanted.Count) return AdminResult.Fail(AdminErrors.UnknownGroup);

            var before = collection.Access.Select(a => (a.GroupId, a.Level)).OrderBy(a => a.GroupId).ToList();
            var after = grants.OrderBy(g => g.GroupId).ToList();
            if (before.SequenceEqual(after)) return AdminResult.Ok();

            var gained = actor.GroupIds.Intersect(after.Select(a => a.GroupId)).Except(before.Select(b => b.GroupId)).ToList();
            if (gained.Count > 0 && collection.Sensitivity >= SensitivityLabel.Confidential)
            {
                var request = new PendingGrantChange
                {
                    CollectionId = collectionId, RequestedBy = actor.UserName, RequestedBySubject = actor.UserId, RequestedAt = DateTimeOffset.UtcNow,
                    GroupIds = [.. after.Select(a => a.GroupId)], Levels = [.. after.Select(a => (int)a.Level)],
                    BeforeGroupIds = [.. before.Select(b => b.GroupId)], BeforeLevels = [.. before.Select(b => (int)b.Level)],
                };
                db.PendingGrantChanges.Add(request);
                await db.SaveChangesAsync(ct);
                AuditLog.Add(db, actor.UserName, "access-self-grant-requested", "collection", Id(collectionId), new
                {
                    collection = collection.Name, request = request.Id,
                    before = await DescribeGrantsAsync(db, before, ct),
                    after = await DescribeGrantsAsync(db, after, ct),
                    selfGranted = await GroupNamesAsync(db, gained, ct),
                });
                await db.SaveChangesAsync(ct);
                return AdminResult.Fail(AdminErrors.PendingApproval);
            }

            await ApplyGrantsAsync(db, collection, grants, ct);
            var chunksUpdated = await AclUpdater.RecomputeCollectionAsync(db, collectionId, ct);
            AuditLog.Add(db, actor.UserName, gained.Count > 0 ? "access-self-grant" : "access-change", "collection", Id(collectionId), new
            {
                collection = collection.Name,
                before = await DescribeGrantsAsync(db, before, ct),
                after = await DescribeGrantsAsync(db, after, ct),
                selfGranted = await GroupNamesAsync(db, gained, ct),
                chunksUpdated,
            });
            await db.SaveChangesAsync(ct);
            return AdminResult.Ok();
        }, AdminResult.Fail, ct);
    }

    /// <summary>
    /// Approves or rejects a requested grant change. Only a manager of the collection other than the requester may;
    /// an admin outside the collection's managing groups may not (that is the point). A request whose collection's
    /// grants changed since it was made is marked stale instead of applied.
    /// </summary>
    public async Task<AdminResult> DecideGrantChangeAsync(UserAccess actor, int requestId, bool approve, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return await InTransactionAsync(async db =>
        {
            var request = await db.PendingGrantChanges.SingleOrDefaultAsync(r => r.Id == requestId, ct);
            if (request is null || request.Status != PendingGrantStatus.Pending) return AdminResult.Fail(AdminErrors.NotFound);
            if (!actor.IsKnowledgeManager || !actor.ManagedCollectionIds.Contains(request.CollectionId))
                throw new UnauthorizedAccessException("Only a manager of this collection may approve access to it.");
            if (request.RequestedBySubject == actor.UserId) return AdminResult.Fail(AdminErrors.OwnRequest);

            await db.Database.ExecuteSqlAsync($"SELECT id FROM collections WHERE id = {request.CollectionId} FOR UPDATE", ct);
            var collection = await db.Collections.Include(c => c.Access).SingleAsync(c => c.Id == request.CollectionId, ct);
            var before = collection.Access.Select(a => (a.GroupId, a.Level)).OrderBy(a => a.GroupId).ToList();
            var requestedBefore = request.BeforeGroupIds.Zip(request.BeforeLevels, (g, l) => (g, (AccessLevel)l)).ToList();
            var after = request.GroupIds.Zip(request.Levels, (g, l) => (GroupId: g, Level: (AccessLevel)l)).ToList();
            request.DecidedBy = actor.UserName;
            request.DecidedAt = DateTimeOffset.UtcNow;
            var stale = approve && !before.SequenceEqual(requestedBefore);
            request.Status = !approve ? PendingGrantStatus.Rejected : stale ? PendingGrantStatus.Stale : PendingGrantStatus.Approved;
            var chunksUpdated = 0;
            if (request.Status == PendingGrantStatus.Approved && await db.Groups.CountAsync(g => request.GroupIds.Contains(g.Id), ct) == request.GroupIds.Length)
            {
                await ApplyGrantsAsync(db, collection, after, ct);
                chunksUpdated = await AclUpdater.RecomputeCollectionAsync(db, collection.Id, ct);
            }
            else if (request.Status == PendingGrantStatus.Approved) request.Status = PendingGrantStatus.Stale; // a group was deleted since
            AuditLog.Add(db, actor.UserName, "access-self-grant-" + request.Status.ToString().ToLowerInvariant(), "collection", Id(collection.Id), new
            {
                collection = collection.Name, request = request.Id, requestedBy = request.RequestedBy,
                before = await DescribeGrantsAsync(db, before, ct),
                after = await DescribeGrantsAsync(db, after, ct),
                chunksUpdated,
            });
            await db.SaveChangesAsync(ct);
            return request.Status == PendingGrantStatus.Stale ? AdminResult.Fail(AdminErrors.RequestStale) : AdminResult.Ok();
        }, AdminResult.Fail, ct);
    }

    /// <summary>Pending grant requests the actor may decide on: those of collections they manage, not their own.</summary>
    public async Task<IReadOnlyList<GrantRequestView>> PendingGrantRequestsAsync(UserAccess actor, CancellationToken ct = default)
    {
        if (!actor.IsKnowledgeManager || actor.ManagedCollectionIds.Length == 0) return [];
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.PendingGrantChanges.AsNoTracking()
            .Where(r => r.Status == PendingGrantStatus.Pending && actor.ManagedCollectionIds.Contains(r.CollectionId) && r.RequestedBySubject != actor.UserId)
            .OrderBy(r => r.RequestedAt).ToListAsync(ct);
        var names = await db.Groups.AsNoTracking().ToDictionaryAsync(g => g.Id, g => g.Name, ct);
        var collections = await db.Collections.AsNoTracking().Where(c => rows.Select(r => r.CollectionId).Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        return rows.Select(r => new GrantRequestView(r.Id, r.CollectionId, collections.GetValueOrDefault(r.CollectionId, "?"), r.RequestedBy, r.RequestedAt,
            r.GroupIds.Zip(r.Levels, (g, l) => $"{names.GetValueOrDefault(g, "#" + g)} ({(AccessLevel)l})").ToList())).ToList();
    }

    /// <summary>Every grant change of a collection (applied, requested, decided), for its managers and admins.</summary>
    public async Task<IReadOnlyList<AuditEvent>> GrantHistoryAsync(UserAccess actor, int collectionId, CancellationToken ct = default)
    {
        RequireAccessManager(actor, collectionId);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var target = Id(collectionId);
        return await db.AuditEvents.AsNoTracking()
            .Where(e => e.TargetType == "collection" && e.TargetId == target && (e.Action == "access-change" || e.Action.StartsWith("access-self-grant")))
            .OrderByDescending(e => e.Id).Take(200).ToListAsync(ct);
    }

    private static async Task ApplyGrantsAsync(PortalDbContext db, Collection collection, IReadOnlyList<(int GroupId, AccessLevel Level)> grants, CancellationToken ct)
    {
        var wanted = grants.Select(g => g.GroupId).ToList();
        foreach (var existing in collection.Access.ToList())
        {
            var match = grants.FirstOrDefault(g => g.GroupId == existing.GroupId);
            if (!wanted.Contains(existing.GroupId)) db.CollectionAccess.Remove(existing);
            else existing.Level = match.Level;
        }
        foreach (var grant in grants.Where(g => collection.Access.All(a => a.GroupId != g.GroupId)))
            db.CollectionAccess.Add(new CollectionAccess { CollectionId = collection.Id, GroupId = grant.GroupId, Level = grant.Level });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Admins, and knowledge managers of this collection (HR managers decide who reads HR policies).</summary>
    private static void RequireAccessManager(UserAccess actor, int collectionId)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsAdmin && !(actor.IsKnowledgeManager && actor.ManagedCollectionIds.Contains(collectionId)))
            throw new UnauthorizedAccessException("Only administrators and this collection's managers may change who can read it.");
    }

    /// <summary>
    /// Narrows one document further than its collection: only these groups (intersected with the collection's
    /// grants) may read it. Null clears the restriction.
    /// </summary>
    public async Task<AdminResult> RestrictDocumentAsync(UserAccess actor, Guid documentId, int[]? groupIds, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        var restriction = groupIds?.Distinct().Order().ToArray();
        if (restriction is { Length: 0 }) return AdminResult.Fail(AdminErrors.RestrictionEmpty);

        return await InTransactionAsync(async db =>
        {
            await db.Database.ExecuteSqlAsync($"SELECT id FROM documents WHERE id = {documentId} FOR UPDATE", ct);
            var document = await db.Documents.SingleOrDefaultAsync(d => d.Id == documentId, ct);
            if (document is null) return AdminResult.Fail(AdminErrors.NotFound);
            if (restriction is not null && await db.Groups.CountAsync(g => restriction.Contains(g.Id), ct) != restriction.Length)
                return AdminResult.Fail(AdminErrors.UnknownGroup);

            var before = document.RestrictedToGroupIds;
            if ((before is null && restriction is null) || (before is not null && restriction is not null && before.Order().SequenceEqual(restriction)))
                return AdminResult.Ok();
            document.RestrictedToGroupIds = restriction;
            document.UpdatedAt = DateTimeOffset.UtcNow;
            await db.SaveChangesAsync(ct);
            var chunksUpdated = await AclUpdater.RecomputeDocumentAsync(db, documentId, ct);
            // A message's attachments are read by exactly who reads the message (an attached message's own too).
            for (var parents = new List<Guid> { documentId }; parents.Count > 0;)
            {
                var ofThese = parents;
                parents = await db.Documents.Where(d => d.ParentDocumentId != null && ofThese.Contains(d.ParentDocumentId.Value)).Select(d => d.Id).ToListAsync(ct);
                await db.Documents.Where(d => parents.Contains(d.Id)).ExecuteUpdateAsync(u => u.SetProperty(d => d.RestrictedToGroupIds, restriction), ct);
                foreach (var attachment in parents) chunksUpdated += await AclUpdater.RecomputeDocumentAsync(db, attachment, ct);
            }
            AuditLog.Add(db, actor.UserName, "document-restrict", "document", documentId.ToString(), new
            {
                document = document.Title,
                collectionId = document.CollectionId,
                before = before is null ? null : await GroupNamesAsync(db, before, ct),
                after = restriction is null ? null : await GroupNamesAsync(db, restriction, ct),
                chunksUpdated,
            });
            await db.SaveChangesAsync(ct);
            return AdminResult.Ok();
        }, AdminResult.Fail, ct);
    }

    // ---- shared helpers ---------------------------------------------------------------------------------------

    internal static void RequireAdmin(UserAccess actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsAdmin)
            throw new UnauthorizedAccessException("Only administrators may change access, groups or model providers, or read the audit log.");
    }

    /// <summary>Runs a change in one transaction; commits only when it succeeded. A unique-key race reports NameTaken.</summary>
    private async Task<T> InTransactionAsync<T>(Func<PortalDbContext, Task<T>> change, Func<string, T> fail, CancellationToken ct)
        where T : AdminResult
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            var result = await change(db);
            // A change saved as a request for approval commits too (the request is the change).
            if (result.Succeeded || result.Error == AdminErrors.PendingApproval) await tx.CommitAsync(ct);
            return result;
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return fail(AdminErrors.NameTaken);
        }
    }

    private static string? CheckName(ref string name)
    {
        name = (name ?? "").Trim();
        if (name.Length == 0) return AdminErrors.NameRequired;
        return name.Length > MaxNameLength ? AdminErrors.NameTooLong : null;
    }

    private static string? CheckReviewInterval(int? days) =>
        days is null or (>= 1 and <= MaxReviewIntervalDays) ? null : AdminErrors.InvalidReviewInterval;

    private static string? CheckLabel(SensitivityLabel label) => Enum.IsDefined(label) ? null : AdminErrors.InvalidValue;

    internal static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string Id(int id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<List<string>> GroupNamesAsync(PortalDbContext db, IEnumerable<int> ids, CancellationToken ct)
    {
        var list = ids.Distinct().ToList();
        var names = await db.Groups.Where(g => list.Contains(g.Id)).ToDictionaryAsync(g => g.Id, g => g.Name, ct);
        return list.Select(id => names.GetValueOrDefault(id, $"#{id}")).Order(StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static async Task<List<object>> DescribeGrantsAsync(PortalDbContext db, IEnumerable<(int GroupId, AccessLevel Level)> grants,
        CancellationToken ct)
    {
        var list = grants.ToList();
        var ids = list.Select(g => g.GroupId).ToList();
        var names = await db.Groups.Where(g => ids.Contains(g.Id)).ToDictionaryAsync(g => g.Id, g => g.Name, ct);
        return list.OrderBy(g => g.GroupId)
            .Select(g => (object)new { groupId = g.GroupId, group = names.GetValueOrDefault(g.GroupId, $"#{g.GroupId}"), level = g.Level.ToString() })
            .ToList();
    }
}
