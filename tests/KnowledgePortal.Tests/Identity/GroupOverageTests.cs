using System.Security.Claims;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Web.Auth;

namespace KnowledgePortal.Tests.Identity;

/// <summary>Pure checks of the fail-closed rule: an overage token without resolved memberships grants no group access.</summary>
public class GroupOverageTests
{
    // The demo organisation: Staff (1), HR (2), Engineering (3), each mapped from the external group of the same name,
    // plus an app-role mapping to show that roles still count when the groups do not.
    internal static readonly PortalGroup[] Groups =
    [
        new() { Id = 1, Name = "Staff" },
        new() { Id = 2, Name = "HR" },
        new() { Id = 3, Name = "Engineering" },
    ];

    internal static readonly GroupMapping[] Mappings =
    [
        new() { Id = 1, GroupId = 1, Kind = GroupMappingKind.ExternalGroup, Value = "Staff" },
        new() { Id = 2, GroupId = 2, Kind = GroupMappingKind.ExternalGroup, Value = "HR" },
        new() { Id = 3, GroupId = 3, Kind = GroupMappingKind.ExternalGroup, Value = "Engineering" },
        new() { Id = 4, GroupId = 3, Kind = GroupMappingKind.AppRole, Value = "Engineers" },
    ];

    internal static UserAccess Resolve(ClaimsPrincipal principal) =>
        AccessResolver.Resolve(PortalClaims.ToExternalIdentity(principal, "groups", "roles"), Mappings, Groups, [], [1, 2, 3], RoleClaimMapping.None);

    internal static ClaimsPrincipal Principal(params Claim[] claims) =>
        new(new ClaimsIdentity([new Claim("oid", "7f3c2a10-0000-4000-8000-000000000001"), new Claim("name", "Overage User"), .. claims], "test"));

    private static Claim Overage() => new("_claim_names", """{"groups":"src1"}""", "JSON");

    [Fact]
    public void PlainGroupsClaims_MapToPortalGroups()
    {
        var access = Resolve(Principal(new Claim("groups", "Staff"), new Claim("groups", "HR")));
        Assert.Equal([1, 2], access.GroupIds);
        Assert.Null(access.Problem);
    }

    [Fact]
    public void OverageWithoutResolution_GivesNoGroupAccess_EvenWithGroupClaims()
    {
        var principal = Principal(Overage(), new Claim("groups", "Staff"), new Claim("groups", "HR"), new Claim("groups", "Engineering"));

        var identity = PortalClaims.ToExternalIdentity(principal, "groups", "roles");
        Assert.NotNull(identity.GroupResolutionProblem);

        var access = Resolve(principal);
        Assert.Empty(access.GroupIds);
        Assert.NotNull(access.Problem);
    }

    [Fact]
    public void OverageWithoutResolution_StillHonoursAppRoles()
    {
        var access = Resolve(Principal(Overage(), new Claim("groups", "HR"), new Claim("roles", "Engineers")));
        Assert.Equal([3], access.GroupIds); // from the app role, never from the unverified groups
    }

    [Fact]
    public void ImplicitFlowHasGroups_IsAnOverageToo()
    {
        var access = Resolve(Principal(new Claim("hasgroups", "true"), new Claim("groups", "HR")));
        Assert.Empty(access.GroupIds);
        Assert.NotNull(access.Problem);
    }

    [Fact]
    public void ResolvedOverage_MapsTheResolvedGroups()
    {
        var access = Resolve(Principal(Overage(), new Claim("groups", "HR"), new Claim(GroupOverage.ResolvedClaim, "true")));
        Assert.Equal([2], access.GroupIds);
        Assert.Null(access.Problem);
    }

    [Fact]
    public void FailedMarker_WinsOverResolvedMarker()
    {
        var access = Resolve(Principal(Overage(), new Claim("groups", "HR"),
            new Claim(GroupOverage.ResolvedClaim, "true"), new Claim(GroupOverage.FailedClaim, "true")));
        Assert.Empty(access.GroupIds);
    }

    [Fact]
    public void ResolvedMarkerSentByTheProvider_IsRemovedBeforeMapping()
    {
        // A token cannot vouch for itself: the sign-in pipeline strips marker claims before resolving.
        var principal = Principal(Overage(), new Claim("groups", "HR"), new Claim(GroupOverage.ResolvedClaim, "true"));
        GroupOverage.RemoveMarkers(principal);
        Assert.Empty(Resolve(principal).GroupIds);
    }

    [Fact]
    public void ClaimNamesWithoutGroups_IsNoOverage()
    {
        var access = Resolve(Principal(new Claim("_claim_names", """{"roles":"src2"}""", "JSON"), new Claim("groups", "Staff")));
        Assert.Equal([1], access.GroupIds);
        Assert.Null(access.Problem);
    }
}
