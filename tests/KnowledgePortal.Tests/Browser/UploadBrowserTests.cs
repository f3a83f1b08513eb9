using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Ingestion.Extraction;
using KnowledgePortal.Tests.Infrastructure;
using KnowledgePortal.Tests.Ingestion.Integration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace KnowledgePortal.Tests.Browser;

[Collection("portal")]
[Trait(TestTier.Name, TestTier.Browser)]
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
        var input = page.Locator("[data-testid=dropzone] input[type=file]");
        Assert.Equal(DocumentFormats.AcceptList, await input.GetAttributeAsync("accept"));
        await input.SetInputFilesAsync(files);

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

    private static readonly string Shots = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "shots-wt-docs")).FullName;

    private static ILocator Row(IPage page, string fileName) =>
        page.Locator("tr", new() { Has = page.GetByText(fileName, new() { Exact = true }) });

    [Fact]
    public async Task Documents_DuringUpload_ProgressShowsThenQueuedNoticeClearsAndTitleIsTheDocuments()
    {
        var page = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "km");
        try
        {
            await page.SetViewportSizeAsync(1440, 900);
            await Infrastructure.Browser.GotoAsync(page, "/documents");
            await page.ClickAsync($"[data-testid='open-{DemoData.Engineering}']");
            await page.Locator("[data-testid=documents-table] tbody tr").First.WaitForAsync();
            const string big = "progress-report.pdf";
            await page.Locator("[data-testid=dropzone] input[type=file]").SetInputFilesAsync(new FilePayload
            {
                Name = big, MimeType = "application/pdf", Buffer = IngestionTestKit.LargeTextPdf(120),
            });

            var row = Row(page, big);
            var notice = page.Locator("[data-testid=upload-result]").Filter(new() { HasText = big });
            await Assertions.Expect(notice).ToContainTextAsync("Queued for indexing");
            // Mid-upload: a working status with its bar, then a screenshot to look at.
            await Assertions.Expect(row.Locator("[data-testid=doc-status]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("Queued|Extracting|Chunking|Embedding"));
            await row.Locator(".mud-progress-linear").WaitForAsync();
            await page.ScreenshotAsync(new() { Path = Path.Combine(Shots, "documents-upload-1440.png"), FullPage = true });
            await page.SetViewportSizeAsync(390, 844);
            await page.ScreenshotAsync(new() { Path = Path.Combine(Shots, "documents-upload-390.png"), FullPage = true });
            await page.SetViewportSizeAsync(1440, 900);

            await Assertions.Expect(row.Locator("[data-testid=doc-status]")).ToHaveTextAsync("Ready", new() { Timeout = 120_000 });
            // The notice was news while the file was queued; once it is indexed it goes.
            await Assertions.Expect(notice).ToHaveCountAsync(0);
            // The title is the PDF's own (its Info dictionary), not the file name.
            await Assertions.Expect(row.Locator("[data-testid=doc-title-text]")).ToHaveTextAsync("Generated report, 120 pages");
            Assert.Equal(1, await row.Locator("[data-testid=doc-review]").CountAsync());

            // A manager renames it; the row shows the new title.
            await row.Locator("[data-testid=doc-edit-title]").ClickAsync();
            await page.Locator("input[data-testid=title-input], [data-testid=title-input] input").First.FillAsync("Operations review 2026");
            await page.ClickAsync("[data-testid=title-save]");
            await Assertions.Expect(row.Locator("[data-testid=doc-title-text]")).ToHaveTextAsync("Operations review 2026");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Documents_PasswordProtectedPdf_FailsWithItsReasonInEnglishAndJapaneseAndNoRunAgain()
    {
        const string locked = "locked-report.pdf";
        var page = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "km");
        try
        {
            await page.SetViewportSizeAsync(1440, 900);
            await Infrastructure.Browser.GotoAsync(page, "/documents");
            await page.ClickAsync($"[data-testid='open-{DemoData.Engineering}']");
            await page.Locator("[data-testid=documents-table] tbody tr").First.WaitForAsync();
            await page.Locator("[data-testid=dropzone] input[type=file]").SetInputFilesAsync(new FilePayload
            {
                Name = locked, MimeType = "application/pdf", Buffer = IngestionTestKit.Corpus("enc_user_pw_password.pdf"),
            });

            var row = Row(page, locked);
            await Assertions.Expect(row.Locator("[data-testid=doc-status]")).ToHaveTextAsync("Failed", new() { Timeout = 60_000 });
            await Assertions.Expect(row.Locator("[data-testid=doc-reason]")).ToContainTextAsync("password-protected");
            // Running it again would fail the same way; a never-indexed file has no review date either.
            Assert.Equal(0, await row.Locator("[data-testid=doc-retry]").CountAsync());
            Assert.Equal(0, await row.Locator("[data-testid=doc-review]").CountAsync());
            Assert.Equal(0, await row.Locator("[data-testid=review-next]").CountAsync());
            await AssertActionsOnOneLineAsync(row);
            await page.ScreenshotAsync(new() { Path = Path.Combine(Shots, "documents-failed-en-1440.png"), FullPage = true });
            await page.ClickAsync("button[aria-label='Light / dark theme']");
            await page.ScreenshotAsync(new() { Path = Path.Combine(Shots, "documents-failed-en-1440-dark.png"), FullPage = true });
            await page.ClickAsync("button[aria-label='Light / dark theme']");

            await row.Locator("button[aria-label='Preview extracted text']").ClickAsync();
            await Assertions.Expect(page.Locator("[data-testid=preview-failure]")).ToContainTextAsync("password-protected");
            await page.ScreenshotAsync(new() { Path = Path.Combine(Shots, "documents-failed-preview-en.png") });
            await page.Keyboard.PressAsync("Escape");
            await Assertions.Expect(page.Locator("[data-testid=preview-failure]")).ToHaveCountAsync(0);

            await page.SetViewportSizeAsync(390, 844);
            await AssertActionsOnOneLineAsync(row);
            await page.ScreenshotAsync(new() { Path = Path.Combine(Shots, "documents-failed-en-390.png"), FullPage = true });
        }
        finally
        {
            await page.Context.CloseAsync();
        }

        var ja = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "km", "ja");
        try
        {
            await ja.SetViewportSizeAsync(1440, 900);
            await Infrastructure.Browser.GotoAsync(ja, "/documents");
            await ja.ClickAsync($"[data-testid='open-{DemoData.Engineering}']");
            var row = Row(ja, locked);
            // Stored as a code with arguments, shown in the reader's language.
            await Assertions.Expect(row.Locator("[data-testid=doc-reason]")).ToContainTextAsync("パスワードで保護されています");
            Assert.DoesNotContain("password", await row.Locator("[data-testid=doc-reason]").InnerTextAsync());
            Assert.Equal(0, await row.Locator("[data-testid=doc-retry]").CountAsync());
            await ja.ScreenshotAsync(new() { Path = Path.Combine(Shots, "documents-failed-ja-1440.png"), FullPage = true });
            await ja.SetViewportSizeAsync(390, 844);
            await AssertActionsOnOneLineAsync(row);
            await ja.ScreenshotAsync(new() { Path = Path.Combine(Shots, "documents-failed-ja-390.png"), FullPage = true });
        }
        finally
        {
            await ja.Context.CloseAsync();
        }
    }

    /// <summary>All action icons of a row share one line: the same top, within a pixel.</summary>
    private static async Task AssertActionsOnOneLineAsync(ILocator row)
    {
        // Measured in one go, so a layout still settling after a resize cannot mix two states.
        var tops = await row.Locator("[data-testid=doc-actions]").EvaluateAsync<double[]>(
            "el => [...el.querySelectorAll('button, a')].map(b => b.getBoundingClientRect().top)");
        Assert.True(tops.Length >= 3, $"{tops.Length} action icons");
        Assert.True(tops.Max() - tops.Min() < 2, $"icons wrap: tops {string.Join(", ", tops)}");
    }
}
