using System.Text;
using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Library;
using KnowledgePortal.Core.Retrieval;
using KnowledgePortal.Tests.Extraction;
using KnowledgePortal.Tests.Infrastructure;
using static KnowledgePortal.Tests.Ingestion.Integration.IngestionTestKit;

namespace KnowledgePortal.Tests.Ingestion.Integration;

/// <summary>
/// Scans and images through the real pipeline with OCR on (the extraction child process, progress on the job, the
/// confidence on the chunks and in the preview), and the hostile ones failing alone.
/// </summary>
[Trait(TestTier.Name, TestTier.Db)]
public class OcrIngestionTests
{
    private static readonly byte[] Note = Encoding.UTF8.GetBytes("Welcome to the company.\n\nBring your ID card on your first day.");

    [Fact]
    public async Task DrainQueueAsync_ScannedJapanesePdfAndPngImage_SearchableWithTheirPagesConfidence()
    {
        await using var services = await TestServices.StartAsync("ocrscan", new Dictionary<string, string?> { ["Ingestion:OcrEnabled"] = "true" });
        var km = await services.UserAsync("km");
        var handbook = await services.CollectionIdAsync(DemoData.Handbook);
        var scan = await services.UploadOkAsync(km, handbook, "denki-kitei-scan.pdf", Scans.ScannedPdf(Corpus("ja_regulation_text.pdf"), 300, 1));
        var image = await services.UploadOkAsync(km, handbook, "new-year-card.png", Scans.Render(Corpus("scan_image_only_ocr.pdf"), 1, 150));
        var text = await services.UploadOkAsync(km, handbook, "welcome-note.txt", Note);

        await services.DrainQueueAsync();

        foreach (var id in new[] { scan, image, text }) Assert.Equal(DocumentStatus.Ready, (await services.DocumentAsync(id)).Status);
        var job = Assert.Single(await services.JobsAsync(scan));
        Assert.Equal((1, 1), (job.OcrPagesDone, job.OcrPagesTotal));
        Assert.All(await services.ChunksAsync(scan), c => Assert.InRange(c.OcrConfidence!.Value, 70f, 100f));
        Assert.All(await services.ChunksAsync(text), c => Assert.Null(c.OcrConfidence));
        Assert.Equal("image/png", (await services.VersionsAsync(image)).Single().ContentType);

        var search = await services.Get<HybridRetriever>().SearchAsync(km, new SearchRequest("絶縁電線の取り扱い", TopK: 5));
        Assert.Contains(search.Passages, p => p.DocumentId == scan);
        var preview = await services.Get<DocumentLibrary>().PreviewAsync(km, image);
        Assert.All(preview, c => Assert.InRange(c.OcrConfidence!.Value, 80, 100));
        Assert.All(preview, c => Assert.False(c.LowOcrConfidence));
        Assert.Contains("Happy New Year", string.Join(" ", preview.Select(c => c.Text)));
    }

    [Fact]
    public async Task SeedDemoDocumentsAsync_OcrOn_ScannedMemoIsSeededAndSearchable()
    {
        await using var services = await TestServices.StartAsync("ocrdemo", new Dictionary<string, string?> { ["Ingestion:OcrEnabled"] = "true" });

        await services.Services.SeedDemoDocumentsAsync();
        await services.DrainQueueAsync();

        var staff = await services.UserAsync("staff");
        var search = await services.Get<HybridRetriever>().SearchAsync(staff, new SearchRequest("Where do visitors collect their badge?", TopK: 3));
        var hit = search.Passages.First();
        Assert.Equal(DemoScan.FileName, hit.FileName);
        Assert.Contains("VISITOR badge", hit.Text);
    }

    [Fact]
    public async Task PreviewAsync_PageBelowTheConfidenceSetting_IsFlaggedLow()
    {
        await using var services = await TestServices.StartAsync("ocrlow", new Dictionary<string, string?>
        {
            ["Ingestion:OcrEnabled"] = "true", ["Ingestion:OcrLowConfidence"] = "100",
        });
        var km = await services.UserAsync("km");
        var handbook = await services.CollectionIdAsync(DemoData.Handbook);
        var image = await services.UploadOkAsync(km, handbook, "new-year-card.jpg", Scans.Render(Corpus("scan_image_only_ocr.pdf"), 1, 150, Scans.Format.Jpeg));
        var text = await services.UploadOkAsync(km, handbook, "welcome-note.txt", Note);

        await services.DrainQueueAsync();

        var library = services.Get<DocumentLibrary>();
        Assert.All(await library.PreviewAsync(km, image), c => Assert.True(c.LowOcrConfidence));
        Assert.All(await library.PreviewAsync(km, text), c => Assert.False(c.LowOcrConfidence));
        Assert.Contains((await services.JobsAsync(image)).Single().Warnings!.Split('\n'), w => w.Contains("low confidence", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DrainQueueAsync_ImageBombAndHangingOcr_FailAloneWithTheirReasons()
    {
        var tesseract = ImageBombs.HangingTesseract();
        try
        {
            await using var services = await TestServices.StartAsync("ocrhostile", new Dictionary<string, string?>
            {
                ["Ingestion:OcrEnabled"] = "true", ["Ingestion:TesseractPath"] = tesseract, ["Ingestion:OcrPageTimeoutSeconds"] = "1",
            });
            var km = await services.UserAsync("km");
            var handbook = await services.CollectionIdAsync(DemoData.Handbook);
            var bomb = await services.UploadOkAsync(km, handbook, "bomb.png", ImageBombs.Png());
            var hang = await services.UploadOkAsync(km, handbook, "hangs-ocr.pdf", Corpus("scan_image_only_ocr.pdf"));
            var text = await services.UploadOkAsync(km, handbook, "welcome-note.txt", Note);

            await services.DrainQueueAsync();

            var bombed = await services.DocumentAsync(bomb);
            Assert.Equal((DocumentStatus.Failed, "Ingestion.ImageTooLarge"), (bombed.Status, bombed.FailureCode));
            Assert.Contains("100,000 × 100,000 pixels", bombed.FailureReason);
            var hung = await services.DocumentAsync(hang);
            Assert.Equal((DocumentStatus.Failed, "Ingestion.OcrTimeout"), (hung.Status, hung.FailureCode));
            Assert.Contains("Ingestion:OcrPageTimeoutSeconds", hung.FailureReason);
            Assert.Equal(DocumentStatus.Ready, (await services.DocumentAsync(text)).Status);
        }
        finally
        {
            File.Delete(tesseract);
        }
    }
}
