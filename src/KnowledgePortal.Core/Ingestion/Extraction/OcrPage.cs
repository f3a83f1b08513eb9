namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>One page as tesseract read it.</summary>
/// <param name="Paragraphs">Text in reading order, one entry per paragraph tesseract found.</param>
/// <param name="Confidence">0–100: the mean of the word confidences weighted by word length; 0 when nothing was read.</param>
/// <param name="Characters">Characters recognised (the weight of <paramref name="Confidence"/>).</param>
internal sealed record OcrPage(IReadOnlyList<string> Paragraphs, double Confidence, long Characters)
{
    /// <summary>Languages the page was read with (horizontal or vertical); set by <see cref="TesseractOcr"/>.</summary>
    public string Languages { get; init; } = "";
}
