using System.Text;
using KnowledgePortal.Core.Ingestion.Extraction;
using static KnowledgePortal.Tests.Extraction.ExtractionTestSupport;

namespace KnowledgePortal.Tests.Extraction;

public class FileSnifferExtractionTests
{
    [Theory]
    [InlineData("ja_ruby_furigana.docx", "docx")]
    [InlineData("en_macros.docm", "docm")]
    [InlineData("en_kyc_spec_30sheets.xlsx", "xlsx")]
    [InlineData("en_strict_ooxml.xlsx", "xlsx")]
    [InlineData("en_conference_talk_notes_tables.pptx", "pptx")]
    [InlineData("ja_regulation_text.pdf", "pdf")]
    [InlineData("enc_docx_pw_tika.docx", "ole-encrypted")]
    [InlineData("enc_xlsx_pw_tika.xlsx", "ole-encrypted")]
    [InlineData("bad_truncated.docx", "zip")]
    [InlineData("bad_empty_zip.xlsx", "zip")]
    public void Detect_CorpusFile_ReturnsContentType(string file, string expected)
    {
        Assert.Equal(expected, FileSniffer.Detect(Corpus(file), file));
    }

    [Fact]
    public void Detect_WrongExtensions_TrustsContent()
    {
        Assert.Equal("pdf", FileSniffer.Detect(Corpus("ja_regulation_text.pdf"), "regulation.docx"));
        Assert.Equal("docx", FileSniffer.Detect(Corpus("ja_ruby_furigana.docx"), "furigana.pdf"));
        Assert.Equal("xlsx", FileSniffer.Detect(Corpus("en_kyc_spec_30sheets.xlsx"), "spec.txt"));
    }

    [Theory]
    [InlineData("a.txt", "txt")]
    [InlineData("a.md", "md")]
    [InlineData("a.markdown", "md")]
    [InlineData("a.HTML", "html")]
    [InlineData("a.htm", "html")]
    [InlineData("a.csv", "csv")]
    [InlineData("a.pdf", "unknown")]
    [InlineData("a.json", "unknown")]
    [InlineData("noextension", "unknown")]
    public void Detect_PlainText_UsesExtensionFamily(string name, string expected)
    {
        Assert.Equal(expected, FileSniffer.Detect(Encoding.UTF8.GetBytes("plain words, nothing else"), name));
    }

    [Fact]
    public void Extract_TextFileNamedPdf_FailsUnsupported()
    {
        var ex = AssertFails(ExtractionFailure.Unsupported,
            () => Extract(Encoding.UTF8.GetBytes("This is not really a PDF, just text.\n"), "report.pdf"));

        Assert.Contains(".pdf", ex.Message);
    }

    [Fact]
    public void Extract_PdfNamedDocx_ExtractsAsPdf()
    {
        var result = Extract(Corpus("ja_regulation_text.pdf"), "regulation.docx");

        Assert.Equal("pdf", result.DetectedType);
        Assert.Equal(1, result.Blocks[0].Locator.Page);
    }

    [Fact]
    public void Extract_LegacyOle2Document_FailsUnsupported()
    {
        var ole = new byte[1024];
        new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 }.CopyTo(ole, 0);

        var ex = AssertFails(ExtractionFailure.Unsupported, () => Extract(ole, "old.doc"));

        Assert.Contains(".docx", ex.Message);
    }

    [Fact]
    public void Extract_FileOverSizeLimit_FailsTooLargeWithMegabytes()
    {
        var content = new byte[1024 * 1024 * 3 / 2];

        var ex = AssertFails(ExtractionFailure.TooLarge, () => Extract(content, "big.txt", new ExtractionLimits { MaxFileBytes = 1024 * 1024 }));

        Assert.Equal("This file is 1.5 MB; the limit is 1 MB.", ex.Message);
    }
}
