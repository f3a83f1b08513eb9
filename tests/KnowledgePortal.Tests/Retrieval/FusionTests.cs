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

    private static RetrievalOptions Rrf(double vector = 1, double keyword = 1, int k = 60) =>
        new() { Fusion = FusionMethod.Rrf, VectorWeight = vector, KeywordWeight = keyword, RrfK = k };

    [Fact]
    public void Fuse_Rrf_SumsReciprocalRanksOfBothLists()
    {
        var fused = HybridRetriever.Fuse([(10, 0.1), (20, 0.2)], [K(20, 5), K(30, 3)], Rrf());
        Assert.Equal([20L, 10L, 30L], fused.Select(f => f.ChunkId));
        Assert.Equal(1.0 / 62 + 1.0 / 61, fused[0].Score, 12); // vector rank 2, keyword rank 1
        Assert.Equal(1.0 / 61, fused[1].Score, 12);
        Assert.Equal(1.0 / 62, fused[2].Score, 12);
        Assert.Equal((2, 1), (fused[0].VectorRank, fused[0].KeywordRank));
        Assert.Equal(0.8, fused[0].Similarity, 12); // from the vector list, kept when the keyword side adds to it
    }

    [Fact]
    public void Fuse_Rrf_WeightsScaleEachList()
    {
        // Keyword weight 2: the keyword list's first beats the vector list's first, whatever the raw scores.
        var fused = HybridRetriever.Fuse([(1, 0.0)], [K(2, 0.01)], Rrf(vector: 1, keyword: 2, k: 10));
        Assert.Equal([2L, 1L], fused.Select(f => f.ChunkId));
        Assert.Equal(2.0 / 11, fused[0].Score, 12);
        Assert.Equal(1.0 / 11, fused[1].Score, 12);
    }

    [Fact]
    public void Fuse_TiedScores_KeywordRankThenChunkIdDecide()
    {
        // Both 1/61: the keyword match goes first.
        var keywordFirst = HybridRetriever.Fuse([(5, 0.1)], [K(7, 1)], Rrf());
        Assert.Equal([7L, 5L], keywordFirst.Select(f => f.ChunkId));
        // Equal similarity, no keyword rank: the lower chunk id, so the order is stable across runs.
        var byId = HybridRetriever.Fuse([(9, 0.5), (8, 0.5)], [], new RetrievalOptions { Fusion = FusionMethod.Scores, VectorWeight = 0.1 });
        Assert.Equal([8L, 9L], byId.Select(f => f.ChunkId));
    }

    [Fact]
    public void Fuse_BothListsEmpty_Nothing() =>
        Assert.Empty(HybridRetriever.Fuse([], [], new RetrievalOptions()));

    [Fact]
    public void Fuse_ScoresKeywordOnly_MaxNormalisedTimesWeight()
    {
        var fused = HybridRetriever.Fuse([], [K(1, 10), K(2, 5)], new RetrievalOptions { Fusion = FusionMethod.Scores, KeywordWeight = 2 });
        Assert.Equal([2.0, 1.0], fused.Select(f => Math.Round(f.Score, 12)));
        Assert.All(fused, f => Assert.Null(f.VectorRank));
        Assert.Equal([1, 2], fused.Select(f => f.KeywordRank!.Value));
    }

    [Fact]
    public void Fuse_ScoresVectorOnly_RankedBySimilarityNormalisedToTheNearest()
    {
        // Listed nearest-last on purpose: the score, not the input order, ranks; similarity = 1 - distance.
        var fused = HybridRetriever.Fuse([(1, 0.6), (2, 0.2)], [], new RetrievalOptions { Fusion = FusionMethod.Scores, VectorWeight = 0.5 });
        Assert.Equal([2L, 1L], fused.Select(f => f.ChunkId));
        Assert.Equal(0.5, fused[0].Score, 12);        // 0.5 * 0.8 / 0.8
        Assert.Equal(0.25, fused[1].Score, 12);       // 0.5 * 0.4 / 0.8
        Assert.Equal([2, 1], fused.Select(f => f.VectorRank!.Value));
        Assert.All(fused, f => Assert.Null(f.KeywordRank));
    }

    [Fact]
    public void Fuse_ScoresNegativeSimilarity_ContributesNothing()
    {
        // Distance above 1 (opposite direction) must not subtract from a keyword match's score.
        var fused = HybridRetriever.Fuse([(1, 1.5), (2, 0.5)], [K(1, 4)], new RetrievalOptions { Fusion = FusionMethod.Scores, VectorWeight = 1, KeywordWeight = 1 });
        var one = fused.Single(f => f.ChunkId == 1);
        Assert.Equal(1.0, one.Score, 12);
        Assert.Equal(-0.5, one.Similarity, 12);
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
