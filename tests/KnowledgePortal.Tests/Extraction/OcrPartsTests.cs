using KnowledgePortal.Core.Ingestion;
using KnowledgePortal.Core.Ingestion.Extraction;
using static KnowledgePortal.Tests.Extraction.ExtractionTestSupport;

namespace KnowledgePortal.Tests.Extraction;

/// <summary>The pure parts of OCR: tesseract's TSV, image headers, TIFF pages, the rendering resolution, the file's deadline.</summary>
public class OcrPartsTests
{
    private const string Header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n";

    [Fact]
    public void Parse_Tsv_ParagraphsInOrderWithLengthWeightedConfidence()
    {
        var tsv = Header +
                  "1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t\n" +
                  "5\t1\t1\t1\t1\t1\t0\t0\t10\t10\t90\tHappy\n" +
                  "5\t1\t1\t1\t1\t2\t0\t0\t10\t10\t60\tNew\n" +
                  "5\t1\t1\t1\t2\t1\t0\t0\t10\t10\t90\tYear\n" +
                  "5\t1\t1\t1\t2\t2\t0\t0\t10\t10\t30\t \n" +
                  "5\t1\t2\t1\t1\t1\t0\t0\t10\t10\t100\t勤務\n" +
                  "5\t1\t2\t1\t1\t2\t0\t0\t10\t10\t100\t時間\n";

        var page = OcrTsv.Parse(tsv);

        Assert.Equal(["Happy New Year", "勤務時間"], page.Paragraphs);
        // (90·5 + 60·3 + 90·4 + 100·2 + 100·2) / 16 characters; the empty word and the -1 rows do not count
        Assert.Equal((90 * 5 + 60 * 3 + 90 * 4 + 100 * 2 + 100 * 2) / 16.0, page.Confidence, 6);
        Assert.Equal(16, page.Characters);
    }

    [Fact]
    public void Parse_HyphenatedLineEnd_JoinsTheWordAsPdfTextDoes()
    {
        var tsv = Header + "5\t1\t1\t1\t1\t1\t0\t0\t1\t1\t95\tcre-\n" + "5\t1\t1\t1\t2\t1\t0\t0\t1\t1\t95\tativity\n";

        Assert.Equal(["creativity"], OcrTsv.Parse(tsv).Paragraphs);
    }

    [Fact]
    public void Parse_NothingRecognised_EmptyWithZeroConfidence()
    {
        var page = OcrTsv.Parse(Header + "1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t\n");

        Assert.Empty(page.Paragraphs);
        Assert.Equal(0, page.Confidence);
    }

    [Fact]
    public void Sizes_RenderedImages_MatchInPngAndJpegHeaders()
    {
        var pdf = Corpus("scan_image_only_ocr.pdf");

        var png = ImageHeader.PngSize(Scans.Render(pdf, 1, 72));
        var jpeg = ImageHeader.JpegSize(Scans.Render(pdf, 1, 72, Scans.Format.Jpeg));

        Assert.Equal(new ImageSize(792, 612), png);
        Assert.Equal(png, jpeg);
    }

    [Fact]
    public void Sizes_TruncatedOrForeignHeaders_AreNull()
    {
        Assert.Null(ImageHeader.PngSize(ImageBombs.Png()[..20]));
        Assert.Null(ImageHeader.JpegSize([0xFF, 0xD8, 0xFF, 0xDA, 0, 4, 0, 0]));
        Assert.Null(ImageHeader.PngSize("%PDF-1.4"u8));
        Assert.Null(TiffFile.Read([.. "II"u8, 42, 0, 0xFF, 0xFF, 0, 0], 10));
    }

    [Fact]
    public void Read_TiffWhoseDirectoriesLoop_IsDamagedNotEndless()
    {
        var tiff = Scans.Tiff((Scans.Render(Corpus("scan_image_only_ocr.pdf"), 1, 20, Scans.Format.Pgm), false));
        var file = TiffFile.Read(tiff, 10)!;
        var looped = tiff.ToArray();
        BitConverter.GetBytes((uint)file.Pages[0].Directory).CopyTo(looped, file.Pages[0].NextLink);

        Assert.Null(TiffFile.Read(looped, 10));
        Assert.True(TiffFile.Read(Scans.Tiff([.. Enumerable.Repeat((Scans.Render(Corpus("scan_image_only_ocr.pdf"), 1, 10, Scans.Format.Pgm), false), 3)]), 2)!.Truncated);
    }

    [Theory]
    [InlineData(612, 792, 300)] // US Letter: 2550 × 3300 = 8.4 MP
    [InlineData(14400, 14400, 50)] // 200 × 200 inches: lowered to stay within 100 MP
    public void Dpi_Page_IsTheSettingLoweredToThePixelLimit(double width, double height, int expected)
    {
        var dpi = PdfPageRenderer.Dpi(width, height, new ExtractionLimits());

        Assert.Equal(expected, dpi);
        Assert.True(width / 72 * dpi * (height / 72 * dpi) <= 100_000_000);
    }

    [Fact]
    public void Dpi_PageTooLargeEvenAtTheLowestResolution_IsNull()
    {
        Assert.Null(PdfPageRenderer.Dpi(200_000, 200_000, new ExtractionLimits()));
    }

    [Fact]
    public void Percent_ExtractingWithOcr_AdvancesPageByPageWithinTheExtractShare()
    {
        Assert.Equal(0, IngestionProgress.Percent(Core.Domain.JobStatus.Running, Core.Domain.IngestionSteps.None, 0, 0));
        Assert.Equal(IngestionProgress.ExtractShare * 0.3, IngestionProgress.Percent(Core.Domain.JobStatus.Running, Core.Domain.IngestionSteps.None, 0, 0, 3, 10), 6);
        Assert.Equal(IngestionProgress.ExtractShare, IngestionProgress.Percent(Core.Domain.JobStatus.Running, Core.Domain.IngestionSteps.Extract, 0, 0, 10, 10));
    }

    [Fact]
    public async Task Extend_OcrPagesAnnounced_GivesEachPageItsTime()
    {
        var limits = new ExtractionLimits { OcrPageTimeout = TimeSpan.FromSeconds(1) };
        using var deadline = new ExtractionDeadline(TimeSpan.FromMilliseconds(300), limits, CancellationToken.None);

        deadline.Extend(new OcrProgress(0, 2));
        await Task.Delay(800);

        Assert.False(deadline.Token.IsCancellationRequested);
        await Task.Delay(2500);
        Assert.True(deadline.Token.IsCancellationRequested);
    }
}
