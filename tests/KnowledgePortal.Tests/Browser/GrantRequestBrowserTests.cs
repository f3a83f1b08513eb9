using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace KnowledgePortal.Tests.Browser;

[Collection("portal")]
[Trait(TestTier.Name, TestTier.Browser)]
public class GrantRequestBrowserTests(PortalFixture fixture)
{
    [Fact]
    public async Task GrantRequest_HrManagerSeesAdminsSelfGrantOnHrPolicies_RejectsIt()
    {
        int requestId;
        await using (var db = fixture.Db.CreateContext())
        {
            var groups = await db.Groups.ToDictionaryAsync(g => g.Name, g => g.Id);
            var hr = await db.Collections.Where(c => c.Name == DemoData.HrPolicies).Select(c => c.Id).SingleAsync();
            var request = new PendingGrantChange
            {
                CollectionId = hr, RequestedBy = "admin", RequestedBySubject = "dev:admin", RequestedAt = DateTimeOffset.UtcNow,
                GroupIds = [groups["HR"], groups["Engineering"]], Levels = [(int)AccessLevel.Manage, (int)AccessLevel.Read],
                BeforeGroupIds = [groups["HR"]], BeforeLevels = [(int)AccessLevel.Manage],
            };
            db.PendingGrantChanges.Add(request);
            await db.SaveChangesAsync();
            requestId = request.Id;
        }

        var page = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "hr");
        await page.SetViewportSizeAsync(390, 844);
        await Infrastructure.Browser.GotoAsync(page, "/documents");
        var card = page.Locator("[data-testid=grant-request]");
        await Assertions.Expect(card).ToContainTextAsync("admin");
        await Assertions.Expect(card).ToContainTextAsync(DemoData.HrPolicies);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "kp-grant-request-390.png"), FullPage = true });
        await card.Locator("[data-testid=grant-reject]").ClickAsync();
        await Assertions.Expect(card).ToHaveCountAsync(0);
        await page.Context.CloseAsync();

        await using var check = fixture.Db.CreateContext();
        Assert.Equal(PendingGrantStatus.Rejected, (await check.PendingGrantChanges.SingleAsync(r => r.Id == requestId)).Status);
        // The staff member sees no such panel.
        var staff = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "staff");
        await Infrastructure.Browser.GotoAsync(staff, "/documents");
        await staff.Locator("[data-testid=collection-name]").First.WaitForAsync();
        Assert.Equal(0, await staff.Locator("[data-testid=grant-request]").CountAsync());
        await staff.Context.CloseAsync();
    }
}
