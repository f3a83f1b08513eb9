using KnowledgePortal.Core.Domain;
using KnowledgePortal.Web.Components.Shared;

namespace KnowledgePortal.Tests.Answering;

public class PassageHighlighterTests
{
    // Text as the demo's office-guide.pptx slide 2 and holiday-calendar-2026.xlsx are stored.
    private const string Slide = """
        Tokyo head office
        Contoso Tower 18F-20F, 2-7-1 Konan, Minato-ku
        Reception on 18F, open 8:30–19:00 on business days
        Visitors must be registered in the Visitor system by 17:00 on the previous day
        Notes: Remind new joiners that the staff entrance is on the east side and opens at 7:00. Badges are picked up from reception on the first day.
        """;

    private const string Rows = """
        Date: 2026-05-03; Holiday: Constitution Memorial Day; 祝日名: 憲法記念日; Office closed: Yes
        Date: 2026-05-04; Holiday: Greenery Day; 祝日名: みどりの日; Office closed: Yes
        Date: 2026-05-05; Holiday: Children's Day; 祝日名: こどもの日; Office closed: Yes
        Date: 2026-05-06; Holiday: Substitute holiday; 祝日名: 振替休日; Office closed: Yes
        """;

    [Theory]
    [InlineData("Welcome to Contoso Japan K.K.\nWe are glad you are joining us.", "K.K.\nWe are glad")]
    [InlineData("New employees receive 10 days six months after joining. The entitlement grows each year.", "joining. The entitlement")]
    public void Highlight_SentencesOfThePassage_KeepTheWhiteSpaceBetweenThem(string passage, string kept)
    {
        var result = PassageHighlighter.Highlight(passage, "The entitlement grows each year [1]. We are glad [1].", new SourceLocator(Page: 1));

        var plain = System.Text.RegularExpressions.Regex.Replace(result.Html, "</?mark>", "");
        Assert.Contains(System.Net.WebUtility.HtmlEncode(kept), plain);
    }

    [Fact]
    public void Highlight_SlideCitation_MarksTheCitedLineNotTheWholeSlide()
    {
        var result = PassageHighlighter.Highlight(Slide, "Reception is open 8:30–19:00 on business days [1].", new SourceLocator(Slide: 2));

        Assert.Contains("<mark>Reception on 18F, open 8:30–19:00 on business days</mark>", result.Html);
        Assert.StartsWith("Tokyo head office", result.Html);
        Assert.Null(result.CellRange);
    }

    [Fact]
    public void Highlight_SentenceInNotes_MarksOnlyThatSentence()
    {
        var result = PassageHighlighter.Highlight(Slide, "Badges are picked up from reception on the first day [1].", new SourceLocator(Slide: 2));

        Assert.Contains("<mark>Badges are picked up from reception on the first day.</mark>", result.Html);
    }

    [Fact]
    public void Highlight_SpreadsheetCitation_MarksTheAnsweringRowAndGivesItsRange()
    {
        var result = PassageHighlighter.Highlight(Rows, "Yes: 6 May 2026 (2026-05-06) is a substitute holiday and the office is closed [1].",
            new SourceLocator(Sheet: "Holidays 2026", CellRange: "A8:D11"));

        Assert.Contains("<mark>Date: 2026-05-06; Holiday: Substitute holiday; 祝日名: 振替休日; Office closed: Yes</mark>", result.Html);
        Assert.Equal("A11:D11", result.CellRange);
    }

    [Fact]
    public void Highlight_JapaneseAnswer_MarksTheMatchingRow()
    {
        var result = PassageHighlighter.Highlight(Rows, "5月4日はみどりの日です[1]。", new SourceLocator(Sheet: "Holidays 2026", CellRange: "A8:D11"));

        Assert.Equal("A9:D9", result.CellRange);
        Assert.Contains("<mark>Date: 2026-05-04", result.Html);
    }

    [Fact]
    public void Highlight_NothingInCommon_MarksNothingAndEncodes()
    {
        var result = PassageHighlighter.Highlight("<b>Tom & Jerry</b>", "Unrelated words only.", new SourceLocator(Page: 1));

        Assert.Equal("&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;", result.Html);
    }

    [Theory]
    [InlineData("A2:D12", 0, 11, "A2:D2")]
    [InlineData("A2:D12", 10, 11, "A12:D12")]
    [InlineData("A1:A6", 4, 6, "A5")]
    [InlineData("A2:D12", 3, 9, null)] // rows skipped: lines and rows do not line up
    [InlineData(null, 0, 1, null)]
    public void RowRange_LineOfChunk_IsThatRowsRange(string? chunkRange, int line, int lineCount, string? expected)
    {
        Assert.Equal(expected, PassageHighlighter.RowRange(chunkRange, line, lineCount));
    }

    [Fact]
    public void ReferenceFor_AnswerCitingSeveralSources_KeepsOnlyTheSentencesCitingThatNumber()
    {
        const string answer = "Reception opens at 8:30 [1]. The office is closed on 6 May [2]. Bring your badge [1][3].";

        Assert.Equal("The office is closed on 6 May [2].", PassageHighlighter.ReferenceFor(answer, 2));
        Assert.Equal("Reception opens at 8:30 [1].\nBring your badge [1][3].", PassageHighlighter.ReferenceFor(answer, 1));
        Assert.Equal(answer, PassageHighlighter.ReferenceFor(answer, 4));
    }
}
