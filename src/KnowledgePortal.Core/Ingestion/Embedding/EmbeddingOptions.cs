using System.ComponentModel.DataAnnotations;

namespace KnowledgePortal.Core.Ingestion.Embedding;

/// <summary>Where embeddings come from.</summary>
public enum EmbeddingProvider
{
    /// <summary>Offline feature-hashing model (<see cref="HashingEmbeddingGenerator"/>); the default.</summary>
    Builtin,

    /// <summary>api.openai.com (or <see cref="EmbeddingOptions.Endpoint"/> when set).</summary>
    OpenAI,

    /// <summary>Azure OpenAI / Azure AI Foundry through its OpenAI-compatible v1 API.</summary>
    AzureOpenAI,

    /// <summary>Any server implementing the OpenAI embeddings API (vLLM, Ollama, LM Studio, …).</summary>
    OpenAICompatible,

    /// <summary>A local ONNX model folder, BERT or XLM-R (<see cref="OnnxEmbeddingGenerator"/>).</summary>
    Onnx,
}

/// <summary>Embedding settings, bound from the configuration section <see cref="Section"/>.</summary>
public sealed class EmbeddingOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Embedding";

    /// <summary>Default model for <see cref="EmbeddingProvider.OpenAI"/> when <see cref="Model"/> is not set.</summary>
    public const string DefaultOpenAIModel = "text-embedding-3-small";

    public EmbeddingProvider Provider { get; set; } = EmbeddingProvider.Builtin;

    /// <summary>Model name; for Azure OpenAI the deployment name; for ONNX an optional model id (default: folder name).</summary>
    public string? Model { get; set; }

    /// <summary>Base URL: required for AzureOpenAI (<c>https://{resource}.openai.azure.com</c>) and OpenAICompatible
    /// (e.g. <c>http://localhost:11434/v1</c>); optional for OpenAI.</summary>
    public string? Endpoint { get; set; }

    /// <summary>API key, already resolved by the caller (from a secret store); never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Requested vector size for models that support shortening (text-embedding-3-*); null = model default.</summary>
    public int? Dimensions { get; set; }

    /// <summary>Folder with model.onnx and its tokenizer (sentencepiece.bpe.model, vocab.txt or tokenizer.json), for <see cref="EmbeddingProvider.Onnx"/>.</summary>
    public string? OnnxModelPath { get; set; }

    /// <summary>Pooling, query/passage prefixes and limits of the ONNX model (section <c>Embedding:Onnx</c>).</summary>
    public OnnxEmbeddingGeneratorOptions Onnx { get; set; } = new();

    /// <summary>Texts per embedding request, when indexing and when re-embedding (2048 is the OpenAI API's limit).</summary>
    [Range(1, 2048)]
    public int BatchSize { get; set; } = 64;

    /// <summary>Retries of transient HTTP failures (429, 5xx, timeouts) per request.</summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>Timeout of a single HTTP attempt, in seconds.</summary>
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>Where an HTTP embedding server runs; unset counts as Cloud (an OpenAI-compatible server may be anywhere).</summary>
    public Domain.ProviderLocation? Location { get; set; }

    /// <summary>Highest label whose text may be sent to the embedder; unset: Internal for cloud, Secret on premises.</summary>
    public Domain.SensitivityLabel? MaxSensitivity { get; set; }

    /// <summary>Setting that holds the API key: Providers:Keys:NAME or KP_PROVIDER_KEY_NAME only (<see cref="Access.ProviderKeys.SettingPrefixes"/>).</summary>
    public string? ApiKeySetting { get; set; }

    /// <summary>A copy with <see cref="ApiKey"/> read from <see cref="ApiKeySetting"/> when it is not set directly.</summary>
    public EmbeddingOptions WithApiKey(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var copy = (EmbeddingOptions)MemberwiseClone();
        if (string.IsNullOrEmpty(copy.ApiKey) && !string.IsNullOrEmpty(ApiKeySetting)) copy.ApiKey = Access.ProviderKeys.FromSetting(configuration, ApiKeySetting);
        return copy;
    }
}
