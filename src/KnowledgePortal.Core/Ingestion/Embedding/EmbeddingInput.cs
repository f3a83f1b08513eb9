using Microsoft.Extensions.AI;

namespace KnowledgePortal.Core.Ingestion.Embedding;

/// <summary>What an embedded text is: asymmetric models (multilingual-e5) embed questions and passages differently.</summary>
public enum EmbeddingInputKind
{
    /// <summary>Text that is stored and searched: chunks. The default when a caller does not say.</summary>
    Passage,

    /// <summary>A search question.</summary>
    Query,
}

/// <summary>
/// Carries the <see cref="EmbeddingInputKind"/> in <see cref="EmbeddingGenerationOptions.AdditionalProperties"/>, so the
/// <see cref="IEmbeddingGenerator{TInput,TEmbedding}"/> contract stays as it is: the ONNX embedder reads it to choose a
/// prefix; the built-in and HTTP embedders ignore it (the OpenAI adapter does not send additional properties).
/// </summary>
public static class EmbeddingInput
{
    /// <summary>Key in <see cref="EmbeddingGenerationOptions.AdditionalProperties"/>; value "query" or "passage".</summary>
    public const string PropertyName = "knowledgeportal.input_kind";

    /// <summary>Options for embedding a search question (a new instance: options objects are mutable).</summary>
    public static EmbeddingGenerationOptions Query() => For(EmbeddingInputKind.Query);

    /// <summary>Options for embedding chunks.</summary>
    public static EmbeddingGenerationOptions Passage() => For(EmbeddingInputKind.Passage);

    public static EmbeddingGenerationOptions For(EmbeddingInputKind kind) => new()
    {
        AdditionalProperties = new AdditionalPropertiesDictionary { [PropertyName] = kind == EmbeddingInputKind.Query ? "query" : "passage" },
    };

    /// <summary>The kind <paramref name="options"/> carries; <see cref="EmbeddingInputKind.Passage"/> when none.</summary>
    public static EmbeddingInputKind KindOf(EmbeddingGenerationOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(PropertyName, out var value) == true
        && (value is EmbeddingInputKind.Query || (value is string s && s.Equals("query", StringComparison.OrdinalIgnoreCase)))
            ? EmbeddingInputKind.Query
            : EmbeddingInputKind.Passage;
}
