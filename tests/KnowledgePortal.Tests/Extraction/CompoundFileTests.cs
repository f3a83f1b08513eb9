using System.Text;
using KnowledgePortal.Core.Ingestion.Extraction;
using static KnowledgePortal.Tests.Extraction.ExtractionTestSupport;

namespace KnowledgePortal.Tests.Extraction;

/// <summary>The OLE2 compound file reader and the sniffing built on it: pure, on real files and damaged copies of them.</summary>
public class CompoundFileTests
{
    [Theory]
    [InlineData("en_feature_sampler.doc", "doc")]
    [InlineData("ja_proposal_call_tables.doc", "doc")]
    [InlineData("ja_multisheet_16.xls", "xls")]
    [InlineData("en_feature_sampler.ppt", "ppt")]
    [InlineData("enc_doc_pw_lo.doc", "doc")]
    [InlineData("enc_xls_pw_lo.xls", "xls")]
    [InlineData("en_feature_sampler.rtf", "rtf")]
    [InlineData("ja_proposal_call_tables.odt", "odt")]
    [InlineData("ja_multisheet_16.ods", "ods")]
    [InlineData("en_feature_sampler.odp", "odp")]
    [InlineData("enc_odt_pw_lo.odt", "odt")]
    [InlineData("enc_docx_pw_tika.docx", "ole-encrypted")]
    [InlineData("enc_xlsx_pw_tika.xlsx", "ole-encrypted")]
    public void Detect_LegacyAndOpenDocumentFiles_ByContent(string file, string expected)
    {
        Assert.Equal(expected, FileSniffer.Detect(Corpus(file), file));
        Assert.Equal(expected, FileSniffer.Detect(Corpus(file), "renamed.bin"));
    }

    [Fact]
    public void Open_Doc_RootHoldsTheWordStreamsButNotTheEmbeddedOnes()
    {
        var file = CompoundFile.Open(Corpus("ja_proposal_call_tables.doc"));

        Assert.Contains("WordDocument", file.RootNames);
        Assert.Contains("worddocument", file.RootNames); // names compare case-insensitively, as in MS-CFB
        Assert.DoesNotContain("Workbook", file.RootNames);
        var fib = file.ReadRootStream("WordDocument", 12)!;
        Assert.Equal([0xEC, 0xA5], fib[..2]);
        Assert.Null(file.ReadRootStream("NoSuchStream", 12));
    }

    [Fact]
    public void ReadRootStream_SmallStream_ReadsFromTheMiniStream()
    {
        var file = CompoundFile.Open(Corpus("en_feature_sampler.ppt"));

        var user = file.ReadRootStream("Current User", 64)!;

        // CurrentUserAtom: size 0x14, then the header token of an unencrypted file.
        Assert.Equal(0x14, BitConverter.ToInt32(user, 8));
        Assert.Equal(0xE391C05F, BitConverter.ToUInt32(user, 12));
    }

    [Fact]
    public void Detect_BothWordAndExcelStreams_TheExtensionDecides()
    {
        var both = RenameRootEntry(Corpus("en_feature_sampler.doc"), "1Table", "Book");

        Assert.Equal("xls", FileSniffer.Detect(both, "a.xls"));
        Assert.Equal("doc", FileSniffer.Detect(both, "a.doc"));
        Assert.Equal("doc", FileSniffer.Detect(both, "a.bin"));
    }

    [Fact]
    public void Open_TruncatedHeader_Throws()
    {
        var content = Corpus("en_feature_sampler.doc")[..300];

        Assert.Throws<InvalidDataException>(() => CompoundFile.Open(content));
        Assert.Equal(FileSniffer.Ole, FileSniffer.Detect(content, "a.doc"));
    }

    [Fact]
    public void Open_DirectoryChainThatLoops_ThrowsInsteadOfSpinning()
    {
        var content = Corpus("en_feature_sampler.doc");
        var firstDirectory = BitConverter.ToUInt32(content, 48);
        // Point the directory sector's FAT entry at itself (the first FAT sector holds entries 0..127).
        var fatSector = BitConverter.ToUInt32(content, 76);
        BitConverter.GetBytes(firstDirectory).CopyTo(content, (int)((fatSector + 1) * 512 + firstDirectory * 4));

        Assert.Throws<InvalidDataException>(() => CompoundFile.Open(content));
    }

    [Fact]
    public void Open_FatCountBeyondTheFile_Throws()
    {
        var content = Corpus("en_feature_sampler.doc");
        BitConverter.GetBytes(int.MaxValue).CopyTo(content, 44);

        Assert.Throws<InvalidDataException>(() => CompoundFile.Open(content));
    }

    [Fact]
    public void Detect_CompoundFileOfNoKnownKind_IsRefusedAsOtherCompoundFile()
    {
        var content = RenameRootEntry(Corpus("en_feature_sampler.doc"), "WordDocument", "__nameid_ver");

        Assert.Equal(FileSniffer.Ole, FileSniffer.Detect(content, "mail.msg"));
        var ex = AssertFails(ExtractionFailure.Unsupported, () => Extract(content, "mail.msg"));
        Assert.Contains(".doc", ex.Message);
    }

    [Fact]
    public void Detect_RandomBytesBehindTheMagic_NeverThrows()
    {
        var random = new Random(11);
        var original = Corpus("en_feature_sampler.doc");
        for (var round = 0; round < 200; round++)
        {
            // Corrupt the header fields and the first sectors: whatever the damage, sniffing answers.
            var content = original.ToArray();
            for (var i = 0; i < 24; i++) content[8 + random.Next(2048)] = (byte)random.Next(256);
            var type = FileSniffer.Detect(content, "a.doc");
            Assert.Contains(type, new[] { "doc", FileSniffer.Ole, FileSniffer.OleEncrypted });
        }
    }

    /// <summary>A copy with the root-level directory entry <paramref name="from"/> renamed (the name field and its length).</summary>
    internal static byte[] RenameRootEntry(byte[] content, string from, string to)
    {
        var copy = content.ToArray();
        var name = Encoding.Unicode.GetBytes(from + "\0");
        for (var offset = 512; offset + 128 <= copy.Length; offset += 128)
        {
            if (!copy.AsSpan(offset, name.Length).SequenceEqual(name) || BitConverter.ToUInt16(copy, offset + 64) != name.Length) continue;
            var renamed = Encoding.Unicode.GetBytes(to + "\0");
            Array.Clear(copy, offset, 64);
            renamed.CopyTo(copy, offset);
            BitConverter.GetBytes((ushort)renamed.Length).CopyTo(copy, offset + 64);
            return copy;
        }
        throw new InvalidOperationException($"no directory entry {from}");
    }
}
