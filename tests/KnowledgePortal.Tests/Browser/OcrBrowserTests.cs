using KnowledgePortal.Core.Demo;
using KnowledgePortal.Tests.Extraction;
using KnowledgePortal.Tests.Infrastructure;
using KnowledgePortal.Tests.Ingestion.Integration;
using Microsoft.Playwright;

namespace KnowledgePortal.Tests.Browser;

/// <summary>The Documents page while a scan is read page by page, and the preview of what OCR recognised.</summary>
[Collection("portal-ocr")]
[Trait(TestTier.Name, TestTier.Browser)]
public class OcrBrowserTests(OcrPortalFixture fixture)
{
    [Fact]
    public async Task Documents_ScannedUpload_ShowsOcrPageProgressThenConfidenceInThePreview()
    {
        await fixture.WaitForDemoIndexedAsync();
        var page = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "km");
        try
        {
            await Infrastructure.Browser.GotoAsync(page, "/documents");
            await page.ClickAsync($"[data-testid='open-{DemoData.Handbook}']");
            await page.Locator("[data-testid=documents-table] tbody tr").First.WaitForAsync();
            // The demo's scanned memo was read at start: a newcomer finds it indexed like the others.
            var memo = page.Locator("tr", new() { Has = page.GetByText(DemoScan.FileName, new() { Exact = true }) });
            await Assertions.Expect(memo.Locator("[data-testid=doc-status]")).ToHaveTextAsync("Ready");

            // Five scanned pages: seconds each, so the row says which page OCR is on.
            var scan = Scans.Join(Scans.ScannedPdf(IngestionTestKit.DemoBytes("api-style-guide.pdf"), 200, 1, 2, 3),
                Scans.ScannedPdf(IngestionTestKit.DemoBytes("welcome-guide.pdf"), 200, 1, 2));
            await page.Locator("[data-testid=dropzone] input[type=file]").SetInputFilesAsync(new FilePayload
            {
                Name = "scanned-guides.pdf", MimeType = "application/pdf", Buffer = scan,
            });
            var row = page.Locator("tr", new() { Has = page.GetByText("scanned-guides.pdf", new() { Exact = true }) });
            await Assertions.Expect(row.Locator("[data-testid=doc-ocr-progress]")).ToContainTextAsync(new System.Text.RegularExpressions.Regex("OCR page [1-5] of 5"),
                new() { Timeout = 60_000 });
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "kp-ocr-progress.png"), FullPage = true });
            await Assertions.Expect(row.Locator("[data-testid=doc-status]")).ToHaveTextAsync("Ready", new() { Timeout = 120_000 });
            Assert.Equal(0, await row.Locator("[data-testid=doc-ocr-progress]").CountAsync());

            await row.Locator("button[aria-label='Preview extracted text']").ClickAsync();
            var flag = page.Locator("[data-testid=chunk-ocr-low]").First;
            await flag.WaitForAsync();
            Assert.Matches("Recognised by OCR with low confidence \\(\\d+%\\)", await flag.InnerTextAsync());
            Assert.Contains("cursor", await page.Locator(".mud-dialog").InnerTextAsync(), StringComparison.OrdinalIgnoreCase);
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "kp-ocr-preview.png"), FullPage = true });
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
