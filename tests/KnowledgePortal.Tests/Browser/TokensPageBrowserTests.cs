using System.Net;
using KnowledgePortal.Core.Demo;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace KnowledgePortal.Tests.Browser;

/// <summary>The API tokens page at 1440 px: a token is shown once, works at once, and stops working when revoked; admins see everyone's.</summary>
[Collection("portal")]
[Trait(TestTier.Name, TestTier.Browser)]
public class TokensPageBrowserTests(PortalFixture fixture)
{
    private static ILocator Input(IPage page, string testId) => page.Locator($"input[data-testid={testId}], [data-testid={testId}] input").First;

    private HttpClient Bearer(string token) => fixture.Portal.BearerClient(token);

    [Fact]
    public async Task TokensPage_Create_ShownOnceWithMcpExample_ThenRevoke_StopsIt()
    {
        var name = $"laptop {Guid.NewGuid():N}"[..16];
        var page = await ThemeAndDeniedBrowserTests.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "hr", ColorScheme.Light, 1440);
        try
        {
            await page.ClickAsync("[data-testid=nav-tokens]");
            await page.WaitForURLAsync(u => u.EndsWith("/tokens"));
            await Infrastructure.Browser.WaitInteractiveAsync(page);
            await Input(page, "token-name").FillAsync(name);
            await Input(page, "token-scope-ask").ClickAsync(); // search only
            await Input(page, "token-days").FillAsync("5");
            await page.ClickAsync("[data-testid=token-create]");

            var secret = (await page.Locator("[data-testid=token-secret]").InnerTextAsync()).Trim();
            Assert.StartsWith("kpt_", secret);
            var example = await page.Locator("[data-testid=token-mcp-example]").InnerTextAsync();
            Assert.Contains($"\"url\": \"{fixture.Portal.BaseUrl}/mcp\"", example);
            Assert.Contains($"Bearer {secret}", example);
            var row = page.Locator("[data-testid=token-table] tr", new() { HasText = name });
            Assert.Contains("Active", await row.InnerTextAsync());
            Assert.Contains(secret[..12], await row.InnerTextAsync());
            Assert.Contains("search", await row.InnerTextAsync());
            await page.ScreenshotAsync(new() { Path = Path.Combine(ThemeAndDeniedBrowserTests.ShotDir, "tokens-created-1440.png"), FullPage = true });

            using (var http = Bearer(secret))
                Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/search?q=salary")).StatusCode);

            // Shown once: after a reload the page has the token's prefix only.
            await Infrastructure.Browser.GotoAsync(page, "/tokens");
            Assert.DoesNotContain(secret, await page.ContentAsync());
            Assert.Equal(0, await page.Locator("[data-testid=token-secret]").CountAsync());

            await page.Locator("[data-testid=token-table] tr", new() { HasText = name }).Locator("[data-testid=token-revoke]").ClickAsync();
            await Assertions.Expect(page.Locator("[data-testid=token-table] tr", new() { HasText = name }).Locator("[data-testid=token-row-status]"))
                .ToHaveTextAsync("Revoked");
            using (var http = Bearer(secret))
                Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/search?q=salary")).StatusCode);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task TokensPage_Admin_AllTokensPanel_ListsOthersTokens_StaffHasNoPanel()
    {
        var name = $"staff-script {Guid.NewGuid():N}"[..20];
        var staff = await ThemeAndDeniedBrowserTests.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "staff", ColorScheme.Light, 1440);
        var admin = await ThemeAndDeniedBrowserTests.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "admin", ColorScheme.Light, 1440);
        try
        {
            await Infrastructure.Browser.GotoAsync(staff, "/tokens");
            await Input(staff, "token-name").FillAsync(name);
            await staff.ClickAsync("[data-testid=token-create]");
            await staff.Locator("[data-testid=token-secret]").WaitForAsync();
            Assert.Equal(0, await staff.Locator("[data-testid=all-tokens-table]").CountAsync());

            await Infrastructure.Browser.GotoAsync(admin, "/tokens");
            var row = admin.Locator("[data-testid=all-tokens-table] tr", new() { HasText = name });
            Assert.Contains("staff", await row.InnerTextAsync());
            await row.Locator("[data-testid=token-revoke]").ClickAsync();
            await Assertions.Expect(row.Locator("[data-testid=token-row-status]")).ToHaveTextAsync("Revoked");
            await using var db = fixture.Db.CreateContext();
            var revocations = await db.AuditEvents.Where(e => e.Action == "api-token-revoke" && e.Actor == "admin").ToListAsync();
            Assert.Contains(revocations, e => e.Details!.Contains(name));
        }
        finally
        {
            await staff.Context.CloseAsync();
            await admin.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task SourcePage_HrPassage_HrReadsIt_StaffSeesNothingHere()
    {
        await fixture.WaitForDemoIndexedAsync();
        long chunkId;
        string title;
        await using (var db = fixture.Db.CreateContext())
        {
            var hr = await db.Collections.Where(c => c.Name == DemoData.HrPolicies).Select(c => c.Id).SingleAsync();
            var chunk = await db.Chunks.Where(c => c.CollectionId == hr).OrderBy(c => c.Id).FirstAsync();
            chunkId = chunk.Id;
            title = await db.Documents.Where(d => d.Id == chunk.DocumentId).Select(d => d.Title).SingleAsync();
        }
        var hrPage = await ThemeAndDeniedBrowserTests.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "hr", ColorScheme.Light, 1440);
        var staffPage = await ThemeAndDeniedBrowserTests.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "staff", ColorScheme.Light, 1440);
        try
        {
            await Infrastructure.Browser.GotoAsync(hrPage, $"/sources/{chunkId}");
            Assert.Contains(title, await hrPage.Locator("[data-testid=source-locator]").InnerTextAsync());
            Assert.False(string.IsNullOrWhiteSpace(await hrPage.Locator("[data-testid=source-passage]").InnerTextAsync()));

            await Infrastructure.Browser.GotoAsync(staffPage, $"/sources/{chunkId}");
            await staffPage.Locator("[data-testid=source-missing]").WaitForAsync();
            Assert.DoesNotContain(title, await staffPage.ContentAsync());
        }
        finally
        {
            await hrPage.Context.CloseAsync();
            await staffPage.Context.CloseAsync();
        }
    }
}
