using KnowledgePortal.Core.Domain;

namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>
/// Collects blocks for one extraction: cleans each text, drops empty ones, enforces
/// <see cref="ExtractionLimits.MaxExtractedCharacters"/>, observes cancellation and passes OCR progress on.
/// </summary>
internal sealed class ExtractionSink(ExtractionLimits limits, CancellationToken ct, Action<OcrProgress>? progress = null)
{
    private readonly List<ExtractedBlock> _blocks = [];
    private readonly List<string> _warnings = [];

    public ExtractionLimits Limits { get; } = limits;
    public CancellationToken CancellationToken { get; } = ct;
    public IReadOnlyList<ExtractedBlock> Blocks => _blocks;
    public IReadOnlyList<string> Warnings => _warnings;
    public long TotalCharacters { get; private set; }

    /// <summary>Characters that may still be added before the limit is hit.</summary>
    public long Remaining => Math.Max(0, Limits.MaxExtractedCharacters - TotalCharacters);

    /// <summary>Cleans <paramref name="rawText"/> and appends it; returns false when nothing was left after cleaning.</summary>
    public bool Add(string? rawText, SourceLocator locator, string? context = null) => Insert(_blocks.Count, rawText, locator, null, context);

    /// <summary>
    /// As <see cref="Add"/>, at <paramref name="index"/> among the blocks so far: a page recognised by OCR after the text
    /// pages were read takes its place in page order. <paramref name="ocrConfidence"/> marks text recognised by OCR.
    /// </summary>
    public bool Insert(int index, string? rawText, SourceLocator locator, double? ocrConfidence, string? context = null)
    {
        CancellationToken.ThrowIfCancellationRequested();
        if (string.IsNullOrEmpty(rawText)) return false;
        EnsureRoomFor(rawText.Length / 4); // cheap early guard before cleaning a huge string
        var text = TextNormalizer.Clean(rawText);
        if (text.Length == 0) return false;
        EnsureRoomFor(text.Length);
        TotalCharacters += text.Length;
        var cleanContext = string.IsNullOrEmpty(context) ? null : TextNormalizer.Clean(context);
        _blocks.Insert(index, new ExtractedBlock(text, locator, string.IsNullOrEmpty(cleanContext) ? null : cleanContext, ocrConfidence));
        return true;
    }

    /// <summary>Tells the caller (the ingestion job, through the child process) how far OCR is.</summary>
    public void ReportOcr(OcrProgress ocr) => progress?.Invoke(ocr);

    /// <summary>Throws <see cref="ExtractionFailure.TooLarge"/> when <paramref name="additional"/> more characters would exceed the limit.</summary>
    public void EnsureRoomFor(long additional)
    {
        if (TotalCharacters + additional > Limits.MaxExtractedCharacters)
            throw TooMuchText(Limits);
    }

    public void Warn(string warning)
    {
        if (_warnings.Count < 200 && !_warnings.Contains(warning)) _warnings.Add(warning);
    }

    public static ExtractionException TooMuchText(ExtractionLimits limits) =>
        new(ExtractionFailure.TooLarge, IngestionMessages.TooMuchText(limits.MaxExtractedCharacters));

    public ExtractionResult ToResult(int pageCount, string detectedType, string? title)
    {
        if (_blocks.Count == 0)
            throw new ExtractionException(ExtractionFailure.Empty, "No text could be extracted from this file.");
        var cleanTitle = TextNormalizer.Clean(title);
        return new ExtractionResult(_blocks.ToArray(), pageCount, _warnings.ToArray(), detectedType,
            cleanTitle.Length == 0 ? null : cleanTitle);
    }
}
