using Microsoft.ML.Tokenizers;

namespace KnowledgePortal.Core.Ingestion.Chunking;

/// <summary>Counts model tokens in a piece of text; used to keep chunks within the embedding model's budget.</summary>
public interface ITokenCounter
{
    /// <summary>Number of tokens <paramref name="text"/> encodes to (0 for null or empty text).</summary>
    int Count(string text);
}

/// <summary>
/// Token counter backed by the <c>cl100k_base</c> BPE encoding (OpenAI embedding and GPT-4 family models).
/// The encoding data ships in the Microsoft.ML.Tokenizers.Data.Cl100kBase package, so no network access is needed.
/// </summary>
/// <remarks>
/// The tokenizer is loaded once per process (lazily, on first use) and shared; encoding is thread-safe, so register
/// this type as a singleton or use <see cref="Instance"/>.
/// </remarks>
public sealed class TiktokenCounter : ITokenCounter
{
    private static readonly Lazy<TiktokenTokenizer> SharedTokenizer =
        new(() => TiktokenTokenizer.CreateForEncoding("cl100k_base"), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Process-wide instance.</summary>
    public static TiktokenCounter Instance { get; } = new();

    /// <inheritdoc />
    public int Count(string text) =>
        string.IsNullOrEmpty(text) ? 0 : SharedTokenizer.Value.CountTokens(text, considerPreTokenization: true, considerNormalization: true);
}
