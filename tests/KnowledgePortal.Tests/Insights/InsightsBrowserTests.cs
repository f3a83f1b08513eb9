using KnowledgePortal.Tests.Infrastructure;

namespace KnowledgePortal.Tests.Insights;

[Collection("portal")]
[Trait(TestTier.Name, TestTier.Browser)]
public class InsightsBrowserTests(PortalFixture fixture)
{
    [Fact]
    public async Task InsightsPage_AfterAdminAsks_ShowsChartAndQuestionCount()
    {
        var page = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "admin");
        try
        {
            await fixture.WaitForDemoIndexedAsync();
            var before = await QuestionsShownAsync(page);
            // The thumbs appear once the answer is complete (and its usage recorded).
            await Browser.AskBrowserTests.AskAsync(page, "What should I bring on my first day?");
            await Browser.AskBrowserTests.AskAsync(page, "Where do I find the Wi-Fi password?");

            var after = await QuestionsShownAsync(page);
            Assert.Equal(before + 2, after);
            // The questions-per-day chart has a bar for today, drawn from the questions above.
            Assert.True(await page.Locator("[data-testid=chart-questions] svg rect, [data-testid=chart-questions] svg path").CountAsync() > 0);
            Assert.True(await page.Locator("[data-testid=chart-cost] svg").CountAsync() > 0);
            // The cost and token charts can be broken down by group instead of provider.
            await page.Locator("[data-testid=insights-chart-by] >> text=Group").ClickAsync();
            await page.Locator("[data-testid=chart-cost] .mud-chart-legend-item, [data-testid=chart-cost] .mud-chart-legend").Filter(new() { HasText = "Staff" }).First
                .WaitForAsync(new() { Timeout = 30_000 });
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "kp-insights.png"), FullPage = true });
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private static async Task<long> QuestionsShownAsync(Microsoft.Playwright.IPage page)
    {
        await Infrastructure.Browser.GotoAsync(page, "/admin/insights");
        // An empty period shows text instead of a chart; either way the question count is there.
        await page.Locator("[data-testid=chart-questions] svg, [data-testid=chart-questions] [data-testid=chart-empty]").First.WaitForAsync(new() { Timeout = 30_000 });
        return long.Parse((await page.Locator("[data-testid=insights-questions]").InnerTextAsync()).Replace(",", "").Trim());
    }
}
