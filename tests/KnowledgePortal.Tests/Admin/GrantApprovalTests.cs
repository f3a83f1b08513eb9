using System.Text;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion;
using KnowledgePortal.Core.Retrieval;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Tests.Admin;

/// <summary>Self-grants on Confidential collections wait for a manager of the collection; managers manage their collections' access.</summary>
[Trait(TestTier.Name, TestTier.Db)]
public sealed class GrantApprovalTests
{
    private static async Task<(TestServices Services, int Hr, int Staff, int HrGroup, int Engineering)> WorldAsync(string purpose)
    {
        var services = await TestServices.StartAsync(purpose);
        var hr = await services.CollectionIdAsync(DemoData.HrPolicies);
        await services.Get<DocumentIntake>().UploadAsync(await services.SystemAsync(), hr, "bands.txt",
            Encoding.UTF8.GetBytes("Salary bands.\n\nGrade G3 salary band tops out at 6.4 million yen."));
        await services.DrainQueueAsync();
        await using var db = services.Db.CreateContext();
        var ids = await db.Groups.ToDictionaryAsync(g => g.Name, g => g.Id);
        return (services, hr, ids["Staff"], ids["HR"], ids["Engineering"]);
    }

    [Fact]
    public async Task SetGrants_AdminGivesOwnGroupReadOnConfidential_PendingUntilCollectionManagerApproves()
    {
        var (services, hr, _, hrGroup, engineering) = await WorldAsync("selfgrant");
        await using var _ = services;
        var admin = await services.UserAsync("admin");
        var administration = services.Get<AccessAdministration>();

        var result = await administration.SetGrantsAsync(admin, hr, [(hrGroup, AccessLevel.Manage), (engineering, AccessLevel.Read)]);

        Assert.Equal(AdminErrors.PendingApproval, result.Error);
        var search = await services.Get<HybridRetriever>().SearchAsync(await services.UserAsync("admin"), new SearchRequest("salary band G3"));
        Assert.DoesNotContain(search.Passages, p => p.CollectionName == DemoData.HrPolicies);
        await using (var db = services.Db.CreateContext())
            Assert.All(await db.Chunks.Where(c => c.CollectionId == hr).ToListAsync(), c => Assert.Equal([hrGroup], c.AllowedGroupIds));

        // The requesting admin cannot approve it; nor can they see it as theirs to decide.
        Assert.Empty(await administration.PendingGrantRequestsAsync(admin));
        var requestId = Assert.Single(await administration.PendingGrantRequestsAsync(await services.UserAsync("hr"))).Id;
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => administration.DecideGrantChangeAsync(admin, requestId, approve: true));

        var approved = await administration.DecideGrantChangeAsync(await services.UserAsync("hr"), requestId, approve: true);

        Assert.True(approved.Succeeded, approved.Error);
        await using (var db = services.Db.CreateContext())
            Assert.All(await db.Chunks.Where(c => c.CollectionId == hr).ToListAsync(), c => Assert.Equal(new[] { hrGroup, engineering }.Order(), c.AllowedGroupIds));
        var history = await administration.GrantHistoryAsync(await services.UserAsync("hr"), hr);
        Assert.Contains(history, e => e.Action == "access-self-grant-requested" && e.Actor == "admin");
        Assert.Contains(history, e => e.Action == "access-self-grant-approved" && e.Actor == "hr");
    }

    [Fact]
    public async Task DecideGrantChange_Rejected_NothingChanges()
    {
        var (services, hr, _, hrGroup, engineering) = await WorldAsync("selfreject");
        await using var _ = services;
        var administration = services.Get<AccessAdministration>();
        await administration.SetGrantsAsync(await services.UserAsync("admin"), hr, [(hrGroup, AccessLevel.Manage), (engineering, AccessLevel.Read)]);
        var hrManager = await services.UserAsync("hr");
        var request = Assert.Single(await administration.PendingGrantRequestsAsync(hrManager));

        Assert.True((await administration.DecideGrantChangeAsync(hrManager, request.Id, approve: false)).Succeeded);

        Assert.Empty(await administration.PendingGrantRequestsAsync(hrManager));
        await using var db = services.Db.CreateContext();
        Assert.Equal([hrGroup], await db.CollectionAccess.Where(a => a.CollectionId == hr).Select(a => a.GroupId).ToListAsync());
        Assert.Single(await db.AuditEvents.Where(e => e.Action == "access-self-grant-rejected").ToListAsync());
    }

    [Fact]
    public async Task SetGrants_CollectionManager_ChangesOwnCollectionButNotOthers()
    {
        var (services, hr, staff, hrGroup, engineering) = await WorldAsync("mgrgrants");
        await using var _ = services;
        var administration = services.Get<AccessAdministration>();
        var hrManager = await services.UserAsync("hr");

        // HR decides: engineering may read HR policies (the HR manager is not in Engineering: no self-grant).
        var result = await administration.SetGrantsAsync(hrManager, hr, [(hrGroup, AccessLevel.Manage), (engineering, AccessLevel.Read)]);

        Assert.True(result.Succeeded, result.Error);
        await using (var db = services.Db.CreateContext())
            Assert.All(await db.Chunks.Where(c => c.CollectionId == hr).ToListAsync(), c => Assert.Contains(engineering, c.AllowedGroupIds));
        // A manager of the handbook and Engineering, not of HR policies, may not.
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() =>
            administration.SetGrantsAsync(services.UserAsync("km").Result, hr, [(hrGroup, AccessLevel.Manage), (staff, AccessLevel.Read)]));
    }
}
