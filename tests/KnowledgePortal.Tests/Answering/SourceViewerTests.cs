using KnowledgePortal.Core.Domain;
using KnowledgePortal.Web.Components.Shared;

namespace KnowledgePortal.Tests.Answering;

/// <summary>Which citations the source dialog opens at their page, and where.</summary>
public class SourceViewerTests
{
    private static readonly Guid Id = Guid.Parse("0190a3c2-0000-7000-8000-000000000001");

    private static RetrievedPassage Passage(string fileName, SourceLocator locator) =>
        new(1, Id, "Title", fileName, "Collection", 1, SensitivityLabel.Internal, locator, "text", null, 1);

    [Theory]
    [InlineData("guide.pdf", 3, null, "/api/documents/0190a3c2-0000-7000-8000-000000000001/file#page=3")]
    [InlineData("policy.docx", 2, null, "/api/documents/0190a3c2-0000-7000-8000-000000000001/file?as=pdf#page=2")]
    [InlineData("old-policy.doc", 4, null, "/api/documents/0190a3c2-0000-7000-8000-000000000001/file?as=pdf#page=4")]
    [InlineData("deck.pptx", null, 5, "/api/documents/0190a3c2-0000-7000-8000-000000000001/file?as=pdf#page=5")]
    [InlineData("deck.odp", null, 2, "/api/documents/0190a3c2-0000-7000-8000-000000000001/file?as=pdf#page=2")]
    public void ViewerUrl_PageOrSlideCitation_OpensThePdfAtIt(string fileName, int? page, int? slide, string expected)
    {
        Assert.Equal(expected, SourceView.ViewerUrl(Passage(fileName, new SourceLocator(Page: page, Slide: slide))));
    }

    [Theory]
    [InlineData("prices.xlsx")]
    [InlineData("notes.txt")]
    [InlineData("policy.docx")]
    [InlineData("guide.pdf")]
    public void ViewerUrl_NoPageToOpen_ShowsNoViewer(string fileName)
    {
        var locator = fileName == "prices.xlsx" ? new SourceLocator(Sheet: "Prices", CellRange: "A2:D9", Page: null) : new SourceLocator(HeadingPath: "Leave");
        Assert.Null(SourceView.ViewerUrl(Passage(fileName, locator)));
    }
}
