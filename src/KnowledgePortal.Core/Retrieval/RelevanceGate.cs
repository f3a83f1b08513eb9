namespace KnowledgePortal.Core.Retrieval;

/// <summary>
/// Decides whether the documents cover a question ("not covered" otherwise), without asking any model. Evidence is
/// either lexical — the best passage matches at least <see cref="RetrievalOptions.MinQueryCoverage"/> of the
/// question's idf mass (rare words weigh most, and a word no readable passage contains counts fully against) — or
/// semantic: a passage vector at least <see cref="RetrievalOptions.MinAnswerSimilarity"/> close to the question's.
/// Thresholds are calibrated with <c>./portal eval --off-corpus</c> (docs/quality.md).
/// </summary>
public static class RelevanceGate
{
    public static bool Covers(double keywordCoverage, double bestSimilarity, RetrievalOptions o) =>
        keywordCoverage >= o.MinQueryCoverage || bestSimilarity >= o.MinAnswerSimilarity;
}
