namespace KnowledgePortal.Core.Retrieval;

/// <summary>
/// Decides whether the documents cover a question ("not covered" otherwise), without asking any model. Evidence is
/// either lexical — the best passage matches at least <see cref="RetrievalOptions.MinQueryCoverage"/> of the
/// question's idf mass (rare words weigh most, and a word no readable passage contains counts fully against) — or
/// semantic: a passage vector at least <see cref="RetrievalOptions.MinAnswerSimilarity"/> close to the question's.
/// Thresholds are calibrated with <c>./portal eval --off-corpus</c> (docs/quality.md).
/// </summary>
/// <remarks>
/// Japanese (any CJK) questions can have their own threshold; by default it is the same, since the bigrams of a
/// question's particles and endings (から, です, 付は) rank but are not counted for coverage (SearchText.GateIgnored).
/// </remarks>
public static class RelevanceGate
{
    public static bool Covers(double keywordCoverage, double bestSimilarity, bool cjkQuestion, RetrievalOptions o) =>
        keywordCoverage >= (cjkQuestion ? o.MinQueryCoverageCjk : o.MinQueryCoverage) || bestSimilarity >= o.MinAnswerSimilarity;

    /// <summary>True when the question contains CJK text (its coverage is judged by <see cref="RetrievalOptions.MinQueryCoverageCjk"/>).</summary>
    public static bool IsCjk(string question) =>
        Text.CjkText.Tokenize(Text.CjkText.Normalize(question)).Any(t => t.IsCjk);
}
