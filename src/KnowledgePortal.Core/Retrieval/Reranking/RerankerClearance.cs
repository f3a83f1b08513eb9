using KnowledgePortal.Core.Domain;

namespace KnowledgePortal.Core.Retrieval.Reranking;

/// <summary>
/// Where the reranker runs and the highest label whose text may be sent to it, with the same rules as an embedder's
/// clearance: passages above it are never sent and keep their fused position.
/// </summary>
public sealed record RerankerClearance(ProviderLocation Location, SensitivityLabel MaxSensitivity)
{
    /// <summary>An in-process model sends text nowhere.</summary>
    public static readonly RerankerClearance InProcess = new(ProviderLocation.OnPremises, SensitivityLabel.Secret);

    /// <summary>
    /// An HTTP reranker counts as cloud unless Reranking:Location says OnPremises (a URL proves nothing about where the
    /// model runs); a cloud reranker is cleared for Internal unless told lower.
    /// </summary>
    public static RerankerClearance From(RerankingOptions o)
    {
        if (o.Provider is RerankerProvider.Onnx) return InProcess;
        var location = o.Location ?? ProviderLocation.Cloud;
        var max = o.MaxSensitivity ?? (location == ProviderLocation.OnPremises ? SensitivityLabel.Secret : SensitivityLabel.Internal);
        return new RerankerClearance(location, max);
    }
}
