using System.Text;
using KnowledgePortal.Core.Ingestion.Extraction;
using static KnowledgePortal.Tests.Extraction.ExtractionTestSupport;

namespace KnowledgePortal.Tests.Extraction;

/// <summary>.eml messages: headers as the first blocks, the body, and which attachments become documents.</summary>
public class EmlExtractionTests
{
    [Fact]
    public void Extract_Iso2022JpMessage_HeadersFirstThenTheJapaneseBody()
    {
        var result = Extract(MailSamples.Iso2022JpExpenses(), "expenses.eml");

        Assert.Equal("eml", result.DetectedType);
        Assert.Equal("経費精算の締め切りについて", result.Title);
        Assert.Equal(
        [
            "From: 山田 太郎 <taro@example.co.jp>",
            "To: hana@example.co.jp, Ken Tanaka <ken@example.co.jp>",
            "Cc: keiri@example.co.jp",
            "Date: 2026-04-01 09:30 +09:00",
            "Subject: 経費精算の締め切りについて",
            "締め切りは毎月25日です。領収書を添付してください。",
        ], result.Blocks.Select(b => b.Text));
        Assert.All(result.Blocks.Take(5), b => Assert.Equal("経費精算の締め切りについて", b.Context));
        AssertBlocksClean(result);
    }

    [Fact]
    public void Extract_Utf8SubjectHtmlOnlyBody_ReadsTheHtmlAsText()
    {
        var result = Extract(MailSamples.Utf8HtmlOnly(), "review.eml");

        Assert.Equal("人事評価 面談日程", result.Title);
        var text = AllText(result);
        Assert.Contains("Interviews run from April 13 to April 24.", text);
        Assert.DoesNotContain("<b>", text);
        Assert.DoesNotContain("color: red", text);
    }

    [Fact]
    public void Extract_TextAndHtmlAlternatives_ReadsTheTextPartAndNamesTheAttachments()
    {
        var message = MailSamples.WithAttachments("Pay bands 2026", "The new pay bands start in April.",
            ("bands.pdf", "application/pdf", Corpus("ja_regulation_text.pdf")));

        var result = Extract(message, "bands.eml");

        var texts = result.Blocks.Select(b => b.Text).ToList();
        Assert.Contains("The new pay bands start in April.", texts);
        Assert.Contains("Attachments: bands.pdf", texts);
        Assert.DoesNotContain(texts, t => t.Contains("HTML twin", StringComparison.Ordinal));
        // The attachment's own text is its own document's, not the message's.
        Assert.DoesNotContain(texts, t => t.Contains("電気", StringComparison.Ordinal));
    }

    [Fact]
    public void Attachments_MixedTypes_SupportedIndexedUnsupportedSkippedWithANoteDuplicatesRenamed()
    {
        var docx = Corpus("en_feature_sampler.docx");
        var pdf = Corpus("ja_regulation_text.pdf");
        var message = MailSamples.WithAttachments("Files", "See attached.",
            ("notes.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx),
            ("rules.pdf", "application/pdf", pdf),
            ("photos.zip", "application/zip", [0x50, 0x4B, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
            ("rules.pdf", "application/pdf", pdf));

        var attachments = EmlExtractor.Attachments(message, DefaultLimits);

        Assert.Equal(["notes.docx", "rules.pdf", "rules (2).pdf"], attachments.Indexed.Select(a => a.FileName));
        Assert.Equal(docx, attachments.Indexed[0].Content);
        Assert.Equal(pdf, attachments.Indexed[1].Content);
        Assert.Equal("attachment \"photos.zip\" skipped: its type is not supported", Assert.Single(attachments.Skipped));
    }

    [Fact]
    public void Attachments_OverTheFileSizeOrCountLimit_SkippedWithANote()
    {
        var message = MailSamples.WithAttachments("Files", "See attached.",
            ("a.txt", "text/plain", Encoding.UTF8.GetBytes("first attachment")),
            ("big.txt", "text/plain", Encoding.UTF8.GetBytes(new string('x', 5000))),
            ("c.txt", "text/plain", Encoding.UTF8.GetBytes("third attachment")));

        var attachments = EmlExtractor.Attachments(message, new ExtractionLimits { MaxFileBytes = 4096, MaxZipEntries = 1 });

        Assert.Equal(["a.txt"], attachments.Indexed.Select(a => a.FileName));
        Assert.Equal(["attachment \"big.txt\" skipped: over the size limit", "attachment \"c.txt\" skipped: more than 1 attachments"],
            attachments.Skipped);
    }

    [Fact]
    public void Detect_EmlNameWithHeaders_IsEmlButBinaryNamedEmlIsNot()
    {
        Assert.Equal("eml", FileSniffer.Detect(MailSamples.Iso2022JpExpenses(), "a.eml"));
        Assert.Equal("unknown", FileSniffer.Detect(MailSamples.Iso2022JpExpenses(), "a.bin"));
        var binary = new byte[256];
        new Random(3).NextBytes(binary);
        binary[0] = 0x01;
        AssertFails(ExtractionFailure.Unsupported, () => Extract(binary, "mail.eml"));
    }
}
