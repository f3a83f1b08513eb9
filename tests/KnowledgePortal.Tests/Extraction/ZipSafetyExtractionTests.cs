using System.IO.Compression;
using System.Text;
using KnowledgePortal.Core.Ingestion.Extraction;
using static KnowledgePortal.Tests.Extraction.ExtractionTestSupport;

namespace KnowledgePortal.Tests.Extraction;

public class ZipSafetyExtractionTests
{
    private const string DocxContentTypes =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">" +
        "<Default Extension=\"xml\" ContentType=\"application/xml\"/>" +
        "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";

    [Fact]
    public void Extract_ZipBombEntry_FailsZipBombBeforeInflating()
    {
        var bomb = BuildZip(zip =>
        {
            AddText(zip, "[Content_Types].xml", DocxContentTypes);
            var entry = zip.CreateEntry("word/document.xml", CompressionLevel.Optimal);
            using var s = entry.Open();
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 200; i++) s.Write(zeros);
        });
        Assert.True(bomb.Length < 2 * 1024 * 1024, $"bomb is {bomb.Length} bytes");

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var ex = AssertFails(ExtractionFailure.ZipBomb, () => Extract(bomb, "bomb.docx"));

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore < 50L * 1024 * 1024);
        Assert.Contains("zip bomb", ex.Message);
        Assert.Contains("word/document.xml", ex.Message);
    }

    [Fact]
    public void Extract_TotalUncompressedOverLimit_FailsZipBomb()
    {
        var zipped = BuildZip(zip =>
        {
            AddText(zip, "[Content_Types].xml", DocxContentTypes);
            AddText(zip, "word/document.xml", new string('x', 300_000));
        });

        var ex = AssertFails(ExtractionFailure.ZipBomb,
            () => Extract(zipped, "big.docx", new ExtractionLimits { MaxUncompressedBytes = 100_000 }));

        Assert.Contains("MB", ex.Message);
    }

    [Fact]
    public void Extract_DocxWith20001Entries_FailsZipBomb()
    {
        var zipped = BuildZip(zip =>
        {
            AddText(zip, "[Content_Types].xml", DocxContentTypes);
            for (var i = 0; i < 20_000; i++) zip.CreateEntry($"word/media/part{i}.bin", CompressionLevel.NoCompression);
        });

        var ex = AssertFails(ExtractionFailure.ZipBomb, () => Extract(zipped, "many.docx"));

        Assert.Contains("20,001", ex.Message);
    }

    [Theory]
    [InlineData("../../etc/evil.xml")]
    [InlineData("word/../../evil.xml")]
    [InlineData("/abs/evil.xml")]
    [InlineData("..\\evil.xml")]
    public void Extract_EntryWithPathTraversal_FailsMalicious(string entryName)
    {
        var zipped = BuildZip(zip =>
        {
            AddText(zip, "[Content_Types].xml", DocxContentTypes);
            AddText(zip, "word/document.xml", "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"/>");
            AddText(zip, entryName, "<x/>");
        });

        var ex = AssertFails(ExtractionFailure.Malicious, () => Extract(zipped, "traversal.docx"));

        Assert.Contains("unsafe path", ex.Message);
    }

    [Fact]
    public void Extract_EntryLargerThanDeclared_FailsZipBombOrCorrupt()
    {
        var payload = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 20_000).Select(i => i.ToString("x", System.Globalization.CultureInfo.InvariantCulture))));
        var zipped = BuildZip(zip =>
        {
            AddText(zip, "[Content_Types].xml", DocxContentTypes);
            var entry = zip.CreateEntry("word/document.xml", CompressionLevel.Optimal);
            using var s = entry.Open();
            s.Write(payload);
        });
        PatchUncompressedSize(zipped, "word/document.xml", 100);

        var ex = Assert.Throws<ExtractionException>(() => Extract(zipped, "liar.docx"));

        Assert.Contains(ex.Failure, new[] { ExtractionFailure.ZipBomb, ExtractionFailure.Corrupt });
        AssertHumanMessage(ex.Message);
    }

    [Fact]
    public void Extract_PlainZipArchive_FailsUnsupported()
    {
        var zipped = BuildZip(zip => AddText(zip, "readme.txt", "hello"));

        var ex = AssertFails(ExtractionFailure.Unsupported, () => Extract(zipped, "bundle.zip"));

        Assert.Contains("zip archive", ex.Message);
    }

    [Fact]
    public void Inspect_GeneratedDocx_Passes()
    {
        ZipGuard.Inspect(DocxExtractionTests.GeneratedDocx(), new ExtractionLimits());
    }

    private static byte[] BuildZip(Action<ZipArchive> fill)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true)) fill(zip);
        return ms.ToArray();
    }

    private static void AddText(ZipArchive zip, string name, string text)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Fastest);
        using var s = entry.Open();
        s.Write(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Rewrites the uncompressed-size fields (local header and central directory) of one entry.</summary>
    private static void PatchUncompressedSize(byte[] zip, string name, uint size)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var patched = 0;
        for (var i = 0; i + 46 < zip.Length; i++)
        {
            if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] == 3 && zip[i + 3] == 4
                && zip.AsSpan(i + 30, nameBytes.Length).SequenceEqual(nameBytes))
            {
                BitConverter.TryWriteBytes(zip.AsSpan(i + 22, 4), size);
                patched++;
            }
            else if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] == 1 && zip[i + 3] == 2
                     && zip.AsSpan(i + 46, nameBytes.Length).SequenceEqual(nameBytes))
            {
                BitConverter.TryWriteBytes(zip.AsSpan(i + 24, 4), size);
                patched++;
            }
        }
        Assert.Equal(2, patched);
    }
}
