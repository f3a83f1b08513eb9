using KnowledgePortal.Tests.Infrastructure;

namespace KnowledgePortal.Tests.Browser;

[Collection("portal")]
[Trait(TestTier.Name, TestTier.Browser)]
public class SignInBrowserTests(PortalFixture fixture)
{
    private async Task<IReadOnlyList<string>> VisibleCollectionsAsync(string user)
    {
        var page = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, user);
        await Infrastructure.Browser.GotoAsync(page, "/documents");
        await page.Locator("[data-testid=collection-name]").First.WaitForAsync();
        var names = await page.Locator("[data-testid=collection-name]").AllInnerTextsAsync();
        await page.Context.CloseAsync();
        return names.Select(n => n.Trim()).ToList();
    }

    [Fact]
    public async Task DevSignIn_HrManager_SeesHandbookAndHrPoliciesButNotEngineering()
    {
        var names = await VisibleCollectionsAsync("hr");
        Assert.Contains("Company handbook", names);
        Assert.Contains("HR policies", names);
        Assert.DoesNotContain("Engineering", names);
    }

    [Fact]
    public async Task DevSignIn_Staff_SeesOnlyHandbook()
    {
        var names = await VisibleCollectionsAsync("staff");
        Assert.Equal(["Company handbook"], names);
    }

    [Fact]
    public async Task UnauthenticatedVisit_AnyPage_RedirectsToSignIn()
    {
        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.Portal.BaseUrl });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/documents");
        Assert.Contains("/account/signin", page.Url);
        await context.CloseAsync();
    }

    [Fact]
    public async Task CultureSwitch_Japanese_ShowsJapaneseNavigation()
    {
        var page = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "staff");
        await Infrastructure.Browser.GotoAsync(page, "/culture/set?culture=ja&redirectUri=/documents");
        await page.GetByText("閲覧できるコレクション").WaitForAsync();
        await page.Context.CloseAsync();
    }
}
