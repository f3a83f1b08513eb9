using KnowledgePortal.Tests.Infrastructure;

namespace KnowledgePortal.Tests.Insights;

[Collection("portal")]
public class InsightsBrowserTests(PortalFixture fixture)
{
    [Fact]
    public async Task InsightsPage_AfterAdminAsks_ShowsChartAndQuestionCount()
    {
        var page = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "admin");
        try
        {
            await Infrastructure.Browser.GotoAsync(page, "/");
            await page.Locator("textarea[data-testid=question-input]").FillAsync("What should I bring on my first day?");
            await page.ClickAsync("[data-testid=ask-button]");
            // The thumbs appear once the answer is complete (and its usage recorded).
            await page.Locator("[data-testid=answer]").Last.Locator("[data-testid=thumb-up]").WaitForAsync(new() { Timeout = 90_000 });

            await Infrastructure.Browser.GotoAsync(page, "/admin/insights");
            await page.Locator("[data-testid=chart-questions] svg").First.WaitForAsync(new() { Timeout = 30_000 });
            Assert.True(await page.Locator("[data-testid=chart-cost] svg").CountAsync() > 0);
            var questions = (await page.Locator("[data-testid=insights-questions]").InnerTextAsync()).Replace(",", "").Trim();
            Assert.True(long.Parse(questions) >= 1, $"questions shown: {questions}");
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
}
