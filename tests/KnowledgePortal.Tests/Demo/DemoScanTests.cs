using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Ingestion.Extraction;
using static KnowledgePortal.Tests.Extraction.ExtractionTestSupport;

namespace KnowledgePortal.Tests.Demo;

/// <summary>The demo's scanned memo: an image-only PDF made at seed time that only OCR can read.</summary>
public class DemoScanTests
{
    [Fact]
    public void TryBuild_WithPdftoppm_IsAnImageOnlyPdfThatOcrReads()
    {
        var scan = DemoScan.TryBuild(new ExtractionLimits());

        Assert.NotNull(scan);
        Assert.Equal((DemoData.Handbook, DemoScan.FileName), (scan.Collection, scan.FileName));
        AssertFails(ExtractionFailure.NoTextLayer, () => Extract(scan.Content, scan.FileName, new ExtractionLimits()));
        var text = AllText(Extract(scan.Content, scan.FileName, new ExtractionLimits { OcrEnabled = true }));
        Assert.Contains("red VISITOR badge", text);
        Assert.Contains("18F reception", text);
    }

    [Fact]
    public void TryBuild_Twice_SameBytesSoSeedingAgainQueuesNothing()
    {
        Assert.Equal(DemoScan.TryBuild(new ExtractionLimits())!.Content, DemoScan.TryBuild(new ExtractionLimits())!.Content);
    }

    [Fact]
    public void TryBuild_WithoutPdftoppm_IsNull()
    {
        Assert.Null(DemoScan.TryBuild(new ExtractionLimits { PdftoppmPath = "/nonexistent/pdftoppm" }));
    }
}
