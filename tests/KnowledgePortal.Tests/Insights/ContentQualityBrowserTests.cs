using KnowledgePortal.Tests.Browser;
using KnowledgePortal.Tests.Infrastructure;

namespace KnowledgePortal.Tests.Insights;

[Collection("portal")]
[Trait(TestTier.Name, TestTier.Browser)]
public class ContentQualityBrowserTests(PortalFixture fixture)
{
    [Fact]
    public async Task QualityPage_FeedbackAndGapsFromThisTest_ShownToManagersWithinTheirCollections()
    {
        await fixture.WaitForDemoIndexedAsync();
        var marker = Guid.NewGuid().ToString("N")[..8];
        // Off-topic for every demo document (the retrieval tests assert it is not covered). The marker keeps it this test's
        // own: other browser tests on the same portal ask the bare phrase as staff, whose questions km may read in full.
        var gap = $"quantum chromodynamics lattice gauge theory {marker}";
        string hrAnswer;

        // The HR manager rates an HR answer down with a comment, and asks something no document covers.
        var hr = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "hr");
        try
        {
            var answer = await AskBrowserTests.AskAsync(hr, "How long can parental leave last?");
            hrAnswer = (await answer.Locator("[data-testid=answer-text]").InnerTextAsync()).Trim();
            await answer.Locator("[data-testid=thumb-down]").ClickAsync();
            await hr.Locator("textarea[data-testid=feedback-comment]").FillAsync($"Missing the 2027 rules {marker}");
            await hr.ClickAsync("[data-testid=feedback-send]");
            await AskBrowserTests.AskAsync(hr, gap);

            // HR curates HR policies and reads them: the feedback shows with its answer and sources.
            await WaitForRowAsync(hr, "insights-feedback", marker);
            var row = hr.Locator("[data-testid=insights-feedback] tr").Filter(new() { HasText = marker });
            Assert.Contains("parental leave policy", (await row.InnerTextAsync()).ToLowerInvariant());
            Assert.Equal(0, await row.Locator("[data-testid=feedback-hidden]").CountAsync());
            Assert.Contains(gap, await hr.Locator("[data-testid=insights-unanswered]").InnerTextAsync());
        }
        finally
        {
            await hr.Context.CloseAsync();
        }

        // The knowledge manager of the handbook and Engineering cannot read HR policies, which the asker could: HR's gap
        // and comment are listed redacted (a gap exists), never in words, and the HR answer and its sources not at all.
        var km = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "km");
        try
        {
            await Infrastructure.Browser.GotoAsync(km, "/quality");
            await km.Locator("[data-testid=insights-unanswered]").Filter(new() { HasText = "Hidden: asked by someone who can read collections you cannot" }).WaitForAsync();
            var page = await km.Locator("body").InnerTextAsync();
            Assert.DoesNotContain(gap, page);
            Assert.DoesNotContain(marker, page);
            Assert.DoesNotContain("parental-leave", page.ToLowerInvariant());
            Assert.DoesNotContain("parental leave policy", page.ToLowerInvariant());
            Assert.DoesNotContain(hrAnswer[..Math.Min(60, hrAnswer.Length)], await km.Locator("[data-testid=insights-feedback]").InnerTextAsync());
            foreach (var export in new[] { "/quality/unanswered.csv", "/quality/feedback.csv" })
            {
                var csv = await (await km.Context.APIRequest.GetAsync(export)).TextAsync();
                Assert.DoesNotContain(gap, csv);
                Assert.DoesNotContain(marker, csv);
            }
            await km.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "kp-quality-km.png"), FullPage = true });
        }
        finally
        {
            await km.Context.CloseAsync();
        }

        // Staff may not open the page.
        var staff = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "staff");
        try
        {
            // The page and the export send staff to "access denied".
            await staff.GotoAsync("/quality");
            await staff.WaitForURLAsync(u => u.Contains("/account/denied"));
            Assert.DoesNotContain(gap, await staff.ContentAsync());
            var csv = await staff.Context.APIRequest.GetAsync("/quality/unanswered.csv", new() { MaxRedirects = 0 });
            Assert.NotEqual(200, csv.Status);
        }
        finally
        {
            await staff.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task QualityPage_InJapanese_HeadingsAndHelpAreJapanese()
    {
        var page = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "hr", culture: "ja");
        try
        {
            await Infrastructure.Browser.GotoAsync(page, "/quality");
            await page.Locator("[data-testid=insights-unanswered]").WaitForAsync();
            Assert.Contains("コンテンツ品質", await page.Locator("h1").InnerTextAsync());
            var body = await page.Locator("body").InnerTextAsync();
            Assert.Contains("未回答の質問", body);
            Assert.Contains("管理しているコレクション", body);
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "kp-quality-ja.png"), FullPage = true });
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    /// <summary>Opens /quality until a row with <paramref name="text"/> appears (the answer's feedback is saved asynchronously).</summary>
    private static async Task WaitForRowAsync(Microsoft.Playwright.IPage page, string table, string text)
    {
        for (var attempt = 0; ; attempt++)
        {
            await Infrastructure.Browser.GotoAsync(page, "/quality");
            var rows = page.Locator($"[data-testid={table}] tr").Filter(new() { HasText = text });
            try
            {
                await rows.First.WaitForAsync(new() { Timeout = 5_000 });
                return;
            }
            catch (TimeoutException) when (attempt < 5)
            {
            }
        }
    }
}
