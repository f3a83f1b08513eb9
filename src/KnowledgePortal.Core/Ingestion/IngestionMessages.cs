using KnowledgePortal.Core.Ingestion.Extraction;
using KnowledgePortal.Core.Text;

namespace KnowledgePortal.Core.Ingestion;

/// <summary>
/// The reasons a file could not be indexed, as <see cref="PortalMessage"/>s (codes "Ingestion.*", translated in the
/// Web as "Msg.Ingestion.*"), and which of them a plain re-run can cure.
/// </summary>
public static class IngestionMessages
{
    public const string Prefix = "Ingestion.";

    /// <summary>The message of a failure kind whose English text has no arguments (code "Ingestion.&lt;Kind&gt;").</summary>
    public static PortalMessage ForKind(ExtractionFailure failure, string englishText) => PortalMessage.Create(Prefix + failure, englishText);

    public static PortalMessage FileTooLarge(string megabytes, string limitMegabytes) => PortalMessage.Create(Prefix + "FileTooLarge",
        "This file is {size} MB; the limit is {limit} MB.", ("size", megabytes), ("limit", limitMegabytes));

    public static PortalMessage TooManyPages(int pages, int limit) => PortalMessage.Create(Prefix + "TooManyPages",
        "This PDF has {pages} pages; the limit is {limit}. Split it into smaller files.", ("pages", pages), ("limit", limit));

    public static PortalMessage TooManyImagePages(int limit) => PortalMessage.Create(Prefix + "TooManyImagePages",
        "This image file has more than {limit} pages. Split it into smaller files.", ("limit", limit));

    public static PortalMessage ImageTooLarge(long width, long height, long limitMegapixels) => PortalMessage.Create(Prefix + "ImageTooLarge",
        "This image is {width} × {height} pixels ({megapixels} megapixels); the limit is {limit} megapixels (Ingestion:MaxImageMegapixels).",
        ("width", width), ("height", height), ("megapixels", (long)Math.Ceiling(width * (double)height / 1_000_000)), ("limit", limitMegapixels));

    public static PortalMessage ImageNeedsOcr() => PortalMessage.Create(Prefix + "ImageNeedsOcr",
        "This is an image: reading its text needs OCR (Ingestion:OcrEnabled, needs tesseract-ocr).");

    public static PortalMessage OcrTimeout(int seconds) => PortalMessage.Create(Prefix + "OcrTimeout",
        "Recognising the text of a page (OCR) took longer than {seconds} s (Ingestion:OcrPageTimeoutSeconds) and was stopped.", ("seconds", seconds));

    public static PortalMessage TooMuchText(long limit) => PortalMessage.Create(Prefix + "TooMuchText",
        "This file contains more text than can be indexed (limit {limit} characters); split it into smaller files.", ("limit", limit));

    /// <summary>An OLE2 compound file that is none of .doc, .xls, .ppt (an Outlook .msg, a Visio drawing, …).</summary>
    public static PortalMessage LegacyOffice() => PortalMessage.Create(Prefix + "LegacyOffice",
        "This legacy Office file is not a Word, Excel or PowerPoint document (it may be an Outlook message or a drawing) and cannot be read." + SupportedFormats,
        (FormatsArgument, DocumentFormats.SupportedList));

    public static PortalMessage ConverterMissing(string path) => PortalMessage.Create(Prefix + "ConverterMissing",
        "Reading this file needs LibreOffice, which is not installed here ({path}, setting Ingestion:SofficePath); ask IT to install it and re-run the file.",
        ("path", path));

    public static PortalMessage ConversionTimeout(int seconds) => PortalMessage.Create(Prefix + "ConversionTimeout",
        "Converting this file with LibreOffice took longer than {seconds} s (Ingestion:ConversionTimeoutSeconds) and was stopped.", ("seconds", seconds));

    public static PortalMessage ConversionFailed() => PortalMessage.Create(Prefix + "ConversionFailed",
        "LibreOffice could not convert this file (it may be damaged, or not the format its name says); open it in Office, save it again and upload it.");

    public static PortalMessage ZipArchive() => PortalMessage.Create(Prefix + "ZipArchive",
        "This is a zip archive, not a Word, Excel or PowerPoint file; upload the documents it contains instead.");

    public static PortalMessage StrictWorkbook() => PortalMessage.Create(Prefix + "StrictWorkbook",
        "This workbook is saved as \"Strict Open XML\", which could not be read; save it as a normal Excel Workbook (.xlsx) and upload it again.");

    /// <summary>The list every "not a supported format" message ends with (argument "formats": extensions read the same in every language).</summary>
    public const string FormatsArgument = "formats";

    private const string SupportedFormats = " Supported formats: {formats}.";

    public static PortalMessage NotText(string extension) => PortalMessage.Create(Prefix + "NotText",
        "This {ext} file does not contain readable text (it may be binary data)." + SupportedFormats,
        ("ext", extension), (FormatsArgument, DocumentFormats.SupportedList));

    public static PortalMessage UnknownType() => PortalMessage.Create(Prefix + "UnknownType",
        "The type of this file could not be recognised." + SupportedFormats, (FormatsArgument, DocumentFormats.SupportedList));

    public static PortalMessage TypeMismatch(string extension) => PortalMessage.Create(Prefix + "TypeMismatch",
        "The content of this file does not match a supported format (its name ends in {ext})." + SupportedFormats,
        ("ext", extension), (FormatsArgument, DocumentFormats.SupportedList));

    public static PortalMessage Timeout(int seconds) => PortalMessage.Create(Prefix + "TimeoutAfter",
        "Reading this file took longer than {seconds} s (Ingestion:FileTimeoutSeconds) and was stopped.", ("seconds", seconds));

    public static PortalMessage ReaderCrashed() => PortalMessage.Create(Prefix + "ReaderCrashed",
        "The file could not be read: the reader stopped unexpectedly (the file may be damaged or built to attack it).");

    public static PortalMessage Interrupted(int times) => PortalMessage.Create(Prefix + "Interrupted",
        "Indexing this file was interrupted {times} times (the indexer stopped while reading it); it was set aside.", ("times", times));

    public static PortalMessage EmbeddingUnreachable() => PortalMessage.Create(Prefix + "EmbeddingUnreachable",
        "The embedding service could not be reached; re-run the file when it is available.");

    public static PortalMessage DatabaseUnavailable() => PortalMessage.Create(Prefix + "DatabaseUnavailable",
        "The database was unavailable while indexing; re-run the file.");

    public static PortalMessage InternalError(string error) => PortalMessage.Create(Prefix + "InternalError",
        "Indexing failed because of an internal error ({error}); re-run the file or ask IT to check the log.", ("error", error));

    public static PortalMessage Cancelled() => PortalMessage.Create(Prefix + "Cancelled", "Cancelled.");

    /// <summary>
    /// Failures of the file itself: running it again gives the same result, so the Documents page offers no "Run again"
    /// (upload a repaired file instead). Everything else — time-outs, limits and settings an administrator can change,
    /// services that were down, cancellation, and rows from before codes were stored — may succeed on a re-run.
    /// </summary>
    private static readonly HashSet<string> Permanent = new(StringComparer.Ordinal)
    {
        Prefix + nameof(ExtractionFailure.Encrypted), Prefix + nameof(ExtractionFailure.Corrupt),
        Prefix + nameof(ExtractionFailure.Unsupported), Prefix + nameof(ExtractionFailure.ZipBomb),
        Prefix + nameof(ExtractionFailure.Malicious), Prefix + nameof(ExtractionFailure.Empty),
        Prefix + nameof(ExtractionFailure.Garbled), Prefix + "LegacyOffice", Prefix + "ConversionFailed", Prefix + "ZipArchive", Prefix + "StrictWorkbook",
        Prefix + "ReaderCrashed", Prefix + "NotText", Prefix + "UnknownType", Prefix + "TypeMismatch",
    };

    /// <summary>True when running the same file again can succeed (see <see cref="Permanent"/>).</summary>
    public static bool CanRetry(string? failureCode) => failureCode is null || !Permanent.Contains(failureCode);
}
