using System.ComponentModel.DataAnnotations;

namespace KnowledgePortal.Core.Retrieval;

public enum FusionMethod { Scores, Rrf }

public sealed class RetrievalOptions
{
    public const string Section = "Retrieval";

    /// <summary>Passages returned after fusion.</summary>
    [Range(1, 100)] public int TopK { get; set; } = 8;
    [Range(1, 1000)] public int VectorCandidates { get; set; } = 50;
    [Range(1, 1000)] public int KeywordCandidates { get; set; } = 50;
    /// <summary>How the keyword and vector lists are fused (see HybridRetriever.Fuse and the ablation in docs/quality.md).</summary>
    public FusionMethod Fusion { get; set; } = FusionMethod.Scores;
    [Range(0, 10)] public double VectorWeight { get; set; } = 0.1;
    [Range(0, 10)] public double KeywordWeight { get; set; } = 1.0;
    /// <summary>The k of reciprocal rank fusion: score = Σ weight / (k + rank).</summary>
    [Range(1, 1000)] public int RrfK { get; set; } = 60;
    /// <summary>Below this cosine similarity a passage without keyword evidence is not relevant enough to answer from.</summary>
    [Range(0, 1)] public double MinVectorSimilarity { get; set; } = 0.2;
    /// <summary>BM25 term-frequency saturation (the textbook 1.2).</summary>
    [Range(0, 10)] public double Bm25K1 { get; set; } = 1.2;
    /// <summary>BM25 length normalisation (the textbook 0.75).</summary>
    [Range(0, 1)] public double Bm25B { get; set; } = 0.75;
    /// <summary>
    /// Keyword candidates come from the rarest query lexemes whose postings fit this budget (MaxScore; the result stays
    /// exact, see HybridRetriever). 0 always uses every lexeme.
    /// </summary>
    [Range(0, 100_000_000)] public int KeywordPostingsBudget { get; set; } = 20_000;
    /// <summary>The documents cover a question when the best passage matches this share of its idf mass (see RelevanceGate).</summary>
    /// Calibrated on held-out halves of SQuAD and JSQuAD (docs/quality.md).
    [Range(0, 1)] public double MinQueryCoverage { get; set; } = 0.42;
    /// <summary>
    /// The same for questions containing Japanese (CJK) text. Equal to <see cref="MinQueryCoverage"/> by default: the
    /// particle and ending bigrams no longer count (SearchText.GateIgnored), so coverage reads alike in both scripts.
    /// </summary>
    [Range(0, 1)] public double MinQueryCoverageCjk { get; set; } = 0.42;
    /// <summary>Coverage weighs each lexeme by idf to this power: above 1, the rarest words of a question decide.</summary>
    [Range(0, 4)] public double CoverageIdfPower { get; set; } = 1;
    /// <summary>A question word no readable passage contains counts this many times against coverage (2 separated no
    /// better than 1 on held-out SQuAD: docs/quality.md).</summary>
    [Range(1, 10)] public double UnseenTermWeight { get; set; } = 1;
    /// <summary>…or when a passage vector is at least this similar to the question (1 turns semantic evidence off).</summary>
    [Range(0, 1)] public double MinAnswerSimilarity { get; set; } = 1.0;
    /// <summary>A user who can read fewer chunks than this gets an exact scan instead of the HNSW index.</summary>
    [Range(0, 10_000_000)] public int ExactScanBelowVisibleChunks { get; set; } = 5000;
    [Range(10, 1000)] public int EfSearch { get; set; } = 100;
    /// <summary>pgvector 0.8 iterative scan stops after this many tuples (hnsw.max_scan_tuples).</summary>
    [Range(1000, 10_000_000)] public int MaxScanTuples { get; set; } = 50_000;
}
