using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Text;

namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>
/// One unit of extracted text: a paragraph, heading, list item, table row, slide part, sheet row or PDF page text.
/// The chunker packs consecutive blocks that share a boundary (page / slide / sheet) and heading path.
/// </summary>
/// <param name="Text">Clean text (NFKC normalised, whitespace collapsed).</param>
/// <param name="Locator">Page / slide / sheet + cell range / heading path of this block.</param>
/// <param name="Context">Heading path, slide title or sheet name shown with the chunk (may equal Locator.HeadingPath).</param>
/// <param name="OcrConfidence">For text recognised by OCR, its page's confidence (0–100, the mean of tesseract's word
/// confidences weighted by word length); null for text read from the file.</param>
public sealed record ExtractedBlock(string Text, SourceLocator Locator, string? Context = null, double? OcrConfidence = null);

/// <param name="Blocks">Text in reading order.</param>
/// <param name="PageCount">Pages (pdf), slides (pptx), sheets (xlsx) or 1 for flowing documents.</param>
/// <param name="Warnings">Human-readable notes, e.g. "page 3: no text layer — scanned?".</param>
/// <param name="DetectedType">The sniffed type, e.g. "docx", "pdf".</param>
public sealed record ExtractionResult(
    IReadOnlyList<ExtractedBlock> Blocks,
    int PageCount,
    IReadOnlyList<string> Warnings,
    string DetectedType,
    string? Title = null);

public enum ExtractionFailure
{
    Unsupported,
    Corrupt,
    Encrypted,
    TooLarge,
    ZipBomb,
    MacroRefused,
    Empty,
    Garbled,
    NoTextLayer,
    Timeout,
    Malicious,
}

/// <summary>
/// A file that cannot be indexed. <see cref="Detail"/> is what the uploader reads (translated in the UI);
/// <see cref="Exception.Message"/> is its English text.
/// </summary>
public sealed class ExtractionException : Exception
{
    /// <summary>A reason without arguments, coded by its kind ("Ingestion.Encrypted", …).</summary>
    public ExtractionException(ExtractionFailure failure, string message, Exception? inner = null)
        : this(failure, IngestionMessages.ForKind(failure, message), inner) { }

    public ExtractionException(ExtractionFailure failure, PortalMessage detail, Exception? inner = null)
        : base(detail.Text, inner)
    {
        Failure = failure;
        Detail = detail;
    }

    public ExtractionFailure Failure { get; }
    public PortalMessage Detail { get; }
}

public enum MacroPolicy { IndexWithoutMacros, Refuse }

/// <summary>Bounds that keep a hostile file from exhausting memory or time.</summary>
public sealed record ExtractionLimits
{
    public long MaxFileBytes { get; init; } = 100L * 1024 * 1024;
    public int MaxZipEntries { get; init; } = 10_000;
    /// <summary>Everything a file expands to: the parts of a zip, or all decoded streams of a PDF.</summary>
    public long MaxUncompressedBytes { get; init; } = 1024L * 1024 * 1024;
    public double MaxCompressionRatio { get; init; } = 100;
    /// <summary>Passed to OpenXmlPackage as MaxCharactersInPart.</summary>
    public long MaxCharactersInPart { get; init; } = 100_000_000;
    /// <summary>Upper bound on extracted characters for a whole file (guards amplification).</summary>
    public long MaxExtractedCharacters { get; init; } = 20_000_000;
    public int MaxPdfPages { get; init; } = 5_000;
    /// <summary>What one PDF stream may decode to (checked before PdfPig inflates it, see PdfDecodeBudget).</summary>
    public long MaxPdfStreamBytes { get; init; } = 256L * 1024 * 1024;
    public MacroPolicy Macros { get; init; } = MacroPolicy.IndexWithoutMacros;
    public bool OcrEnabled { get; init; }
    public string TesseractPath { get; init; } = "/usr/bin/tesseract";
    /// <summary>Renders PDF pages without a text layer for OCR (poppler-utils).</summary>
    public string PdftoppmPath { get; init; } = "/usr/bin/pdftoppm";
    /// <summary>Tesseract languages for horizontal text (<c>-l</c>).</summary>
    public string OcrLanguages { get; init; } = "jpn+eng";
    /// <summary>
    /// Tesseract languages for vertical text, tried when the horizontal reading is not confident
    /// (<see cref="TesseractOcr.VerticalRetryBelow"/>); the more confident reading is kept. Empty: never tried.
    /// </summary>
    public string OcrVerticalLanguages { get; init; } = "jpn_vert";
    /// <summary>Resolution PDF pages are rendered at for OCR (lowered for a page that would exceed <see cref="MaxImagePixels"/>).</summary>
    public int OcrDpi { get; init; } = 300;
    /// <summary>What one page may take to render and recognise, all attempts together; each page adds it to the file's time.</summary>
    public TimeSpan OcrPageTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Pixels an image (or one page of it) may have: checked in its header, before anything decodes it.</summary>
    public long MaxImagePixels { get; init; } = 100_000_000;
    /// <summary>A recognised page below this confidence (0–100) is warned about and flagged in the preview.</summary>
    public double OcrLowConfidence { get; init; } = 60;
    /// <summary>LibreOffice, which converts .doc, .xls, .ppt, .rtf and OpenDocument files (see <see cref="LibreOfficeConverter"/>).</summary>
    public string SofficePath { get; init; } = "/usr/bin/soffice";
    /// <summary>After this long a conversion's process tree is killed and the file fails.</summary>
    public int ConversionTimeoutSeconds { get; init; } = 60;
}
