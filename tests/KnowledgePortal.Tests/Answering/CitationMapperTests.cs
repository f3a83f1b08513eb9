using KnowledgePortal.Core.Answering;
using KnowledgePortal.Core.Domain;

namespace KnowledgePortal.Tests.Answering;

public class CitationMapperTests
{
    [Theory]
    [InlineData("Leave is 20 days [1].", new[] { 1 })]
    [InlineData("See [1, 3] and [2].", new[] { 1, 3, 2 })]
    [InlineData("See [1,3;4].", new[] { 1, 3, 4 })]
    [InlineData("Both [2][1] agree [2].", new[] { 2, 1 })]
    [InlineData("有給は20日です［１］。", new[] { 1 })]
    [InlineData("有給は20日です［１，２］、派遣は対象外［３］。", new[] { 1, 2, 3 })]
    [InlineData("有給は20日です[1、2]。", new[] { 1, 2 })]
    [InlineData("Range [2-4].", new[] { 2, 3, 4 })]
    [InlineData("Spaces [ 5 ].", new[] { 5 })]
    [InlineData("No citations here.", new int[0])]
    [InlineData("Not citations: [a], [], [1.5], [ 1 2 ].", new int[0])]
    public void Parse_VariousForms_ReturnsNumbersInOrderOfFirstAppearance(string text, int[] expected)
    {
        Assert.Equal(expected, CitationMapper.Parse(text));
    }

    [Fact]
    public void Parse_HugeRange_TreatedAsTwoNumbers()
    {
        Assert.Equal([1, 500], CitationMapper.Parse("[1-500]"));
    }

    [Fact]
    public void FindGroups_Text_ReportsPositions()
    {
        var groups = CitationMapper.FindGroups("a [1] b ［２，３］");

        Assert.Equal(2, groups.Count);
        Assert.Equal((2, 3), (groups[0].Index, groups[0].Length));
        Assert.Equal([2, 3], groups[1].Numbers);
    }

    [Fact]
    public void Map_OnlySentNumbers_KeepsThemAndOrdersCitationsByFirstAppearance()
    {
        var sent = Passages.Many("a", "b", "c");

        var (clean, citations) = CitationMapper.Map("X is true [3]. Y too [1][3].", sent);

        Assert.Equal("X is true [3]. Y too [1][3].", clean);
        Assert.Equal([3, 1], citations.Select(c => c.Number));
        Assert.Same(sent[2], citations[0].Passage);
        Assert.Same(sent[0], citations[1].Passage);
    }

    [Fact]
    public void Map_UnknownNumbers_RemovedFromTextAndList()
    {
        var sent = Passages.Many("a", "b");

        var (clean, citations) = CitationMapper.Map("X [7]. Y [2, 9] and Z [0] here.", sent);

        Assert.Equal("X. Y [2] and Z here.", clean);
        Assert.Equal([2], citations.Select(c => c.Number));
    }

    [Fact]
    public void Map_FullWidthCitations_RewrittenCanonically()
    {
        var sent = Passages.Many("a", "b");

        var (clean, citations) = CitationMapper.Map("有給は20日です［１，２］。", sent);

        Assert.Equal("有給は20日です[1][2]。", clean);
        Assert.Equal([1, 2], citations.Select(c => c.Number));
    }

    [Fact]
    public void Map_NothingSent_RemovesAllCitations()
    {
        var (clean, citations) = CitationMapper.Map("[1] Starts with one. Ends [2]", []);

        Assert.Equal("Starts with one. Ends", clean);
        Assert.Empty(citations);
    }

    [Fact]
    public void StripUnknown_PartialTrailingCitation_LeftUntouched()
    {
        Assert.Equal("Leave is 20 days [1", CitationMapper.StripUnknown("Leave is 20 days [1", 2));
    }

    [Fact]
    public void StripUnknown_StreamedPrefixes_ConvergeToFinalText()
    {
        const string full = "A [1]. B [12]. C［２］.";
        string? last = null;
        for (var i = 1; i <= full.Length; i++)
            last = CitationMapper.StripUnknown(full[..i], 2);

        Assert.Equal("A [1]. B. C[2].", last);
        Assert.Equal(last, CitationMapper.StripUnknown(last!, 2));
    }

    [Fact]
    public void StripUnknown_NegativeCount_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CitationMapper.StripUnknown("x", -1));
    }

    private static IReadOnlyList<AnswerCitation> Cited(IReadOnlyList<RetrievedPassage> sent, params int[] numbers) =>
        numbers.Select(n => new AnswerCitation(n, sent[n - 1])).ToList();

    [Theory]
    [InlineData("Closed [4]. Open [1][2].", "Closed [1]. Open [2][3].")]
    [InlineData("A [1]. B [3]. C [4].", "A [1]. B [2]. C [3].")]
    [InlineData("A [2, 4]. B [4].", "A [1][2]. B [2].")]
    public void ForDisplay_OutOfOrderOrGappedNumbers_RenumberedByFirstAppearance(string text, string expected)
    {
        var sent = Passages.Many("a", "b", "c", "d");

        var (shown, _) = CitationMapper.ForDisplay(text, Cited(sent, 1, 2, 3, 4));

        Assert.Equal(expected, shown);
    }

    [Fact]
    public void ForDisplay_RenumberedChips_StillPointAtTheirPassages()
    {
        var sent = Passages.Many("a", "b", "c", "d");

        var (_, citations) = CitationMapper.ForDisplay("Closed [4]. Open [1][4].", Cited(sent, 4, 1));

        Assert.Equal([1, 2], citations.Select(c => c.Number));
        Assert.Same(sent[3], citations[0].Passage);
        Assert.Same(sent[0], citations[1].Passage);
    }

    [Fact]
    public void ForDisplay_StoredAnswerWithEveryPassageSent_ShowsTheSameAsTheLiveAnswer()
    {
        // Live: the answer as mapped after streaming. Reloaded: the stored text with every passage sent, numbered as sent.
        var sent = Passages.Many("a", "b", "c", "d");
        var (clean, mapped) = CitationMapper.Map("X [3]. Y [1][3]. Z [9].", sent);
        var live = CitationMapper.ForDisplay(clean, mapped.Select(c => new AnswerCitation(c.Number, c.Passage)).ToList());

        var reloaded = CitationMapper.ForDisplay(clean, Cited(sent, 1, 2, 3, 4));

        Assert.Equal("X [1]. Y [2][1]. Z.", live.Text);
        Assert.Equal(live.Text, reloaded.Text);
        Assert.Equal(live.Citations, reloaded.Citations);
    }

    [Fact]
    public void ForDisplay_StreamedPrefixes_NeverChangeANumberAlreadyShown()
    {
        var sent = Passages.Many("a", "b", "c");
        const string full = "First [3]. Then [1]. Again [3] and [2].";
        var previous = "";
        for (var i = 1; i <= full.Length; i++)
        {
            var settled = CitationMapper.Settled(full[..i], sent.Count);
            var (shown, _) = CitationMapper.ForDisplay(settled, Cited(sent, 1, 2, 3));
            Assert.StartsWith(previous, shown);
            previous = shown;
        }
        Assert.Equal("First [1]. Then [2]. Again [1] and [3].", previous);
    }

    [Fact]
    public void ForDisplay_NumberWithoutCitation_Removed()
    {
        var sent = Passages.Many("a", "b");

        var (shown, citations) = CitationMapper.ForDisplay("A [2]. B [7].", Cited(sent, 2));

        Assert.Equal("A [1]. B.", shown);
        Assert.Equal([1], citations.Select(c => c.Number));
    }
}
