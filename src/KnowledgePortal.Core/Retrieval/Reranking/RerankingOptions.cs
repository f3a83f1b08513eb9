using KnowledgePortal.Core.Domain;

namespace KnowledgePortal.Core.Retrieval.Reranking;

/// <summary>Which reranker scores the fused passages.</summary>
public enum RerankerProvider
{
    /// <summary>No reranking: the fused order is the answer order (the default).</summary>
    None,

    /// <summary>A rerank API over HTTP (<see cref="HttpReranker"/>), speaking <see cref="RerankingOptions.Protocol"/>.</summary>
    Http,

    /// <summary>An in-process ONNX cross-encoder over <see cref="RerankingOptions.ModelPath"/>.</summary>
    Onnx,
}

/// <summary>The wire format of a rerank API; each has its own path, request and response shape.</summary>
public enum RerankProtocol
{
    /// <summary>Cohere <c>POST /v1/rerank</c>: {model, query, documents, top_n} → results[].index/relevance_score.</summary>
    CohereV1,

    /// <summary>Cohere <c>POST /v2/rerank</c>: as v1, model required, no return_documents.</summary>
    CohereV2,

    /// <summary>Jina AI <c>POST /v1/rerank</c>: {model, query, documents, top_n} → results[].index/relevance_score.</summary>
    Jina,

    /// <summary>Voyage AI <c>POST /v1/rerank</c>: {model, query, documents, top_k} → data[].index/relevance_score.</summary>
    Voyage,

    /// <summary>vLLM's Jina/Cohere-compatible <c>POST /v1/rerank</c>.</summary>
    VllmRerank,

    /// <summary>vLLM <c>POST /score</c>: {model, text_1, text_2[]} → data[].index/score.</summary>
    VllmScore,

    /// <summary>Hugging Face text-embeddings-inference <c>POST /rerank</c>: {query, texts} → bare array of {index, score}.</summary>
    Tei,

    /// <summary>llama.cpp server started with <c>--reranking</c>: <c>POST /v1/rerank</c> → results[].index/relevance_score.</summary>
    LlamaCpp,
}

/// <summary>Reranking settings, bound from the configuration section <see cref="Section"/>.</summary>
public sealed class RerankingOptions
{
    public const string Section = "Reranking";

    public RerankerProvider Provider { get; set; } = RerankerProvider.None;

    /// <summary>Base URL of the rerank server (the protocol's path is appended); optional for Cohere, Jina and Voyage,
    /// whose public APIs are the default.</summary>
    public string? Endpoint { get; set; }

    /// <summary>Required for <see cref="Provider"/> Http.</summary>
    public RerankProtocol? Protocol { get; set; }

    /// <summary>Model name; required by Cohere, Jina and Voyage, optional for vLLM and llama.cpp, not sent to TEI.</summary>
    public string? Model { get; set; }

    /// <summary>Sent as a bearer token; never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Setting that holds the API key: Providers:Keys:NAME or KP_PROVIDER_KEY_NAME only (<see cref="Access.ProviderKeys"/>).</summary>
    public string? ApiKeySetting { get; set; }

    /// <summary>Whole request, in seconds; a slower reranker is skipped (fused order) rather than waited for.</summary>
    public double TimeoutSeconds { get; set; } = 5;

    /// <summary>How many of the first fused passages are scored; the rest keep their order after them.</summary>
    public int Candidates { get; set; } = 20;

    /// <summary>Where an HTTP reranker runs; unset counts as Cloud (fail closed).</summary>
    public ProviderLocation? Location { get; set; }

    /// <summary>Highest label whose text may be sent to the reranker; unset: Internal for cloud, Secret on premises.</summary>
    public SensitivityLabel? MaxSensitivity { get; set; }

    /// <summary>Folder of the ONNX cross-encoder, for <see cref="RerankerProvider.Onnx"/>.</summary>
    public string? ModelPath { get; set; }

    /// <summary>A copy with <see cref="ApiKey"/> read from <see cref="ApiKeySetting"/> when it is not set directly.</summary>
    public RerankingOptions WithApiKey(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var copy = (RerankingOptions)MemberwiseClone();
        if (string.IsNullOrEmpty(copy.ApiKey) && !string.IsNullOrEmpty(ApiKeySetting)) copy.ApiKey = Access.ProviderKeys.FromSetting(configuration, ApiKeySetting);
        return copy;
    }
}
