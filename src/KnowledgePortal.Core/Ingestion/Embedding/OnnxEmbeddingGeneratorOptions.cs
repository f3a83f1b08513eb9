namespace KnowledgePortal.Core.Ingestion.Embedding;

/// <summary>How token vectors become one text vector.</summary>
public enum OnnxPooling
{
    /// <summary>Average over the real (unpadded) tokens: sentence-transformers' mean pooling (multilingual-e5, MiniLM).</summary>
    Mean,

    /// <summary>The first token's vector ([CLS] / &lt;s&gt;): bge-m3's dense embedding.</summary>
    Cls,
}

/// <summary>
/// Settings for <see cref="OnnxEmbeddingGenerator"/>, bound from <c>Embedding:Onnx</c>. They belong to the model:
/// changing pooling or prefixes changes every vector, so give the model a new <c>Embedding:Model</c> id then, which
/// re-embeds the chunks.
/// </summary>
public sealed class OnnxEmbeddingGeneratorOptions
{
    /// <summary>Model id recorded with vectors; defaults to the model folder's name (<c>Embedding:Model</c> wins when set).</summary>
    public string? ModelId { get; set; }

    /// <summary>Tokens per text including the special tokens and the prefix; longer texts are truncated. Default 256.</summary>
    public int MaxSequenceLength { get; set; } = 256;

    /// <summary>
    /// Lower-case before WordPiece (vocab.txt or a WordPiece tokenizer.json). Null (default) reads <c>do_lower_case</c>
    /// from <c>tokenizer_config.json</c> (or the tokenizer.json normaliser), otherwise true. Unused for SentencePiece.
    /// </summary>
    public bool? LowerCase { get; set; }

    /// <summary>Texts per ONNX Runtime call (bounds memory); larger requests are processed in slices.</summary>
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>Intra-op threads for ONNX Runtime; null lets it decide.</summary>
    public int? IntraOpNumThreads { get; set; }

    /// <summary>Pooling of a <c>[batch, sequence, dim]</c> output (an already pooled <c>[batch, dim]</c> output is used as is). Default Mean.</summary>
    public OnnxPooling Pooling { get; set; } = OnnxPooling.Mean;

    /// <summary>Text put before every search question, e.g. <c>"query: "</c> for multilingual-e5; none by default (bge-m3).</summary>
    public string? QueryPrefix { get; set; }

    /// <summary>Text put before every chunk, e.g. <c>"passage: "</c> for multilingual-e5; none by default (bge-m3).</summary>
    public string? PassagePrefix { get; set; }

    internal OnnxEmbeddingGeneratorOptions Clone() => (OnnxEmbeddingGeneratorOptions)MemberwiseClone();
}
