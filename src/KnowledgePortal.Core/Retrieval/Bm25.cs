namespace KnowledgePortal.Core.Retrieval;

/// <summary>
/// Okapi BM25, the formulas the keyword stage computes in SQL (see <see cref="HybridRetriever"/>), kept here as pure
/// functions so tests can check the database's scores by hand.
/// </summary>
public static class Bm25
{
    /// <summary>idf = ln(1 + (N − df + 0.5) / (df + 0.5)): never negative, highest for a lexeme no chunk holds.</summary>
    public static double Idf(double chunks, double df) => Math.Log(1 + (chunks - df + 0.5) / (df + 0.5));

    /// <summary>One term's contribution: idf · tf · (k1 + 1) / (tf + k1 · (1 − b + b · length / average length)).</summary>
    public static double Term(double idf, double tf, double length, double averageLength, double k1, double b) =>
        tf <= 0 ? 0 : idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / averageLength));

    /// <summary>
    /// How many of the rarest lexemes (document frequencies in ascending order) generate candidates: as many as fit the
    /// postings budget, at least one. The rest are scored on those candidates only (see HybridRetriever's MaxScore).
    /// </summary>
    public static int EssentialCount(IReadOnlyList<double> ascendingDf, int postingsBudget)
    {
        double sum = 0;
        var count = 0;
        foreach (var df in ascendingDf)
        {
            if (count > 0 && sum + df > postingsBudget) break;
            sum += df;
            count++;
        }
        return count;
    }
}
