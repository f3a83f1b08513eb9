using KnowledgePortal.Core.Demo;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace KnowledgePortal.Tests.Browser;

[Collection("portal")]
public class UploadBrowserTests(PortalFixture fixture)
{
    [Fact]
    public async Task Upload_KnowledgeManagerDropsThreeFiles_AllReachReady()
    {
        var page = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "km");
        await Infrastructure.Browser.GotoAsync(page, "/documents");
        await page.ClickAsync($"[data-testid='open-{DemoData.Engineering}']");
        // Three real files of three formats, under new names so they are new documents.
        var picks = DemoDocuments.All().Where(f => f.Collection == DemoData.Engineering)
            .GroupBy(f => Path.GetExtension(f.FileName)).Select(g => g.First()).Take(3).ToList();
        var files = picks.Select(f => new FilePayload
        {
            Name = "uploaded-" + f.FileName,
            MimeType = "application/octet-stream",
            Buffer = f.Content,
        }).ToArray();
        // The file input only reports files once the collection's documents have rendered and Blazor has wired it up.
        await page.Locator("[data-testid=documents-table] tbody tr").First.WaitForAsync();
        await page.Locator("[data-testid=dropzone] input[type=file]").SetInputFilesAsync(files);

        foreach (var f in files)
        {
            var row = page.Locator("tr", new() { Has = page.GetByText(f.Name, new() { Exact = true }) });
            await Assertions.Expect(row.Locator("[data-testid=doc-status]")).ToHaveTextAsync("Ready", new() { Timeout = 90_000 });
        }
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "kp-upload-km.png"), FullPage = true });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Documents_StaffOpensCollection_HasNoUploadArea()
    {
        var page = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "staff");
        await Infrastructure.Browser.GotoAsync(page, "/documents");
        await page.ClickAsync($"[data-testid='open-{DemoData.Handbook}']");
        await page.Locator("[data-testid=documents-table]").WaitForAsync();
        Assert.Equal(0, await page.Locator("[data-testid=dropzone]").CountAsync());
        await page.Context.CloseAsync();
    }
    [Fact]
    public async Task ReviewDate_ManagerMarksOverdueDocumentReviewed_FlagAndStaleListingClear()
    {
        await fixture.WaitForDemoIndexedAsync();
        const string fileName = "holiday-calendar-2026.xlsx";
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await using (var db = fixture.Db.CreateContext())
            await db.Documents.Where(d => d.FileName == fileName).ExecuteUpdateAsync(s => s.SetProperty(d => d.ReviewDue, today.AddDays(-2)));

        var page = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "km");
        try
        {
            await Infrastructure.Browser.GotoAsync(page, "/quality");
            Assert.Contains("Holiday calendar 2026", await page.Locator("[data-testid=insights-stale]").InnerTextAsync());

            await Infrastructure.Browser.GotoAsync(page, "/documents");
            await page.ClickAsync($"[data-testid='open-{DemoData.Handbook}']");
            var row = page.Locator("tr", new() { Has = page.GetByText(fileName, new() { Exact = true }) });
            await row.Locator("[data-testid=review-due]").WaitForAsync();
            await row.Locator("[data-testid=doc-review]").ClickAsync();
            await page.ClickAsync("[data-testid=review-mark]");

            // The handbook is reviewed yearly: the flag gives way to next year's date.
            await row.Locator("[data-testid=review-next]").WaitForAsync();
            Assert.Equal(0, await row.Locator("[data-testid=review-due]").CountAsync());
            await Infrastructure.Browser.GotoAsync(page, "/quality");
            Assert.DoesNotContain("Holiday calendar 2026", await page.Locator("[data-testid=insights-stale]").InnerTextAsync());
        }
        finally
        {
            await page.Context.CloseAsync();
        }
        await using (var db = fixture.Db.CreateContext())
            Assert.Equal(today.AddDays(365), await db.Documents.Where(d => d.FileName == fileName).Select(d => d.ReviewDue).SingleAsync());
    }
}
