using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Tests.Infrastructure;

namespace KnowledgePortal.Tests.Admin;

/// <summary>"Who can see this?" and "Why can't I?": the pure rules, then the same questions against the database.</summary>
[Trait(TestTier.Name, TestTier.Db)]
public class AccessExplanationTests
{
    private const int Staff = 1, Hr = 2, Engineering = 3;
    private static readonly GroupName[] Groups = [new(Staff, "Staff"), new(Hr, "HR"), new(Engineering, "Engineering")];

    private static DocumentAccessFacts Doc(int[]? restricted, params GrantFact[] grants) =>
        new(Guid.NewGuid(), "Pay scales", 7, "HR policies", grants, restricted);

    private static PortalUser User(string name, params int[] groups) =>
        new() { Id = name.Length, Subject = "dev:" + name, UserName = name, DisplayName = name, GroupIds = groups };

    [Fact]
    public void WhoCanSee_UnrestrictedDocument_CollectionGroupsReadWithRule()
    {
        var doc = Doc(null, new GrantFact(Hr, AccessLevel.Read));

        var result = AccessExplainer.WhoCanSee(doc, Groups, [User("staff", Staff), User("hr", Staff, Hr)]);

        var row = Assert.Single(result.Groups);
        Assert.True(row.CanRead);
        Assert.Equal(GroupReadRule.ViaCollection, row.Rule);
        Assert.Equal("HR: Read via collection HR policies", row.Explanation);
        var reader = Assert.Single(result.Users);
        Assert.Equal("hr", reader.UserName);
        Assert.Equal(["HR"], reader.ViaGroups);
        Assert.Equal([Hr], result.ReadableGroupIds);
        Assert.Null(result.RestrictedTo);
    }

    [Fact]
    public void WhoCanSee_RestrictedDocument_OtherGrantedGroupsNarrowedByRestriction()
    {
        var doc = Doc([Hr, Engineering], new GrantFact(Staff, AccessLevel.Manage), new GrantFact(Hr, AccessLevel.Read));

        var result = AccessExplainer.WhoCanSee(doc, Groups, [User("staff", Staff), User("hr", Staff, Hr), User("km", Staff, Engineering)]);

        var hr = result.Groups.Single(g => g.GroupId == Hr);
        Assert.True(hr.CanRead);
        Assert.Equal(GroupReadRule.ViaCollectionWithinRestriction, hr.Rule);
        var staff = result.Groups.Single(g => g.GroupId == Staff);
        Assert.False(staff.CanRead);
        Assert.Equal(GroupReadRule.NarrowedByRestriction, staff.Rule);
        Assert.Contains("narrowed by document restriction", staff.Explanation);
        var engineering = result.Groups.Single(g => g.GroupId == Engineering);
        Assert.False(engineering.CanRead);
        Assert.Equal(GroupReadRule.RestrictionWithoutGrant, engineering.Rule);
        Assert.Null(engineering.Level);
        Assert.Equal(["hr"], result.Users.Select(u => u.UserName));
        Assert.Equal([Hr], result.ReadableGroupIds);
        Assert.Equal(["Engineering", "HR"], result.RestrictedTo);
    }

    [Fact]
    public void WhoCanSee_ChunkAclDiffersFromRules_ReportsOutOfSyncAndEnforcedReaders()
    {
        var doc = Doc(null, new GrantFact(Hr, AccessLevel.Read));

        PortalUser[] users = [User("staff", Staff), User("hr", Staff, Hr)];

        var inSync = AccessExplainer.WhoCanSee(doc, Groups, users, 2, [[Hr]]);
        var stale = AccessExplainer.WhoCanSee(doc, Groups, users, 2, [[Hr], [Hr, Staff]]);

        Assert.True(inSync.ChunkAclInSync);
        Assert.Equal(["hr"], inSync.Users.Select(u => u.UserName));
        Assert.False(stale.ChunkAclInSync);
        // Known readers follow what retrieval enforces (the stored chunk ACL), so the stale grant to Staff shows.
        Assert.Equal(["hr", "staff"], stale.Users.Select(u => u.UserName));
    }

    [Fact]
    public void WhyCannot_StaffOnHrCollection_NamesGroupsAndCollectionReaders()
    {
        var result = AccessExplainer.WhyCannot(Doc(null, new GrantFact(Hr, AccessLevel.Manage)), User("staff", Staff), Groups);

        Assert.False(result.CanRead);
        Assert.Equal(WhyRule.NoCollectionGrant, result.Rule);
        Assert.Equal("staff is in Staff; HR policies is readable by HR only", result.Explanation);
        Assert.Equal(["Staff"], result.UserGroups);
        Assert.Equal(["HR"], result.CollectionReaders);
    }

    [Fact]
    public void WhyCannot_MemberOfReadingGroup_CanReadViaGroup()
    {
        var result = AccessExplainer.WhyCannot(Doc(null, new GrantFact(Hr, AccessLevel.Manage)), User("hr", Staff, Hr), Groups);

        Assert.True(result.CanRead);
        Assert.Equal(WhyRule.CanRead, result.Rule);
        Assert.Equal(["HR"], result.ViaGroups);
        Assert.Equal("hr can read \"Pay scales\", via group HR", result.Explanation);
    }

    [Fact]
    public void WhyCannot_GrantedGroupOutsideRestriction_NarrowedByRestriction()
    {
        var doc = Doc([Hr], new GrantFact(Staff, AccessLevel.Read), new GrantFact(Hr, AccessLevel.Manage));

        var result = AccessExplainer.WhyCannot(doc, User("staff", Staff), Groups);

        Assert.False(result.CanRead);
        Assert.Equal(WhyRule.NarrowedByRestriction, result.Rule);
        Assert.Equal("staff is in Staff; HR policies is readable by HR, Staff, but \"Pay scales\" is restricted to HR", result.Explanation);
        Assert.Equal(["HR"], result.RestrictedTo);
    }

    [Fact]
    public void WhyCannot_UserWithoutGroups_SaysNoGroupAtLastSignIn()
    {
        var result = AccessExplainer.WhyCannot(Doc(null, new GrantFact(Hr, AccessLevel.Read)), User("guest"), Groups);

        Assert.Equal(WhyRule.NoGroupsAtSignIn, result.Rule);
        Assert.StartsWith("guest was in no portal group at last sign-in", result.Explanation);
    }

    [Fact]
    public void WhyCannot_CollectionWithoutGrants_SaysNoReaders()
    {
        var result = AccessExplainer.WhyCannot(Doc(null), User("staff", Staff), Groups);

        Assert.Equal(WhyRule.NoCollectionGrant, result.Rule);
        Assert.Equal("staff is in Staff; HR policies has no readers (no group has a grant on it)", result.Explanation);
    }

    [Fact]
    public async Task WhoCanSeeAsync_HrDocument_ListsHrGroupAndKnownHrUser()
    {
        await using var world = await AdminWorld.CreateAsync("whocansee");

        var result = await world.Admin.WhoCanSeeAsync(world.AdminActor, world.PayDoc);

        Assert.NotNull(result);
        var row = Assert.Single(result.Groups);
        Assert.Equal("HR: Manage via collection HR policies", row.Explanation);
        Assert.Equal(["hr"], result.Users.Select(u => u.UserName));
        Assert.Equal(2, result.ChunkCount);
        Assert.True(result.ChunkAclInSync);
    }

    [Fact]
    public async Task WhyCannotAsync_StaffAndHrDocument_ExplainsDecidingRule()
    {
        await using var world = await AdminWorld.CreateAsync("whycannot");

        var staff = await world.Admin.WhyCannotAsync(world.AdminActor, world.Users["staff"], world.PayDoc);
        var hr = await world.Admin.WhyCannotAsync(world.AdminActor, world.Users["hr"], world.PayDoc);
        // The admin role gives no read access: the admin is in Staff and Engineering only.
        var admin = await world.Admin.WhyCannotAsync(world.AdminActor, world.Users["admin"], world.PayDoc);

        Assert.Equal("staff is in Staff; HR policies is readable by HR only", staff!.Explanation);
        Assert.True(hr!.CanRead);
        Assert.Equal(["HR"], hr.ViaGroups);
        Assert.False(admin!.CanRead);
        Assert.Equal("admin is in Engineering, Staff; HR policies is readable by HR only", admin.Explanation);
        Assert.Null(await world.Admin.WhyCannotAsync(world.AdminActor, 99_999, world.PayDoc));
    }

    [Fact]
    public async Task WhyCannotAsync_AfterRestriction_NamesTheRestriction()
    {
        await using var world = await AdminWorld.CreateAsync("whyrestrict");
        await world.Admin.RestrictDocumentAsync(world.AdminActor, world.HandbookDoc, [world.Hr]);

        var staff = await world.Admin.WhyCannotAsync(world.AdminActor, world.Users["staff"], world.HandbookDoc);

        Assert.Equal(WhyRule.NarrowedByRestriction, staff!.Rule);
        Assert.Equal("staff is in Staff; Company handbook is readable by Staff, but \"Travel policy\" is restricted to HR", staff.Explanation);
    }
}
