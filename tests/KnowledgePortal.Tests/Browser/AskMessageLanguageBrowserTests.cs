using KnowledgePortal.Core.Answering;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.Playwright;

namespace KnowledgePortal.Tests.Browser;

/// <summary>Core's own replies ("not covered") are shown in the reader's language, live and from history, whatever the question's.</summary>
[Trait(TestTier.Name, TestTier.Browser)]
[Collection("portal")]
public class AskMessageLanguageBrowserTests(PortalFixture fixture)
{
    [Theory]
    [InlineData(1440, ColorScheme.Light)]
    [InlineData(390, ColorScheme.Dark)]
    public async Task Ask_EnglishQuestionNotCoveredInJapaneseUi_ShownInJapaneseLiveAndAfterReload(int width, ColorScheme scheme)
    {
        await fixture.WaitForDemoIndexedAsync();
        var page = await ThemeAndDeniedBrowserTests.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "staff", scheme, width, culture: "ja");
        await Infrastructure.Browser.GotoAsync(page, "/culture/set?culture=ja&redirectUri=/");
        var answer = await AskBrowserTests.AskAsync(page, "quantum chromodynamics lattice gauge theory");
        var japanese = AnswerComposer.NotCoveredText("ja", withheld: false);

        Assert.Equal(japanese, (await answer.Locator("[data-testid=answer-text]").InnerTextAsync()).Trim());
        Directory.CreateDirectory(ThemeAndDeniedBrowserTests.ShotDir);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ThemeAndDeniedBrowserTests.ShotDir, $"not-covered-ja-{width}-{scheme}.png") });

        // The stored reply is the English one; history shows it in Japanese to this reader, and in English after switching.
        await page.ReloadAsync();
        await Infrastructure.Browser.WaitInteractiveAsync(page);
        var reloaded = page.Locator("[data-testid=answer-text]").Last;
        Assert.Equal(japanese, (await reloaded.InnerTextAsync()).Trim());
        var session = new Uri(page.Url).AbsolutePath;
        await Infrastructure.Browser.GotoAsync(page, $"/culture/set?culture=en&redirectUri={Uri.EscapeDataString(session)}");
        Assert.Equal(AnswerComposer.NotCoveredText("en", withheld: false), (await page.Locator("[data-testid=answer-text]").Last.InnerTextAsync()).Trim());
        await page.ScreenshotAsync(new() { Path = Path.Combine(ThemeAndDeniedBrowserTests.ShotDir, $"not-covered-en-{width}-{scheme}.png") });
        await page.Context.CloseAsync();
    }
}
