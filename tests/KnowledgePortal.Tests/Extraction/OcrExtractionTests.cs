using System.Diagnostics;
using KnowledgePortal.Core.Ingestion.Extraction;
using KnowledgePortal.Tests.Ingestion.Integration;
using static KnowledgePortal.Tests.Extraction.ExtractionTestSupport;

namespace KnowledgePortal.Tests.Extraction;

/// <summary>
/// OCR with the real tools (tesseract-ocr with jpn/eng, poppler-utils; installed by ./portal test): scans rendered in the
/// test from real text PDFs, the corpus's scanned PDF, images as documents, and the hostile cases failing alone.
/// </summary>
[Collection(ResourceMeasuringCollection.Name)]
public class OcrExtractionTests
{
    private static readonly Lazy<byte[]> EnglishScanPage = new(() => Scans.Render(Corpus("scan_image_only_ocr.pdf"), 1, 150, Scans.Format.Pgm));

    [Fact]
    public void Extract_ScannedJapanesePdf_RecognisesItsPhrasesWithConfidence()
    {
        // ja_regulation_text.pdf printed and scanned: its one page as an image-only PDF.
        var scan = Scans.ScannedPdf(Corpus("ja_regulation_text.pdf"), 300, 1);
        AssertFails(ExtractionFailure.NoTextLayer, () => Extract(scan, "scan.pdf", new ExtractionLimits()));

        var result = Extract(scan, "scan.pdf", Scans.Ocr);

        var text = AllText(result);
        Assert.Contains("電線接続端子", text);
        Assert.Contains("該当しない", text);
        Assert.Contains("ポリエチレン絶縁電線", text);
        Assert.All(result.Blocks, b => Assert.Equal(1, b.Locator.Page));
        Assert.All(result.Blocks, b => Assert.InRange(b.OcrConfidence!.Value, 70, 100));
        Assert.Contains(result.Warnings, w => w.StartsWith("1 page recognised by OCR", StringComparison.Ordinal));
        // Confident as horizontal text: the vertical model is not needed (and not kept).
        Assert.Equal("jpn+eng", OcrTestSupport.Reading(Scans.Render(Corpus("ja_regulation_text.pdf"), 1, 300), ".png").Languages);
    }

    [Fact]
    public void Extract_EnglishScanFromCorpus_RendersThePageAndReadsIt()
    {
        var result = Extract("scan_image_only_ocr.pdf", Scans.Ocr);

        Assert.Contains("Happy New Year 2003", AllText(result));
        Assert.Equal("pdf", result.DetectedType);
        Assert.InRange(Assert.Single(result.Blocks.Select(b => b.OcrConfidence).Distinct())!.Value, 80, 100);
    }

    [Fact]
    public void Extract_MixedPdf_RecognisesOnlyTheScannedPagesEachInItsPlace()
    {
        // scan, text, scan: the text page is read from its text layer, the two scans by OCR, and the blocks keep page order.
        var scan = Scans.ScannedPdf(Corpus("scan_image_only_ocr.pdf"), 150, 1);
        var text = MinimalPdf.Build((MinimalPdf.PageKind.Text, "Quarterly report: revenue grew in every region."));
        var mixed = Scans.Join(scan, text, scan);
        var progress = new List<OcrProgress>();

        var result = DocumentExtractor.Extract(mixed, "mixed.pdf", Scans.Ocr, CancellationToken.None, progress.Add);

        Assert.Equal(3, result.PageCount);
        Assert.Equal([1, 2, 3], result.Blocks.Select(b => b.Locator.Page!.Value).Distinct());
        Assert.All(result.Blocks.Where(b => b.Locator.Page == 2), b => Assert.Null(b.OcrConfidence));
        Assert.Contains("revenue grew", string.Join(" ", result.Blocks.Where(b => b.Locator.Page == 2).Select(b => b.Text)));
        Assert.All(result.Blocks.Where(b => b.Locator.Page != 2), b => Assert.NotNull(b.OcrConfidence));
        Assert.Contains("Happy New Year", string.Join(" ", result.Blocks.Where(b => b.Locator.Page == 3).Select(b => b.Text)));
        Assert.Equal([new OcrProgress(0, 2), new OcrProgress(1, 2), new OcrProgress(2, 2)], progress);
    }

    [Theory]
    [InlineData("scan.png", "png")]
    [InlineData("scan.jpg", "jpeg")]
    [InlineData("scan.tif", "tiff")]
    public void Extract_ImageFile_IsADocumentReadByOcr(string fileName, string detected)
    {
        var pdf = Corpus("scan_image_only_ocr.pdf");
        var image = detected switch
        {
            "png" => Scans.Render(pdf, 1, 150),
            "jpeg" => Scans.Render(pdf, 1, 150, Scans.Format.Jpeg),
            _ => Scans.Tiff((Scans.Render(pdf, 1, 150, Scans.Format.Pgm), false)),
        };

        var result = Extract(image, fileName, Scans.Ocr);

        Assert.Equal(detected, result.DetectedType);
        Assert.Equal(detected, FileSniffer.Detect(image, "no-extension"));
        Assert.Equal(1, result.PageCount);
        Assert.Contains("Happy New Year", AllText(result));
        Assert.All(result.Blocks, b => Assert.Equal(1, b.Locator.Page));
    }

    [Fact]
    public void Extract_MultiPageTiff_RecognisesEachPageAsItsOwnPageSkippingThumbnails()
    {
        var welcome = Scans.Render(IngestionTestKit.DemoBytes("welcome-guide.pdf"), 1, 150, Scans.Format.Pgm);
        var thumbnail = Scans.Render(IngestionTestKit.DemoBytes("api-style-guide.pdf"), 1, 20, Scans.Format.Pgm);
        var tiff = Scans.Tiff((EnglishScanPage.Value, false), (thumbnail, true), (welcome, false));
        var progress = new List<OcrProgress>();

        var result = DocumentExtractor.Extract(tiff, "fax.tiff", Scans.Ocr, CancellationToken.None, progress.Add);

        Assert.Equal(2, result.PageCount);
        Assert.Contains("Happy New Year", string.Join(" ", result.Blocks.Where(b => b.Locator.Page == 1).Select(b => b.Text)));
        Assert.Contains("Welcome to Contoso Japan", string.Join(" ", result.Blocks.Where(b => b.Locator.Page == 2).Select(b => b.Text)));
        Assert.Equal(new OcrProgress(2, 2), progress[^1]);
    }

    public static TheoryData<string, byte[], string> Bombs() => new()
    {
        { "bomb.png", ImageBombs.Png(), "100,000 × 100,000 pixels (10,000 megapixels)" },
        { "bomb.jpg", ImageBombs.Jpeg(), "65,535 × 65,535 pixels (4,295 megapixels)" },
        { "bomb.tif", ImageBombs.Tiff(), "100,000 × 100,000 pixels (10,000 megapixels)" },
    };

    [Theory]
    [MemberData(nameof(Bombs))]
    public void Extract_ImageHeaderClaimingHugeDimensions_FailsTooLargeBeforeDecoding(string fileName, byte[] bomb, string expected)
    {
        var clock = Stopwatch.StartNew();

        var ex = AssertFails(ExtractionFailure.TooLarge, () => Extract(bomb, fileName, Scans.Ocr));

        Assert.Equal("Ingestion.ImageTooLarge", ex.Detail.Code);
        Assert.Contains(expected, ex.Message);
        Assert.Contains("the limit is 100 megapixels (Ingestion:MaxImageMegapixels)", ex.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Extract_ImageWithOcrOff_FailsSayingOcrIsNeeded()
    {
        var png = Scans.Render(Corpus("scan_image_only_ocr.pdf"), 1, 50);

        var ex = AssertFails(ExtractionFailure.NoTextLayer, () => Extract(png, "scan.png", new ExtractionLimits()));

        Assert.Equal("Ingestion.ImageNeedsOcr", ex.Detail.Code);
    }

    [Fact]
    public void Extract_OcrThatHangs_StopsAfterThePageTimeAndFailsWithThatReason()
    {
        var tesseract = ImageBombs.HangingTesseract();
        try
        {
            var limits = Scans.Ocr with { TesseractPath = tesseract, OcrPageTimeout = TimeSpan.FromSeconds(1) };
            var clock = Stopwatch.StartNew();

            var ex = AssertFails(ExtractionFailure.Timeout, () => Extract("scan_image_only_ocr.pdf", limits));

            Assert.Equal("Ingestion.OcrTimeout", ex.Detail.Code);
            Assert.Contains("longer than 1 s (Ingestion:OcrPageTimeoutSeconds)", ex.Message);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
            Assert.Empty(IngestionBoundsTests.ChildProcesses(tesseract));
        }
        finally
        {
            File.Delete(tesseract);
        }
    }

    [Fact]
    public void Extract_ScanWithOcr_LeavesNoTemporaryFiles()
    {
        var before = OcrFolders();

        Extract("scan_image_only_ocr.pdf", Scans.Ocr);

        Assert.Equal(before, OcrFolders());
    }

    private static HashSet<string> OcrFolders() => Directory.GetDirectories(Path.GetTempPath(), "kp-ocr-*").ToHashSet();
}
