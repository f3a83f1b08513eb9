using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion;
using KnowledgePortal.Core.Ingestion.Extraction;

namespace KnowledgePortal.Tests.Ingestion;

public class DocumentTitlesTests
{
    private static ExtractedBlock Heading(string text, string? path = null) => new(text, new SourceLocator(HeadingPath: path ?? text), path ?? text);
    private static ExtractedBlock Body(string text, int? page = null) => new(text, new SourceLocator(Page: page));

    [Fact]
    public void Choose_EmbeddedTitle_WinsOverHeadingAndFileName()
    {
        Assert.Equal("Parental Leave Policy", DocumentTitles.Choose("  Parental   Leave Policy ", [Heading("Who is eligible")], "hr_policy_v2.docx"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Untitled")]
    [InlineData("Document1")]
    [InlineData("Microsoft Word - report.docx")]
    [InlineData("en_sec_8k_financial_tables")]
    [InlineData("en_sec_8k_financial_tables.pdf")]
    [InlineData("PowerPoint Presentation")]
    public void Choose_PlaceholderOrFileNameAsEmbeddedTitle_FallsBackToFirstHeading(string embedded)
    {
        var blocks = new[] { Body("Intro text without heading."), Heading("Annual Report 2025"), Heading("Revenue", "Annual Report 2025 > Revenue") };

        Assert.Equal("Annual Report 2025", DocumentTitles.Choose(embedded, blocks, "en_sec_8k_financial_tables.pdf"));
    }

    [Fact]
    public void Choose_PdfWithoutInfoTitle_TakesAShortFirstLineButNotASentence()
    {
        Assert.Equal("Quarterly Operations Review", DocumentTitles.Choose(null, [Body("Quarterly Operations Review", 1), Body("Revenue grew.", 1)], "q3.pdf"));
        Assert.Equal("q3", DocumentTitles.Choose(null, [Body("Revenue grew by 4% in the third quarter.", 1)], "q3.pdf"));
    }

    [Fact]
    public void Choose_NothingInTheDocument_FileNameWithoutExtension()
    {
        Assert.Equal("welcome-guide", DocumentTitles.Choose(null, [Body("Some text, then more text.")], "welcome-guide.pdf"));
    }

    [Fact]
    public void Choose_SlideTitle_CountsAsHeading()
    {
        var slide = new ExtractedBlock("Office Guide 2026", new SourceLocator(Slide: 1), "Office Guide 2026");

        Assert.Equal("Office Guide 2026", DocumentTitles.Choose(null, [slide], "deck.pptx"));
    }

    [Fact]
    public void Choose_VeryLongTitle_CappedWithEllipsis()
    {
        var title = DocumentTitles.Choose(new string('a', 500), [], "x.docx");

        Assert.Equal(DocumentTitles.MaxLength + 1, title.Length);
        Assert.EndsWith("…", title);
    }

    [Fact]
    public void Choose_DemoDocuments_CarryRealTitlesNotFileNames()
    {
        var titles = DemoDocuments.All().ToDictionary(f => f.FileName, f =>
        {
            var r = DocumentExtractor.Extract(f.Content, f.FileName, new ExtractionLimits());
            return DocumentTitles.Choose(r.Title, r.Blocks, f.FileName);
        });

        Assert.Equal("Welcome guide", titles["welcome-guide.pdf"]);
        Assert.Equal("Parental leave policy", titles["parental-leave-policy.pdf"]);
        Assert.Equal("社員ハンドブック", titles["shain-handbook-ja.docx"]);
        Assert.All(titles, t => Assert.NotEqual(Path.GetFileNameWithoutExtension(t.Key), t.Value));
    }
}
