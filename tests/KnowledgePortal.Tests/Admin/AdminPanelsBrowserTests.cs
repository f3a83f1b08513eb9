using KnowledgePortal.Core.Demo;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.Playwright;

namespace KnowledgePortal.Tests.Admin;

/// <summary>
/// The panels of the Collections and Groups pages open, show their rows and close. Read-only: nothing is saved, so
/// the shared portal keeps its demo state for the other browser tests.
/// </summary>
[Collection("portal")]
[Trait(TestTier.Name, TestTier.Browser)]
public class AdminPanelsBrowserTests(PortalFixture fixture)
{
    [Fact]
    public async Task CollectionsPage_AdminOpensEachPanel_FormGrantsDocumentsWhoCanSeeAndRestrictShowTheirRows()
    {
        await fixture.WaitForDemoIndexedAsync();
        var page = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "admin");
        try
        {
            await Infrastructure.Browser.GotoAsync(page, "/admin/collections");
            await page.Locator("[data-testid=collections-table]").WaitForAsync();

            await page.ClickAsync("[data-testid=collection-new]");
            var form = page.Locator("[data-testid=collection-form]");
            await form.GetByText("New collection").WaitForAsync();
            await form.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
            await form.WaitForAsync(new() { State = WaitForSelectorState.Detached });

            var hrRow = page.Locator("[data-testid=collections-table] tr").Filter(new() { HasText = DemoData.HrPolicies });
            await hrRow.Locator("[data-testid=collection-grants]").ClickAsync();
            var grants = page.Locator("[data-testid=grants-editor]");
            await grants.GetByText($"Access to {DemoData.HrPolicies}").WaitForAsync();
            Assert.Equal(3, await grants.Locator("[data-testid=grant-select]").CountAsync());
            Assert.Equal(0, await page.Locator("[data-testid=self-grant-warning]").CountAsync());
            await grants.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
            await grants.WaitForAsync(new() { State = WaitForSelectorState.Detached });

            await hrRow.Locator("[data-testid=collection-documents]").ClickAsync();
            var documents = page.Locator("[data-testid=documents-panel]");
            await documents.GetByText($"Documents in {DemoData.HrPolicies}").WaitForAsync();
            await documents.Locator("[data-testid=admin-document-row]").First.WaitForAsync();
            Assert.Equal(4, await documents.Locator("[data-testid=admin-document-row]").CountAsync());

            await documents.Locator("[data-testid=who-can-see]").First.ClickAsync();
            var who = page.Locator("[data-testid=who-can-see-result]");
            await who.WaitForAsync();
            var group = Assert.Single(await who.Locator("[data-testid=who-group]").AllInnerTextsAsync());
            Assert.Contains($"HR: Manage via collection {DemoData.HrPolicies}", group);

            await documents.Locator("[data-testid=restrict-document]").First.ClickAsync();
            var restrict = page.Locator("[data-testid=restrict-editor]");
            await restrict.WaitForAsync();
            Assert.Equal(0, await who.CountAsync());
            Assert.Equal(["HR"], (await restrict.Locator("label").AllInnerTextsAsync()).Select(t => t.Trim()));
            Assert.True(await restrict.Locator("[data-testid=restrict-save]").IsDisabledAsync());
            await restrict.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
            await restrict.WaitForAsync(new() { State = WaitForSelectorState.Detached });

            await documents.GetByRole(AriaRole.Button, new() { Name = "Close" }).First.ClickAsync();
            await documents.WaitForAsync(new() { State = WaitForSelectorState.Detached });
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task GroupsPage_AdminOpensDetailsAndAsksWhy_MappingShownAndTheHrRuleExplained()
    {
        await fixture.WaitForDemoIndexedAsync();
        var page = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "admin");
        try
        {
            await Infrastructure.Browser.GotoAsync(page, "/admin/groups");
            await page.Locator("[data-testid=groups-table]").WaitForAsync();
            Assert.Equal(["Engineering", "HR", "Staff"], (await page.Locator("[data-testid=admin-group-name]").AllInnerTextsAsync()).Select(n => n.Trim()));

            await page.ClickAsync("[data-testid=group-new]");
            var form = page.Locator("[data-testid=group-form]");
            await form.GetByText("New group").WaitForAsync();
            await form.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
            await form.WaitForAsync(new() { State = WaitForSelectorState.Detached });

            await page.Locator("[data-testid=groups-table] tr").Filter(new() { HasText = "Human resources" }).Locator("[data-testid=group-details]").ClickAsync();
            var details = page.Locator("[data-testid=group-details-panel]");
            await details.WaitForAsync();
            var mapping = Assert.Single(await details.Locator("[data-testid=group-mapping]").AllInnerTextsAsync());
            Assert.Contains("External group: HR", mapping);
            await details.GetByRole(AriaRole.Button, new() { Name = "Close" }).First.ClickAsync();
            await details.WaitForAsync(new() { State = WaitForSelectorState.Detached });

            var why = page.Locator("[data-testid=why-cannot]");
            await why.Locator(".mud-select").Filter(new() { Has = page.Locator("[data-testid=why-user]") }).First.ClickAsync();
            await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = "Admin Aoki" }).First.ClickAsync();
            await page.Locator(".mud-popover-open").WaitForAsync(new() { State = WaitForSelectorState.Detached });
            var document = why.Locator("input[data-testid=why-document], [data-testid=why-document] input").First;
            await document.FillAsync("salary-bands");
            await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = DemoData.HrPolicies }).First.ClickAsync();
            await why.Locator("[data-testid=why-explain]").ClickAsync();

            var result = why.Locator("[data-testid=why-result]");
            await result.WaitForAsync();
            Assert.Contains($"{DemoData.HrPolicies} is readable by HR only", await result.InnerTextAsync());
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
