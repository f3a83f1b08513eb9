using KnowledgePortal.Core.Demo;
using KnowledgePortal.Tests.Infrastructure;

namespace KnowledgePortal.Tests.Admin;

[Collection("portal")]
[Trait(TestTier.Name, TestTier.Browser)]
public class AdminPagesBrowserTests(PortalFixture fixture)
{
    [Fact]
    public async Task CollectionsPage_Admin_SeesTheThreeDemoCollections()
    {
        var page = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "admin");
        try
        {
            await Infrastructure.Browser.GotoAsync(page, "/admin/collections");
            await page.Locator("[data-testid=collections-table]").WaitForAsync();
            await page.Locator("[data-testid=admin-collection-name]").Nth(2).WaitForAsync();

            var names = (await page.Locator("[data-testid=admin-collection-name]").AllInnerTextsAsync()).Select(n => n.Trim()).ToList();

            Assert.Equal(new[] { DemoData.Engineering, DemoData.Handbook, DemoData.HrPolicies }.Order(), names.Order());
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task CollectionsPage_Staff_IsRefusedAndSeesNoTable()
    {
        var page = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "staff");
        try
        {
            // The refusal is rendered without the interactive layout, so there is no interactivity marker to wait for.
            await page.GotoAsync("/admin/collections");
            await page.GetByText("You are not allowed to open this page.").WaitForAsync();

            Assert.Equal(0, await page.Locator("[data-testid=collections-table]").CountAsync());
            Assert.Equal(0, await page.Locator("[data-testid=admin-collection-name]").CountAsync());
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
