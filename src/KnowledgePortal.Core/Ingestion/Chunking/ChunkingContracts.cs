using KnowledgePortal.Core.Domain;

namespace KnowledgePortal.Core.Ingestion.Chunking;

/// <summary>Chunk size policy (bind from configuration).</summary>
public sealed class ChunkingOptions
{
    /// <summary>Hard upper bound on <see cref="ChunkDraft.TokenCount"/>; must be at least <see cref="Chunker.MinMaxTokens"/>.</summary>
    public int MaxTokens { get; set; } = 400;

    /// <summary>
    /// Budget for the trailing sentences of a chunk repeated at the start of the next chunk of the same section.
    /// Capped at half of <see cref="MaxTokens"/>; 0 disables overlap.
    /// </summary>
    public int OverlapTokens { get; set; } = 60;
}

/// <summary>A chunk ready to be embedded and stored.</summary>
/// <param name="Ordinal">Position in the document, 0..n-1 without gaps.</param>
/// <param name="Text">The passage (original text of its blocks; blocks separated by a line break).</param>
/// <param name="Context">Heading path, slide title or sheet name of the section the chunk comes from.</param>
/// <param name="Locator">Page / slide / sheet of the chunk; for sheets the merged cell range of its rows.</param>
/// <param name="TokenCount">Tokens in <paramref name="Text"/> as counted by the <see cref="ITokenCounter"/> used.</param>
/// <param name="ContentHash">Lower-case hex SHA-256 of UTF-8 <c>Context + "\n" + Text</c> (empty string for no context).</param>
/// <param name="OcrConfidence">The lowest OCR confidence of its blocks (their page's); null when none was recognised by OCR.</param>
public sealed record ChunkDraft(
    int Ordinal,
    string Text,
    string? Context,
    SourceLocator Locator,
    int TokenCount,
    string ContentHash,
    double? OcrConfidence = null);
