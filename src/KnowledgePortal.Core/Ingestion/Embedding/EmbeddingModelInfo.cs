using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Core.Ingestion.Embedding;

/// <summary>The embedding model in use: its id is stored with every vector; its dimension picks the HNSW index.</summary>
public sealed record EmbeddingModelInfo(string ModelId, int Dimension)
{
    /// <summary>Model ids become part of SQL identifiers and partial-index predicates, so only safe characters pass.</summary>
    public static bool IsSafeId(string id) => id.Length is > 0 and <= 80 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':' or '/');

    public string IndexName => "ix_chunks_embedding_hnsw_" + new string(ModelId.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '_').ToArray());

    /// <summary>The generator's own model id and dimension, else the configured ones; an unusable id or a missing dimension stops the start.</summary>
    public static EmbeddingModelInfo Of(IEmbeddingGenerator<string, Embedding<float>> generator, EmbeddingOptions options)
    {
        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        var id = metadata?.DefaultModelId ?? options.Model ?? "unknown";
        var dimension = metadata?.DefaultModelDimensions ?? options.Dimensions
            ?? throw new OptionsValidationException(EmbeddingOptions.Section, typeof(EmbeddingOptions),
                ["Embedding:Dimensions is required for this embedding provider"]);
        if (!IsSafeId(id))
            throw new OptionsValidationException(EmbeddingOptions.Section, typeof(EmbeddingOptions),
                [$"Embedding model id '{id}' may contain only letters, digits and - _ . : /"]);
        return new EmbeddingModelInfo(id, dimension);
    }
}
