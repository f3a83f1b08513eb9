using KnowledgePortal.Tests.Infrastructure;

namespace KnowledgePortal.Tests.Admin;

/// <summary>Providers page with the real portal: a local endpoint defaults to On premises; "Test connection" says what happened.</summary>
[Collection("portal")]
public class ProviderConnectionBrowserTests(PortalFixture fixture)
{
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
            await form.Locator("[data-testid=provider-form-name] input").FillAsync("Local test model");
            await form.Locator("[data-testid=provider-form-model] input").FillAsync(FakeOpenAiServer.DefaultModel);
            var location = form.Locator("[data-testid=provider-form-location]");
            Assert.Contains("Cloud", await location.InnerTextAsync());

            await form.Locator("[data-testid=provider-form-endpoint] input").FillAsync(server.BaseUrl + "/v1");
            await form.Locator("[data-testid=provider-form-endpoint] input").PressAsync("Tab");
            await location.Filter(new() { HasText = "On premises" }).WaitForAsync(new() { Timeout = 5_000 });

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
