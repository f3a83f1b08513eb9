using KnowledgePortal.Tests.Infrastructure;
using Microsoft.Playwright;

namespace KnowledgePortal.Tests.Browser;

[Collection("portal")]
[Trait(TestTier.Name, TestTier.Browser)]
public class AskBrowserTests(PortalFixture fixture)
{
    internal static async Task<ILocator> AskAsync(IPage page, string question)
    {
        await Infrastructure.Browser.GotoAsync(page, "/");
        await page.Locator("textarea[data-testid=question-input]").FillAsync(question);
        await page.ClickAsync("[data-testid=ask-button]");
        var answer = page.Locator("[data-testid=answer]").Last;
        await answer.Locator("[data-testid=thumb-up]").WaitForAsync(new() { Timeout = 60_000 }); // shown once the answer is complete
        return answer;
    }

    [Fact]
    public async Task Ask_StaffQuestion_StreamsCitedAnswerWhoseSourceOpensAtItsPage()
    {
        await fixture.WaitForDemoIndexedAsync();
        var page = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "staff");
        var answer = await AskAsync(page, "What should I bring on my first day?");
        var text = await answer.Locator("[data-testid=answer-text]").InnerTextAsync();
        Assert.Contains("[1]", text);
        var chip = answer.Locator("[data-testid=citation-chip]").First;
        // Chips carry the document's own title (PDF Info Title), not the file-name slug.
        Assert.Contains("Welcome guide", await chip.InnerTextAsync());
        await chip.ClickAsync();
        var viewer = page.Locator("[data-testid=pdf-viewer]");
        await viewer.WaitForAsync();
        Assert.Matches(@"/api/documents/[0-9a-f-]+/file#page=\d+", await viewer.GetAttributeAsync("src"));
        Assert.Contains("p. ", await page.Locator("[data-testid=source-locator]").InnerTextAsync());
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "kp-ask-staff.png"), FullPage = true });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Ask_HrManagerAboutHrPolicy_GetsHrPassage()
    {
        await fixture.WaitForDemoIndexedAsync();
        var page = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "hr");
        var answer = await AskAsync(page, "How long can parental leave last?");
        var chips = await answer.Locator("[data-testid=citation-chip]").AllInnerTextsAsync();
        Assert.Contains(chips, c => c.Contains("Parental leave policy"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Ask_StaffAboutHrPolicy_GetsNoHrPassage()
    {
        await fixture.WaitForDemoIndexedAsync();
        var page = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "staff");
        var answer = await AskAsync(page, "How long can parental leave last?");
        var html = await answer.InnerHTMLAsync();
        // Neither the HR documents' titles nor their file names appear anywhere in the answer.
        foreach (var hrName in new[] { "parental-leave-policy", "salary-bands-2026", "performance-review-policy", "jinji-hyouka-kitei-ja",
                     "Parental leave policy", "Salary bands 2026", "Performance Review Policy", "人事評価規程" })
            Assert.DoesNotContain(hrName, html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("80% of your base salary", await page.ContentAsync());
        await page.Context.CloseAsync();
    }
}
