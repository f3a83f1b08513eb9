using KnowledgePortal.Tests.Infrastructure;

namespace KnowledgePortal.Tests.Admin;

/// <summary>Providers page with the real portal: a local endpoint defaults to On premises; "Test connection" says what happened.</summary>
[Collection("portal")]
[Trait(TestTier.Name, TestTier.Browser)]
public class ProviderConnectionBrowserTests(PortalFixture fixture)
{
    /// <summary>MudBlazor puts a field's test id on its input element.</summary>
    private static Microsoft.Playwright.ILocator Field(Microsoft.Playwright.ILocator form, string testId) => form.Locator($"input[data-testid={testId}]");

    /// <summary>What a MudSelect shows: its read-only input's value (and any text the field renders beside it).</summary>
    private static Task<string> SelectTextAsync(Microsoft.Playwright.IPage page, string testId) => page.EvaluateAsync<string>("""
        id => { const i = document.querySelector(`[data-testid=${id}]`); if (!i) return '';
                const root = i.closest('.mud-select') || i; return (i.value || '') + ' ' + root.textContent; }
        """, testId);

    [Fact]
    public async Task ProvidersPage_NewLocalProfile_DefaultsToOnPremisesAndTestConnectionReportsOkThenRefusedKey()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        var page = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "admin");
        try
        {
            await page.SetViewportSizeAsync(1440, 900);
            await Infrastructure.Browser.GotoAsync(page, "/admin/providers");
            await page.ClickAsync("[data-testid=provider-new]");
            var form = page.Locator("[data-testid=provider-form]");
            await Field(form, "provider-form-name").FillAsync("Local test model");
            await Field(form, "provider-form-model").FillAsync(FakeOpenAiServer.DefaultModel);
            Assert.Contains("Cloud", await SelectTextAsync(page, "provider-form-location"));

            await Field(form, "provider-form-endpoint").FillAsync(server.BaseUrl + "/v1");
            await Field(form, "provider-form-endpoint").PressAsync("Tab");
            for (var i = 0; i < 50 && !(await SelectTextAsync(page, "provider-form-location")).Contains("On premises"); i++) await Task.Delay(100);
            Assert.Contains("On premises", await SelectTextAsync(page, "provider-form-location"));

            await page.ClickAsync("[data-testid=provider-test]");
            var result = form.Locator("[data-testid=provider-test-result]");
            await result.Filter(new() { HasText = "Connected" }).WaitForAsync(new() { Timeout = 20_000 });
            Assert.Matches(@"answered in [\d.,<]+ ms", await result.InnerTextAsync());
            Assert.Single(server.ChatRequests);
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "kp-shots", "providers-test-ok.png") });

            server.AlwaysFailWith = 401;
            await page.ClickAsync("[data-testid=provider-test]");
            await result.Filter(new() { HasText = "refused the API key (HTTP 401)" }).WaitForAsync(new() { Timeout = 20_000 });
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "kp-shots", "providers-test-401.png") });
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
