using KnowledgePortal.Core.Answering;

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
}
