using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Insights;
using KnowledgePortal.Tests.Infrastructure;

namespace KnowledgePortal.Tests.Admin;

/// <summary>One demo world for the read-only tests below (none of them changes it).</summary>
public sealed class AdminViewsFixture : IAsyncLifetime
{
    public AdminWorld World { get; private set; } = null!;
    public Guid RestrictedDoc { get; private set; }

    public async Task InitializeAsync()
    {
        World = await AdminWorld.CreateAsync("adminviews");
        await using var db = World.Db.CreateContext();
        RestrictedDoc = await AdminWorld.AddDocumentAsync(db, World.Handbook, "Board minutes");
        var restricted = await World.Admin.RestrictDocumentAsync(World.AdminActor, RestrictedDoc, [World.Staff]);
        Assert.True(restricted.Succeeded);
    }

    public async Task DisposeAsync() => await World.DisposeAsync();
}

/// <summary>What the admin pages read through <see cref="AccessAdministration"/> and the quality page through <see cref="InsightsQueries"/>.</summary>
[Trait(TestTier.Name, TestTier.Db)]
public class AdminViewsTests(AdminViewsFixture fixture) : IClassFixture<AdminViewsFixture>
{
    private AdminWorld World => fixture.World;

    [Fact]
    public async Task ListCollectionsAsync_Admin_EveryCollectionEvenUnreadableWithGrantsAndDocumentCounts()
    {
        var collections = await World.Admin.ListCollectionsAsync(World.AdminActor);

        Assert.Equal(new[] { DemoData.Handbook, DemoData.Engineering, DemoData.HrPolicies }.Order(), collections.Select(c => c.Name).Order());
        Assert.Equal(collections.Select(c => c.Name).Order(), collections.Select(c => c.Name));
        var hr = collections.Single(c => c.Id == World.HrPolicies);
        Assert.Equal(SensitivityLabel.Confidential, hr.Sensitivity);
        Assert.Equal(1, hr.Documents);
        var grant = Assert.Single(hr.Grants);
        Assert.Equal(("HR", AccessLevel.Manage), (grant.Group, grant.Level!.Value));
        Assert.Equal(2, collections.Single(c => c.Id == World.Handbook).Documents);
    }

    [Fact]
    public async Task AdminReads_KnowledgeManagerNotAdmin_Refused()
    {
        var manager = World.HrActor;
        var admin = World.Admin;

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => admin.ListCollectionsAsync(manager));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => admin.GrantsByGroupAsync(manager, World.HrPolicies));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => admin.ListDocumentsAsync(manager, World.HrPolicies, null, 10));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => admin.FindDocumentsAsync(manager, "Pay"));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => admin.CollectionNamesAsync(manager));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => admin.GroupNamesAsync(manager));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => admin.ListGroupsAsync(manager));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => admin.GroupDetailsAsync(manager, World.Hr));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => admin.ListUsersAsync(manager));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => admin.AuditNamesAsync(manager, []));
    }

    [Fact]
    public async Task GrantsByGroupAsync_Handbook_EveryGroupByNameWithOnlyStaffGranted()
    {
        var rows = await World.Admin.GrantsByGroupAsync(World.AdminActor, World.Handbook);

        Assert.Equal(["Engineering", "HR", "Staff"], rows.Select(r => r.Group));
        Assert.Equal([null, null, AccessLevel.Manage], rows.Select(r => r.Level));
        Assert.Equal(World.Staff, rows[2].GroupId);
    }

    [Fact]
    public async Task ListDocumentsAsync_Handbook_ByTitleWithRestrictionNamesAndMoreWhenCut()
    {
        var all = await World.Admin.ListDocumentsAsync(World.AdminActor, World.Handbook, null, 10);
        var cut = await World.Admin.ListDocumentsAsync(World.AdminActor, World.Handbook, null, 1);

        Assert.Equal(["Board minutes", "Travel policy"], all.Documents.Select(d => d.Title));
        Assert.False(all.More);
        Assert.Equal(["Staff"], all.Documents[0].RestrictedTo);
        Assert.Equal([World.Staff], all.Documents[0].RestrictedToGroupIds!);
        Assert.Null(all.Documents[1].RestrictedTo);
        Assert.Equal(["Board minutes"], cut.Documents.Select(d => d.Title));
        Assert.True(cut.More);
    }

    [Fact]
    public async Task ListDocumentsAsync_TitleFilter_MatchesLiterallyIgnoringCase()
    {
        var travel = await World.Admin.ListDocumentsAsync(World.AdminActor, World.Handbook, "TRAVEL", 10);
        var wildcard = await World.Admin.ListDocumentsAsync(World.AdminActor, World.Handbook, "%", 10);

        Assert.Equal(["Travel policy"], travel.Documents.Select(d => d.Title));
        Assert.Empty(wildcard.Documents);
    }

    [Fact]
    public async Task FindDocumentsAsync_Admin_FindsTheHrDocumentTheirGroupsCannotRead()
    {
        var found = await World.Admin.FindDocumentsAsync(World.AdminActor, "pay scales");
        var byFileName = await World.Admin.FindDocumentsAsync(World.AdminActor, "runbook.txt");

        var pay = Assert.Single(found);
        Assert.Equal((World.PayDoc, DemoData.HrPolicies), (pay.Id, pay.Collection));
        Assert.Equal([World.RunbookDoc], byFileName.Select(d => d.Id));
    }

    [Fact]
    public async Task CollectionAndGroupNamesAsync_Admin_EveryOneByName()
    {
        var collections = await World.Admin.CollectionNamesAsync(World.AdminActor);
        var groups = await World.Admin.GroupNamesAsync(World.AdminActor);

        Assert.Equal([DemoData.Handbook, DemoData.Engineering, DemoData.HrPolicies], collections.Select(c => c.Name));
        Assert.Equal(World.HrPolicies, collections[2].Id);
        Assert.Equal(["Engineering", "HR", "Staff"], groups.Select(g => g.Name));
    }

    [Fact]
    public async Task ListGroupsAsync_Admin_MappingsAndMembersAsOfLastSignIn()
    {
        var groups = await World.Admin.ListGroupsAsync(World.AdminActor);

        Assert.Equal(["Engineering", "HR", "Staff"], groups.Select(g => g.Name));
        Assert.Equal([2, 1, 4], groups.Select(g => g.Members));
        var mapping = Assert.Single(groups.Single(g => g.Id == World.Hr).Mappings);
        Assert.Equal((GroupMappingKind.ExternalGroup, "HR"), (mapping.Kind, mapping.Value));
    }

    [Fact]
    public async Task GroupDetailsAsync_Hr_ItsMappingAndTheHrManager()
    {
        var details = await World.Admin.GroupDetailsAsync(World.AdminActor, World.Hr);

        Assert.NotNull(details);
        Assert.Equal("HR", details.Name);
        Assert.Equal(["hr"], details.Members.Select(m => m.UserName));
        Assert.Single(details.Mappings);
        Assert.Null(await World.Admin.GroupDetailsAsync(World.AdminActor, -1));
    }

    [Fact]
    public async Task ListUsersAsync_Admin_EveryKnownUserByUserName()
    {
        var users = await World.Admin.ListUsersAsync(World.AdminActor);

        Assert.Equal(["admin", "hr", "km", "staff"], users.Select(u => u.UserName));
        Assert.Equal(World.Users["hr"], users[1].Id);
    }

    [Fact]
    public async Task QualityCollectionsAsync_ManagerAndAdmin_TheirScopeOnly()
    {
        var insights = new InsightsQueries(World.Db.Factory);

        var managed = await insights.CollectionsAsync(QualityScope.For(World.HrActor));
        var everything = await insights.CollectionsAsync(QualityScope.For(World.AdminActor));

        Assert.Equal([DemoData.HrPolicies], managed.Select(c => c.Name));
        Assert.Equal(3, everything.Count);
    }

    [Fact]
    public async Task QualityDocumentsAsync_CollectionOutsideTheScope_Nothing()
    {
        var insights = new InsightsQueries(World.Db.Factory);
        var hrScope = QualityScope.For(World.HrActor);

        Assert.Empty(await insights.DocumentsAsync(hrScope, World.EngineeringCollection));
        Assert.Equal([World.PayDoc], (await insights.DocumentsAsync(hrScope, World.HrPolicies)).Select(d => d.Id));
        Assert.Equal(["Board minutes", "Travel policy"],
            (await insights.DocumentsAsync(QualityScope.For(World.AdminActor), World.Handbook)).Select(d => d.Title));
    }
}
