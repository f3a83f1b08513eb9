using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Ingestion.Chunking;
using KnowledgePortal.Core.Ingestion.Extraction;
using static KnowledgePortal.Tests.Extraction.ExtractionTestSupport;

namespace KnowledgePortal.Tests.Extraction;

/// <summary>Word files without heading styles still locate their passages: paragraph, bold or Title line, page.</summary>
public class DocxLocatorTests
{
    /// <summary>A .docx of plain paragraphs (no styles part); "**x**" is a bold paragraph, "\f" a page break before the paragraph.</summary>
    private static byte[] Docx(params string[] paragraphs)
    {
        using var stream = new MemoryStream();
        using (var doc = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var body = new Body();
            foreach (var raw in paragraphs)
            {
                var p = new Paragraph();
                var text = raw;
                if (text.StartsWith('\f'))
                {
                    p.Append(new Run(new Break { Type = BreakValues.Page }));
                    text = text[1..];
                }
                if (text.StartsWith("**", StringComparison.Ordinal))
                    p.Append(new Run(new RunProperties(new Bold()), new Text(text.Trim('*'))));
                else if (text.StartsWith("#T ", StringComparison.Ordinal))
                {
                    p.ParagraphProperties = new ParagraphProperties(new ParagraphStyleId { Val = "Title" });
                    p.Append(new Run(new Text(text[3..])));
                }
                else
                    p.Append(new Run(new Text(text) { Space = SpaceProcessingModeValues.Preserve }));
                body.Append(p);
            }
            doc.AddMainDocumentPart().Document = new Document(body);
        }
        return stream.ToArray();
    }

    [Fact]
    public void Extract_PlainParagraphsOnly_EachBlockCarriesItsParagraphNumber()
    {
        var result = Extract(Docx("First paragraph.", "", "Second paragraph.", "Third paragraph."), "plain.docx");

        Assert.Equal([1, 2, 3], result.Blocks.Select(b => b.Locator.Paragraph ?? 0));
        Assert.Equal("¶ 2", result.Blocks[1].Locator.ToDisplay());
        Assert.All(result.Blocks, b => Assert.Null(b.Locator.Page));
    }

    [Fact]
    public void Extract_BoldLinesWithoutHeadingStyles_BecomeTheHeadingOfWhatFollows()
    {
        var result = Extract(Docx("Intro before any bold line.", "**Travel expenses**", "Book trains through the portal.",
            "**Taxis**", "Taxis after 22:00 are reimbursed.", "**Not a heading: bold sentence ends with a period.**", "Still about taxis."), "nostyles.docx");

        var byText = result.Blocks.ToDictionary(b => b.Text, b => b.Locator);
        Assert.Null(byText["Intro before any bold line."].HeadingPath);
        Assert.Equal("Travel expenses", byText["Book trains through the portal."].HeadingPath);
        Assert.Equal("Taxis", byText["Taxis after 22:00 are reimbursed."].HeadingPath);
        Assert.Equal("Taxis", byText["Still about taxis."].HeadingPath);
        Assert.Equal("Taxis", byText["Taxis after 22:00 are reimbursed."].ToDisplay());
    }

    [Fact]
    public void Extract_TitleStyleLine_HeadsThePreamble()
    {
        var result = Extract(Docx("#T Staff Handbook", "This handbook applies to everyone."), "t.docx");

        Assert.All(result.Blocks, b => Assert.Equal("Staff Handbook", b.Locator.HeadingPath));
    }

    [Fact]
    public void Extract_ExplicitPageBreaks_GivePageNumbers()
    {
        var result = Extract(Docx("Page one text.", "More on page one.", "\fPage two text.", "\fPage three text."), "pages.docx");

        Assert.Equal(3, result.PageCount);
        Assert.Equal([1, 1, 2, 3], result.Blocks.Select(b => b.Locator.Page ?? 0));
        Assert.Equal("p. 2", result.Blocks[2].Locator.ToDisplay());
    }

    [Fact]
    public void Chunk_JapaneseDemoHandbook_NoPassageWithoutALocator()
    {
        var file = DemoDocuments.All().Single(f => f.FileName == "shain-handbook-ja.docx");
        var result = DocumentExtractor.Extract(file.Content, file.FileName, DefaultLimits);

        var chunks = Chunker.Chunk(result.Blocks, new ChunkingOptions(), TiktokenCounter.Instance);

        Assert.All(chunks, c => Assert.False(string.IsNullOrEmpty(c.Locator.ToDisplay()), $"chunk {c.Ordinal} has no locator"));
        Assert.Equal("社員ハンドブック(2026年度版)", chunks[0].Locator.HeadingPath);
    }
}
