using System.Text;
using KnowledgePortal.Core.Ingestion.Extraction;
using static KnowledgePortal.Tests.Extraction.ExtractionTestSupport;

namespace KnowledgePortal.Tests.Extraction;

/// <summary>Measures allocation and CPU of the whole process, so nothing else may run beside these tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ResourceMeasuringCollection
{
    public const string Name = "resource-measuring";
}

[Collection(ResourceMeasuringCollection.Name)]
public class IngestionBoundsExtractionTests
{
    [Fact]
    public void Extract_PdfWithSmallFlateStream_ReadsText()
    {
        var pdf = HostileFiles.FlateBombPdf(8 * 1024 * 1024, "Quarterly report");

        var result = Extract(pdf, "report.pdf");

        Assert.Contains("Quarterly report", AllText(result));
    }

    [Fact]
    public void Extract_PdfWithTwoGigabyteFlateStream_FailsTooLargeWithBoundedAllocation()
    {
        var bomb = HostileFiles.FlateBombPdf(2 * HostileFiles.Gibibyte);
        Assert.True(bomb.Length < 3 * 1024 * 1024, $"bomb is {bomb.Length} bytes");

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var ex = AssertFails(ExtractionFailure.TooLarge, () => Extract(bomb, "bomb.pdf"));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        Assert.Contains("decompressed", ex.Message);
        Assert.Contains("Ingestion:MaxPdfStreamMegabytes", ex.Message);
        // Far below the 2 GiB the stream inflates to, and below the per-stream cap too: the check inflates into a
        // small reused buffer and the stream is refused before PdfPig materialises it.
        Assert.True(allocated < 64L * 1024 * 1024, $"allocated {allocated / (1024 * 1024)} MB");
    }

    [Fact]
    public void Extract_PdfStreamOverConfiguredCap_FailsTooLarge()
    {
        var pdf = HostileFiles.FlateBombPdf(8 * 1024 * 1024);

        var ex = AssertFails(ExtractionFailure.TooLarge,
            () => Extract(pdf, "report.pdf", new ExtractionLimits { MaxPdfStreamBytes = 4 * 1024 * 1024 }));

        Assert.Contains("more than 4 MB", ex.Message);
    }

    [Fact]
    public void Extract_PdfStreamsOverDocumentTotal_FailsTooLarge()
    {
        var pdf = HostileFiles.FlateBombPdf(8 * 1024 * 1024);

        var ex = AssertFails(ExtractionFailure.TooLarge,
            () => Extract(pdf, "report.pdf", new ExtractionLimits { MaxUncompressedBytes = 4 * 1024 * 1024 }));

        Assert.Contains("decompressed", ex.Message);
        Assert.Contains("Ingestion:MaxUncompressedMegabytes", ex.Message);
    }

    [Fact]
    public void Extract_DocxWithDoctypeAfterLongComment_FailsMalicious()
    {
        var docx = HostileFiles.WithLateDoctype(DocxExtractionTests.GeneratedDocx(), paddingBytes: 200_000);

        var ex = AssertFails(ExtractionFailure.Malicious, () => Extract(docx, "late-dtd.docx"));

        Assert.Contains("DTD", ex.Message);
        Assert.Contains("word/document.xml", ex.Message);
    }

    [Theory]
    [InlineData("utf-8")]
    [InlineData("utf-16")]
    [InlineData("utf-16BE")]
    public void XmlDtdSniffer_DoctypeSplitAcrossEveryBoundary_Found(string encoding)
    {
        var bytes = Encoding.GetEncoding(encoding).GetBytes(new string('x', 50) + "<!DOCTYPE a []><a/>");
        for (var split = 1; split < bytes.Length; split++)
        {
            var sniffer = new XmlDtdSniffer();
            var found = sniffer.Feed(bytes.AsSpan(0, split)) | sniffer.Feed(bytes.AsSpan(split));
            Assert.True(found, $"{encoding}, split at {split}");
        }
    }

    [Fact]
    public void XmlDtdSniffer_EntityDeclarationInSmallReads_Found()
    {
        var bytes = Encoding.UTF8.GetBytes("<?xml version=\"1.0\"?><!-- pad --><!ENTITY x \"y\">");
        var sniffer = new XmlDtdSniffer();
        var found = false;
        foreach (var b in bytes) found |= sniffer.Feed([b]);
        Assert.True(found);
    }

    [Fact]
    public void XmlDtdSniffer_OrdinaryPart_NotFound()
    {
        var bytes = Encoding.UTF8.GetBytes("<?xml version=\"1.0\"?><w:document><w:t>&lt;!DOCTYPE html&gt; is text</w:t></w:document>");
        var sniffer = new XmlDtdSniffer();
        Assert.False(sniffer.Feed(bytes.AsSpan(0, 30)) | sniffer.Feed(bytes.AsSpan(30)));
    }
}
