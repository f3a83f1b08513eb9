using KnowledgePortal.Core.Domain;

namespace KnowledgePortal.Core.Access;

/// <summary>What decides who may read one document: its collection's grants and the document's own restriction.</summary>
public sealed record DocumentAccessFacts(
    Guid DocumentId,
    string DocumentTitle,
    int CollectionId,
    string CollectionName,
    IReadOnlyList<GrantFact> Grants,
    int[]? RestrictedToGroupIds);

public sealed record GrantFact(int GroupId, AccessLevel Level);

public sealed record GroupName(int Id, string Name);

/// <summary>Why one group can or cannot read a document.</summary>
public enum GroupReadRule
{
    /// <summary>The group has a grant on the collection and the document is not restricted.</summary>
    ViaCollection,
    /// <summary>The group has a grant on the collection and is one of the groups the document is restricted to.</summary>
    ViaCollectionWithinRestriction,
    /// <summary>The group has a grant on the collection, but the document is restricted to other groups.</summary>
    NarrowedByRestriction,
    /// <summary>The document restriction names the group, but the group has no grant on the collection.</summary>
    RestrictionWithoutGrant,
}

public sealed record GroupVisibility(int GroupId, string GroupName, AccessLevel? Level, bool CanRead, GroupReadRule Rule, string Explanation);

/// <summary>
/// A user who could read the document with the groups they had at their last sign-in (judged against the chunks'
/// stored ACL, i.e. what retrieval enforces, or the rules while the document has no chunks).
/// </summary>
public sealed record KnownReader(int UserId, string UserName, string DisplayName, DateTimeOffset LastSignInAt, IReadOnlyList<string> ViaGroups);

/// <param name="ReadableGroupIds">The groups the rules give read access (what the chunks' ACL must hold).</param>
/// <param name="ChunkCount">Searchable passages of the document.</param>
/// <param name="ChunkAclInSync">False when a passage's stored ACL differs from the rules (should never happen).</param>
public sealed record WhoCanSeeResult(
    Guid DocumentId,
    string DocumentTitle,
    string CollectionName,
    IReadOnlyList<GroupVisibility> Groups,
    IReadOnlyList<KnownReader> Users,
    int[] ReadableGroupIds,
    IReadOnlyList<string>? RestrictedTo,
    int ChunkCount,
    bool ChunkAclInSync);

/// <summary>The rule that decides whether one user may read one document.</summary>
public enum WhyRule
{
    CanRead,
    /// <summary>At their last sign-in the user mapped to no portal group at all.</summary>
    NoGroupsAtSignIn,
    /// <summary>None of the user's groups has a grant on the document's collection.</summary>
    NoCollectionGrant,
    /// <summary>One of the user's groups has a grant on the collection, but the document is restricted to other groups.</summary>
    NarrowedByRestriction,
}

/// <param name="CollectionReaders">Groups with a grant (any level) on the collection.</param>
/// <param name="RestrictedTo">Groups the document is restricted to, or null when it is not restricted.</param>
/// <param name="ViaGroups">The user's groups that give read access (empty unless <see cref="CanRead"/>).</param>
public sealed record WhyCannotResult(
    bool CanRead,
    WhyRule Rule,
    string UserName,
    IReadOnlyList<string> UserGroups,
    DateTimeOffset LastSignInAt,
    string DocumentTitle,
    string CollectionName,
    IReadOnlyList<string> CollectionReaders,
    IReadOnlyList<string>? RestrictedTo,
    IReadOnlyList<string> ViaGroups,
    string Explanation);

/// <summary>
/// Pure explanations of the read rule that <see cref="AclUpdater"/> writes into each chunk: a group reads a document
/// when it has a grant (any level) on the collection and, if the document is restricted, is one of its groups.
/// Portal roles (Admin included) never give read access.
/// </summary>
public static class AccessExplainer
{
    /// <summary>The groups that may read the document, ascending (the same set the chunk ACL holds).</summary>
    public static int[] ReadableGroupIds(DocumentAccessFacts doc) =>
        doc.Grants
            .Select(g => g.GroupId)
            .Where(g => doc.RestrictedToGroupIds is null || doc.RestrictedToGroupIds.Contains(g))
            .Distinct()
            .Order()
            .ToArray();

    public static WhoCanSeeResult WhoCanSee(
        DocumentAccessFacts doc,
        IReadOnlyList<GroupName> groups,
        IReadOnlyList<PortalUser> users,
        int chunkCount = 0,
        IReadOnlyList<int[]>? chunkAcls = null)
    {
        var names = groups.ToDictionary(g => g.Id, g => g.Name);
        string Name(int id) => NameOf(names, id);
        var readable = ReadableGroupIds(doc);
        var restricted = doc.RestrictedToGroupIds;
        var restrictedNames = restricted?.Distinct().Select(Name).Order(StringComparer.OrdinalIgnoreCase).ToList();

        var rows = new List<GroupVisibility>();
        foreach (var grant in doc.Grants.GroupBy(g => g.GroupId).Select(g => g.MaxBy(x => x.Level)!))
        {
            var name = Name(grant.GroupId);
            var via = $"{name}: {grant.Level} via collection {doc.CollectionName}";
            if (restricted is null)
                rows.Add(new(grant.GroupId, name, grant.Level, true, GroupReadRule.ViaCollection, via));
            else if (restricted.Contains(grant.GroupId))
                rows.Add(new(grant.GroupId, name, grant.Level, true, GroupReadRule.ViaCollectionWithinRestriction,
                    $"{via}, within the document restriction"));
            else
                rows.Add(new(grant.GroupId, name, grant.Level, false, GroupReadRule.NarrowedByRestriction,
                    $"{via}, but narrowed by document restriction (only {Join(restrictedNames!)})"));
        }
        foreach (var id in (restricted ?? []).Distinct().Where(id => doc.Grants.All(g => g.GroupId != id)))
        {
            var name = Name(id);
            rows.Add(new(id, name, null, false, GroupReadRule.RestrictionWithoutGrant,
                $"{name}: named by the document restriction, but has no grant on collection {doc.CollectionName}"));
        }
        rows = rows.OrderByDescending(r => r.CanRead).ThenBy(r => r.GroupName, StringComparer.OrdinalIgnoreCase).ToList();

        // Readers are judged by what retrieval enforces: the chunks' stored ACL; the rules when nothing is indexed yet.
        var effective = chunkAcls is { Count: > 0 } ? chunkAcls.SelectMany(a => a).Distinct().ToArray() : readable;
        var readers = users
            .Select(u => (User: u, Via: u.GroupIds.Intersect(effective).Select(Name).Order(StringComparer.OrdinalIgnoreCase).ToList()))
            .Where(x => x.Via.Count > 0)
            .OrderBy(x => x.User.UserName, StringComparer.OrdinalIgnoreCase)
            .Select(x => new KnownReader(x.User.Id, x.User.UserName, x.User.DisplayName, x.User.LastSignInAt, x.Via))
            .ToList();

        var inSync = chunkAcls is null || chunkAcls.All(acl => acl.Order().SequenceEqual(readable));
        return new WhoCanSeeResult(doc.DocumentId, doc.DocumentTitle, doc.CollectionName, rows, readers, readable,
            restrictedNames, chunkCount, inSync);
    }

    public static WhyCannotResult WhyCannot(DocumentAccessFacts doc, PortalUser user, IReadOnlyList<GroupName> groups)
    {
        var names = groups.ToDictionary(g => g.Id, g => g.Name);
        string Name(int id) => NameOf(names, id);
        List<string> Names(IEnumerable<int> ids) => ids.Distinct().Select(Name).Order(StringComparer.OrdinalIgnoreCase).ToList();

        var userGroups = Names(user.GroupIds);
        var collectionReaders = Names(doc.Grants.Select(g => g.GroupId));
        var restrictedTo = doc.RestrictedToGroupIds is null ? null : Names(doc.RestrictedToGroupIds);
        var readable = ReadableGroupIds(doc);
        var via = Names(user.GroupIds.Intersect(readable));
        var granted = user.GroupIds.Intersect(doc.Grants.Select(g => g.GroupId)).Any();

        var readersText = collectionReaders.Count == 0
            ? $"{doc.CollectionName} has no readers (no group has a grant on it)"
            : $"{doc.CollectionName} is readable by {Join(collectionReaders)} only";
        var (rule, text) = via.Count > 0
            ? (WhyRule.CanRead, $"{user.UserName} can read \"{doc.DocumentTitle}\", via group {Join(via)}")
            : userGroups.Count == 0
                ? (WhyRule.NoGroupsAtSignIn, $"{user.UserName} was in no portal group at last sign-in; {readersText}")
                : !granted
                    ? (WhyRule.NoCollectionGrant, $"{user.UserName} is in {Join(userGroups)}; {readersText}")
                    : (WhyRule.NarrowedByRestriction,
                        $"{user.UserName} is in {Join(userGroups)}; {doc.CollectionName} is readable by {Join(collectionReaders)}, " +
                        $"but \"{doc.DocumentTitle}\" is restricted to {(restrictedTo!.Count == 0 ? "no group" : Join(restrictedTo))}");

        return new WhyCannotResult(rule == WhyRule.CanRead, rule, user.UserName, userGroups, user.LastSignInAt, doc.DocumentTitle,
            doc.CollectionName, collectionReaders, restrictedTo, via, text);
    }

    private static string NameOf(Dictionary<int, string> names, int id) =>
        names.TryGetValue(id, out var name) ? name : $"#{id} (deleted group)";

    private static string Join(IReadOnlyList<string> names) => string.Join(", ", names);
}
