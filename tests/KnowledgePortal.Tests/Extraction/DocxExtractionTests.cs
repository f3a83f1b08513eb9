using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using KnowledgePortal.Core.Ingestion.Extraction;
using static KnowledgePortal.Tests.Extraction.ExtractionTestSupport;

namespace KnowledgePortal.Tests.Extraction;

public class DocxExtractionTests
{
    [Fact]
    public void Extract_RubyFurigana_KeepsBaseTextOnly()
    {
        var result = Extract("ja_ruby_furigana.docx");

        var text = AllText(result);
        Assert.Equal("docx", result.DetectedType);
        Assert.Equal(1, CountOccurrences(text, "東京"));
        Assert.DoesNotContain("とうきょう", text);
    }

    [Fact]
    public void Extract_JapaneseProposalWithTables_ExtractsParagraphsTableRowsAndRenderedPages()
    {
        var result = Extract("ja_proposal_call_tables.docx");

        var text = AllText(result);
        // Word saved two rendered page breaks (after its two explicit ones): three pages, in reading order.
        Assert.Equal(3, result.PageCount);
        Assert.Equal([1, 2, 3], result.Blocks.Select(b => b.Locator.Page ?? 0).Distinct());
        Assert.Contains("全国農業高等学校長協会", text);
        Assert.Contains("募集要項", text);
        Assert.True(result.Blocks.Count > 100, $"only {result.Blocks.Count} blocks");
        AssertBlocksClean(result);
        // NFKC: full-width digits are folded to ASCII.
        Assert.DoesNotContain(text, c => c is >= '０' and <= '９');
    }

    [Fact]
    public void Extract_FeatureSampler_IncludesTextBoxListsTableAndFootnote()
    {
        var result = Extract("en_feature_sampler.docx");

        var texts = result.Blocks.Select(b => b.Text).ToList();
        Assert.Contains("Here is a text box", texts);
        Assert.Single(texts, t => t == "Here is a text box"); // DrawingML + VML fallback read once
        Assert.Contains("• Bullet 1", texts);
        Assert.Contains("1) Number bullet 1", texts);
        Assert.Contains("3) Number bullet 3", texts);
        Assert.Contains("ゾルゲと尾崎、淡々と最期", texts);
        var footnote = Assert.Single(result.Blocks, b => b.Text.StartsWith("Footnote 1:", StringComparison.Ordinal));
        Assert.Equal("Footnote 1: This is a footnote.", footnote.Text);
        Assert.Same(footnote, result.Blocks[^1]);
        Assert.Contains(texts, t => t.Contains("Row 1 Col 1: Row 2 Col 1", StringComparison.Ordinal));
    }

    [Fact]
    public void Extract_MacroEnabledWithIndexPolicy_ExtractsTextAndWarns()
    {
        var result = Extract("en_macros.docm", new ExtractionLimits { Macros = MacroPolicy.IndexWithoutMacros });

        Assert.Equal("docm", result.DetectedType);
        Assert.Contains("The quick brown fox.", AllText(result));
        Assert.Contains(result.Warnings, w => w.Contains("macros ignored", StringComparison.Ordinal));
    }

    [Fact]
    public void Extract_MacroEnabledWithRefusePolicy_FailsMacroRefused()
    {
        var ex = AssertFails(ExtractionFailure.MacroRefused, "en_macros.docm", new ExtractionLimits { Macros = MacroPolicy.Refuse });

        Assert.Equal("Macro-enabled files are not accepted here (setting Ingestion:MacroPolicy)", ex.Message);
    }

    [Fact]
    public void Extract_PasswordProtectedDocx_FailsEncrypted()
    {
        var ex = AssertFails(ExtractionFailure.Encrypted, "enc_docx_pw_tika.docx");

        Assert.Equal("This file is password-protected; remove the password and upload it again.", ex.Message);
    }

    [Fact]
    public void Extract_XxeInDocumentText_FailsMaliciousWithoutResolvingEntity()
    {
        var ex = AssertFails(ExtractionFailure.Malicious, "adv_xxe_in_text.docx");

        Assert.Contains("DTD", ex.Message);
    }

    [Fact]
    public void Extract_GeneratedDocx_BuildsHeadingPathTablesTextBoxAndTrackedChanges()
    {
        var result = Extract(GeneratedDocx(), "generated.docx");

        var blocks = result.Blocks;
        var heading1 = Assert.Single(blocks, b => b.Text == "Leave policy");
        Assert.Equal("Leave policy", heading1.Locator.HeadingPath);
        var heading2 = Assert.Single(blocks, b => b.Text == "Annual leave");
        Assert.Equal("Leave policy > Annual leave", heading2.Locator.HeadingPath);

        var body = Assert.Single(blocks, b => b.Text.StartsWith("Employees receive", StringComparison.Ordinal));
        Assert.Equal("Employees receive 25 days per year.", body.Text); // deletion dropped, insertion kept
        Assert.Equal("Leave policy > Annual leave", body.Locator.HeadingPath);
        Assert.Equal("Leave policy > Annual leave", body.Context);
        Assert.Null(body.Locator.Page);
        Assert.DoesNotContain(blocks, b => b.Text.Contains("twenty", StringComparison.Ordinal));

        Assert.Contains(blocks, b => b.Text == "Type: Annual; Days: 25");
        Assert.Contains(blocks, b => b.Text == "Type: Sick; Days: 10");
        Assert.DoesNotContain(blocks, b => b.Text == "Type | Days");

        var box = Assert.Single(blocks, b => b.Text == "Ask HR before booking");
        Assert.Equal("Leave policy > Annual leave", box.Locator.HeadingPath);

        var next = Assert.Single(blocks, b => b.Text == "Parental leave");
        Assert.Equal("Leave policy > Parental leave", next.Locator.HeadingPath);
        var top = Assert.Single(blocks, b => b.Text == "Travel");
        Assert.Equal("Travel", top.Locator.HeadingPath);

        Assert.Equal(1, result.PageCount);
        Assert.Equal("Leave handbook", result.Title);
    }

    [Fact]
    public void Extract_DocxOverCharacterLimit_FailsTooLarge()
    {
        AssertFails(ExtractionFailure.TooLarge, "ja_proposal_call_tables.docx", new ExtractionLimits { MaxExtractedCharacters = 1_000 });
    }

    [Fact]
    public void Extract_DocxWithOnlyEmptyParagraphs_FailsEmpty()
    {
        using var ms = new MemoryStream();
        using (var doc = WordprocessingDocument.Create(ms, WordprocessingDocumentType.Document))
        {
            doc.AddMainDocumentPart().Document = new Document(new Body(new Paragraph(), new Paragraph(new Run(new Text("  \u200B ")))));
        }

        var ex = AssertFails(ExtractionFailure.Empty, () => Extract(ms.ToArray(), "blank.docx"));
        Assert.Equal("No text could be extracted from this file.", ex.Message);
    }

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
            count++;
        return count;
    }

    /// <summary>Headings 1/2 (styles part), tracked deletion + insertion, table with header row, VML text box.</summary>
    internal static byte[] GeneratedDocx()
    {
        using var ms = new MemoryStream();
        using (var doc = WordprocessingDocument.Create(ms, WordprocessingDocumentType.Document))
        {
            doc.PackageProperties.Title = "Leave handbook";
            var main = doc.AddMainDocumentPart();
            var stylesPart = main.AddNewPart<StyleDefinitionsPart>();
            stylesPart.Styles = new Styles(
                HeadingStyle("Heading1", "heading 1"),
                HeadingStyle("Heading2", "heading 2"));

            var table = new Table(
                new TableProperties(new TableBorders()),
                new TableGrid(new GridColumn { Width = "3000" }, new GridColumn { Width = "3000" }),
                Row(header: true, "Type", "Days"),
                Row(header: false, "Annual", "25"),
                Row(header: false, "Sick", "10"));

            var textBox = new Paragraph(
                "<w:p xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:v=\"urn:schemas-microsoft-com:vml\">" +
                "<w:r><w:t>See note:</w:t></w:r>" +
                "<w:r><w:pict><v:shape id=\"box1\" style=\"width:100pt;height:40pt\"><v:textbox><w:txbxContent>" +
                "<w:p><w:r><w:t>Ask HR before booking</w:t></w:r></w:p>" +
                "</w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>");

            main.Document = new Document(new Body(
                Heading("Heading1", "Leave policy"),
                Heading("Heading2", "Annual leave"),
                new Paragraph(
                    new Run(new Text("Employees receive ") { Space = SpaceProcessingModeValues.Preserve }),
                    new DeletedRun(new Run(new DeletedText("twenty "))) { Id = "1", Author = "HR" },
                    new InsertedRun(new Run(new Text("25 "))) { Id = "2", Author = "HR" },
                    new Run(new Text("days per year."))),
                table,
                textBox,
                Heading("Heading2", "Parental leave"),
                new Paragraph(new Run(new Text("Sixteen weeks."))),
                Heading("Heading1", "Travel"),
                new Paragraph(new Run(new Text("Book through the portal.")))));
        }
        return ms.ToArray();

        static Style HeadingStyle(string id, string name) => new(
            new StyleName { Val = name },
            new StyleParagraphProperties(new OutlineLevel { Val = int.Parse(id[^1..]) - 1 }))
        {
            Type = StyleValues.Paragraph,
            StyleId = id,
        };

        static Paragraph Heading(string style, string text) => new(
            new ParagraphProperties(new ParagraphStyleId { Val = style }),
            new Run(new Text(text)));

        static TableRow Row(bool header, params string[] cells)
        {
            var row = new TableRow();
            if (header) row.Append(new TableRowProperties(new TableHeader()));
            foreach (var cell in cells) row.Append(new TableCell(new Paragraph(new Run(new Text(cell)))));
            return row;
        }
    }
}
