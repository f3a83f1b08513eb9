using KnowledgePortal.Core.Insights;

namespace KnowledgePortal.Tests.Insights;

public class QuestionGroupingTests
{
    /// <summary>Unit vectors by the question's first word, so similarity is 1 (same word) or 0 (different).</summary>
    private static float[] ByFirstWord(string q) => q.Split(' ')[0] switch
    {
        "taxi" => [1, 0, 0],
        "hotel" => [0, 1, 0],
        "half" => [0.6f, 0.8f, 0], // cosine 0.6 with taxi, 0.8 with hotel
        _ => [0, 0, 1],
    };

    [Fact]
    public void Group_SimilarQuestions_JoinTheFirstGroupAndCount()
    {
        var groups = QuestionGrouping.Group(["taxi a", "hotel a", "taxi b", "other", "taxi c", "hotel b"], ByFirstWord, 0.5, 5);

        Assert.Equal(3, groups.Count);
        Assert.Equal(("taxi a", 3), (groups[0].Representative, groups[0].Count));
        Assert.Equal(["taxi a", "taxi b", "taxi c"], groups[0].Examples);
        Assert.Equal(("hotel a", 2), (groups[1].Representative, groups[1].Count));
        Assert.Equal(("other", 1), (groups[2].Representative, groups[2].Count));
    }

    [Fact]
    public void Group_QuestionSimilarToTwoGroups_JoinsTheMostSimilar()
    {
        var groups = QuestionGrouping.Group(["taxi a", "hotel a", "half"], ByFirstWord, 0.5, 5);

        Assert.Equal(["hotel a", "half"], groups.Single(g => g.Representative == "hotel a").Examples);
    }

    [Fact]
    public void Group_BelowThreshold_StartsNewGroup()
    {
        var groups = QuestionGrouping.Group(["taxi a", "half"], ByFirstWord, 0.7, 5);

        Assert.Equal(2, groups.Count);
        Assert.All(groups, g => Assert.Equal(1, g.Count));
    }

    [Fact]
    public void Group_ExamplesAreCappedAndDeduplicatedButCountKeepsAll()
    {
        var groups = QuestionGrouping.Group(["taxi a", "taxi a", "TAXI A", "taxi b", "taxi c", " ", ""], ByFirstWord, 0.5, 2);

        var group = Assert.Single(groups, g => g.Representative == "taxi a");
        Assert.Equal(4, group.Count);
        Assert.Equal(["taxi a", "taxi b"], group.Examples);
    }

    [Fact]
    public void Group_Empty_NoGroups() => Assert.Empty(QuestionGrouping.Group([], ByFirstWord, 0.5, 5));

    [Fact]
    public void Group_HashingEmbedder_NearDuplicatesTogetherUnrelatedApart()
    {
        var groups = QuestionGrouping.Group([
            "How do I claim taxi expenses?",
            "Where is the cafeteria menu for this week?",
            "how do I claim taxi expenses",
        ]);

        Assert.Equal(2, groups.Count);
        Assert.Equal(2, groups[0].Count);
        Assert.Equal("How do I claim taxi expenses?", groups[0].Representative);
    }

    [Fact]
    public void Cosine_OrthogonalAndParallel()
    {
        Assert.Equal(0, QuestionGrouping.Cosine([1, 0], [0, 1]), 6);
        Assert.Equal(1, QuestionGrouping.Cosine([2, 0], [3, 0]), 6);
        Assert.Equal(0, QuestionGrouping.Cosine([0, 0], [1, 0]), 6);
    }
}
