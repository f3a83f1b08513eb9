using KnowledgePortal.Core.Domain;

namespace KnowledgePortal.Core.Retrieval.Reranking;

/// <summary>
/// A relevance model that scores (question, passage) pairs after fusion: an HTTP rerank API or an in-process ONNX
/// cross-encoder. Like a chat provider it has a location and a clearance; the retriever never sends it a passage
/// above <see cref="MaxSensitivity"/>.
/// </summary>
public interface IReranker
{
    /// <summary>Name shown in diagnostics and eval reports (for example "http:cohere-v2 rerank-v3.5" or "onnx:bge-reranker").</summary>
    string Name { get; }

    ProviderLocation Location { get; }

    /// <summary>The highest label whose text may be sent to this reranker.</summary>
    SensitivityLabel MaxSensitivity { get; }

    /// <summary>
    /// One score per passage, in the order of <paramref name="passages"/> (higher is more relevant). Implementations
    /// map API results by their returned index, never by position. Throws on timeout or protocol errors; the caller
    /// falls back to the fused order.
    /// </summary>
    Task<IReadOnlyList<double>> ScoreAsync(string query, IReadOnlyList<string> passages, CancellationToken ct = default);
}
