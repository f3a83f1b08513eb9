using KnowledgePortal.Core.Domain;

namespace KnowledgePortal.Core.Access;

/// <summary>What the identity provider said about a user, before mapping to portal groups.</summary>
public sealed record ExternalIdentity(
    string Subject,
    string UserName,
    string DisplayName,
    string? Email,
    IReadOnlyList<string> Groups,
    IReadOnlyList<string> Roles,
    /// <summary>Set when group membership could not be resolved (e.g. overage and Graph failed): fail closed.</summary>
    string? GroupResolutionProblem = null);

/// <summary>
/// The effective rights of a signed-in user. Read access is exactly <see cref="GroupIds"/>: admins get no read
/// access from their role, only from the groups they belong to.
/// </summary>
public sealed record UserAccess(
    string UserId,
    string UserName,
    string DisplayName,
    int[] GroupIds,
    bool IsAdmin,
    bool IsKnowledgeManager,
    int[] ManagedCollectionIds,
    string? Problem = null)
{
    public static UserAccess Anonymous { get; } = new("", "", "", [], false, false, []);

    /// <summary>The system identity used by server-side imports: manages everything, reads nothing.</summary>
    public static UserAccess System(int[] allCollectionIds) => new("system", "system", "System", [], true, true, allCollectionIds);

    public bool CanManage(int collectionId) => ManagedCollectionIds.Contains(collectionId);

    public IEnumerable<string> RoleNames()
    {
        yield return nameof(PortalRole.Reader);
        if (IsKnowledgeManager) yield return nameof(PortalRole.KnowledgeManager);
        if (IsAdmin) yield return nameof(PortalRole.Admin);
    }
}
