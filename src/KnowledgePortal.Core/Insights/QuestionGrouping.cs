using KnowledgePortal.Core.Ingestion.Embedding;

namespace KnowledgePortal.Core.Insights;

/// <summary>Groups questions that say much the same thing, so content gaps show up as one row with a count.</summary>
public static class QuestionGrouping
{
    public const double DefaultThreshold = 0.5;

    /// <summary>
    /// Greedy grouping in input order: each question joins the existing group whose first question (its representative)
    /// is most similar to it, when that cosine similarity is at least <paramref name="threshold"/>; otherwise it starts a
    /// new group. Vectors are the built-in hashing embedder's. Groups come largest first (ties: first seen first).
    /// </summary>
    public static IReadOnlyList<QuestionGroup> Group(IEnumerable<string> questions, double threshold = DefaultThreshold, int maxExamples = 5) =>
        Group(questions, HashingEmbeddingGenerator.Embed, threshold, maxExamples);

    public static IReadOnlyList<QuestionGroup> Group(IEnumerable<string> questions, Func<string, float[]> embed, double threshold, int maxExamples)
    {
        var groups = new List<(string Representative, float[] Vector, List<string> Members)>();
        foreach (var raw in questions)
        {
            var question = raw.Trim();
            if (question.Length == 0) continue;
            var vector = embed(question);
            var best = -1;
            var bestScore = double.NegativeInfinity;
            for (var i = 0; i < groups.Count; i++)
            {
                var score = Cosine(vector, groups[i].Vector);
                if (score > bestScore) (best, bestScore) = (i, score);
            }
            if (best >= 0 && bestScore >= threshold) groups[best].Members.Add(question);
            else groups.Add((question, vector, [question]));
        }
        return groups
            .Select((g, index) => (g, index))
            .OrderByDescending(x => x.g.Members.Count).ThenBy(x => x.index)
            .Select(x => new QuestionGroup(x.g.Representative, x.g.Members.Count,
                x.g.Members.Distinct(StringComparer.OrdinalIgnoreCase).Take(maxExamples).ToList()))
            .ToList();
    }

    public static double Cosine(float[] a, float[] b)
    {
        if (a.Length != b.Length) throw new ArgumentException("Vectors differ in length.");
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }
}
