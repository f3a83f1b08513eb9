using KnowledgePortal.Core.Retrieval;

namespace KnowledgePortal.Tests.Retrieval;

public class FusionTests
{
    private static HybridRetriever.KeywordHit K(long id, double score) => new(id, score, 1);

    [Fact]
    public void Fuse_ScoresWithWeakVectorWeight_KeepsClearKeywordMargins()
    {
        // Keyword: 1 clearly ahead of 2. Vector: 2 nearest. A 0.1-weight vector side must not overturn the margin.
        var fused = HybridRetriever.Fuse([(2, 0.1), (1, 0.6)], [K(1, 10), K(2, 5)], new RetrievalOptions { Fusion = FusionMethod.Scores, VectorWeight = 0.1 });
        Assert.Equal([1L, 2L], fused.Select(f => f.ChunkId));
    }

    [Fact]
    public void Fuse_ScoresNearTie_VectorBreaksIt()
    {
        var fused = HybridRetriever.Fuse([(2, 0.1), (1, 0.6)], [K(1, 10), K(2, 9.9)], new RetrievalOptions { Fusion = FusionMethod.Scores, VectorWeight = 0.1 });
        Assert.Equal([2L, 1L], fused.Select(f => f.ChunkId));
    }

    [Fact]
    public void Fuse_VectorOnlyCandidate_AddedAfterKeywordMatches()
    {
        var fused = HybridRetriever.Fuse([(3, 0.2)], [K(1, 10), K(2, 5)], new RetrievalOptions { Fusion = FusionMethod.Scores, VectorWeight = 0.1 });
        Assert.Equal([1L, 2L, 3L], fused.Select(f => f.ChunkId));
        Assert.Null(fused[2].KeywordRank);
    }

    [Fact]
    public void Fuse_Rrf_EqualWeightsTreatListsAsEquals()
    {
        var fused = HybridRetriever.Fuse([(2, 0.1), (3, 0.2)], [K(1, 10), K(2, 5)], new RetrievalOptions { Fusion = FusionMethod.Rrf, VectorWeight = 1, KeywordWeight = 1 });
        Assert.Equal(2L, fused[0].ChunkId); // in both lists
    }

    [Theory]
    [InlineData(new double[] { 5, 50, 5000, 90000 }, 1000, 2)]
    [InlineData(new double[] { 50000, 90000 }, 1000, 1)]   // the rarest lexeme is always a candidate source
    [InlineData(new double[] { 1, 2, 3 }, 1000, 3)]
    public void EssentialCount_PostingsBudget_RarestThatFit(double[] df, int budget, int expected) =>
        Assert.Equal(expected, Bm25.EssentialCount(df, budget));

    [Fact]
    public void RelevanceGate_CoverageOrSimilarity_EitherIsEvidence()
    {
        var o = new RetrievalOptions { MinQueryCoverage = 0.4, MinQueryCoverageCjk = 0.3, MinAnswerSimilarity = 0.8 };
        Assert.True(RelevanceGate.Covers(0.5, 0, false, o));
        Assert.True(RelevanceGate.Covers(0, 0.85, false, o));
        Assert.False(RelevanceGate.Covers(0.35, 0.5, false, o));
        Assert.True(RelevanceGate.Covers(0.35, 0.5, true, o));
        Assert.True(RelevanceGate.IsCjk("有給休暇は何日?"));
        Assert.False(RelevanceGate.IsCjk("Can I bring my dog?"));
    }
}
