using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Retrieval;
using KnowledgePortal.Tests.Infrastructure;
using KnowledgePortal.Tests.Retrieval.Integration;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Tests.Admin;

/// <summary>"View as" tells an admin what ranks for another user, never the text of passages the admin may not read.</summary>
[Trait(TestTier.Name, TestTier.Db)]
public sealed class ViewAsSearchTests(DemoCorpusFixture fixture) : IClassFixture<DemoCorpusFixture>
{
    private TestServices Services => fixture.Services;

    /// <summary>The portal user row a sign-in leaves behind (groups as resolved then).</summary>
    private async Task<int> SignedInAsync(UserAccess user)
    {
        await using var db = Services.Db.CreateContext();
        var row = await db.Users.FirstOrDefaultAsync(u => u.Subject == user.UserId);
        if (row is null) db.Users.Add(row = new PortalUser { Subject = user.UserId, UserName = user.UserName, DisplayName = user.DisplayName });
        row.GroupIds = [.. user.GroupIds];
        await db.SaveChangesAsync();
        return row.Id;
    }

    [Fact]
    public async Task SearchAsync_AdminOutsideHrViewsAsHrManager_HrHitsWithTitleAndLocatorButNoText()
    {
        var admin = await Services.UserAsync("admin");
        var hr = await Services.UserAsync("hr");
        var hrUserId = await SignedInAsync(hr);
        await using var db = Services.Db.CreateContext();
        var hrCollection = await Services.CollectionIdAsync(DemoData.HrPolicies);
        var hrTexts = await db.Chunks.Where(c => c.CollectionId == hrCollection).Select(c => c.Text).ToListAsync();

        var result = await Services.Get<ViewAsSearch>().SearchAsync(admin, hrUserId, "salary band G3");

        Assert.Equal(hr.UserId, result.Target.UserId);
        var hrHits = result.Hits.Where(h => h.Collection == DemoData.HrPolicies).ToList();
        Assert.NotEmpty(hrHits); // the HR manager does get HR passages, so the tool still answers "what would they see"
        Assert.All(hrHits, h => { Assert.True(h.Withheld); Assert.Null(h.Snippet); Assert.NotEmpty(h.DocumentTitle); Assert.NotEmpty(h.Locator); });
        foreach (var hit in result.Hits.Where(h => !h.Withheld))
            Assert.DoesNotContain(hrTexts, t => t.StartsWith(hit.Snippet!.TrimEnd('…'), StringComparison.Ordinal));
        Assert.Contains("view-as", await db.AuditEvents.Where(a => a.Actor == admin.UserName).Select(a => a.Action).ToListAsync());
    }

    [Fact]
    public async Task SearchAsync_AdminViewsAsStaff_ShowsTextTheAdminCanReadToo()
    {
        var admin = await Services.UserAsync("admin");
        var staffUserId = await SignedInAsync(await Services.UserAsync("staff"));

        var result = await Services.Get<ViewAsSearch>().SearchAsync(admin, staffUserId, "annual leave days");

        Assert.NotEmpty(result.Hits);
        Assert.All(result.Hits, h => Assert.False(h.Withheld));
    }
}
