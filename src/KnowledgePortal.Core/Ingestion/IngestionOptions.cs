using System.ComponentModel.DataAnnotations;
using KnowledgePortal.Core.Ingestion.Extraction;

namespace KnowledgePortal.Core.Ingestion;

public sealed class IngestionOptions
{
    public const string Section = "Ingestion";

    [Range(1, 2048)] public int MaxFileMegabytes { get; set; } = 100;
    [Range(1, 20480)] public int MaxUploadMegabytes { get; set; } = 500;
    [Range(10, 1_000_000)] public int MaxZipEntries { get; set; } = 10_000;
    [Range(1, 100_000)] public int MaxUncompressedMegabytes { get; set; } = 1024;
    [Range(2, 10_000)] public double MaxCompressionRatio { get; set; } = 100;
    [Range(1000, 1_000_000_000)] public long MaxExtractedCharacters { get; set; } = 20_000_000;
    /// <summary>
    /// Largest one PDF stream may inflate to. PdfPig holds a decoded stream in one array (briefly about three times that
    /// while the array grows), so this bounds the working set per file; 256 MB holds a 600 dpi A4 colour scan (~100 MB)
    /// with room. All streams of a file together are bounded by <see cref="MaxUncompressedMegabytes"/>.
    /// </summary>
    [Range(1, 2047)] public int MaxPdfStreamMegabytes { get; set; } = 256;
    [Range(1, 3600)] public int FileTimeoutSeconds { get; set; } = 120;
    /// <summary>
    /// Read PDF and Office files in a child process of this binary that is killed when <see cref="FileTimeoutSeconds"/>
    /// runs out: PdfPig and the OpenXml SDK cannot be interrupted, and an abandoned thread would keep the CPU busy.
    /// </summary>
    public bool IsolateExtraction { get; set; } = true;
    public MacroPolicy MacroPolicy { get; set; } = MacroPolicy.IndexWithoutMacros;
    /// <summary>Recognise scanned pages and image files with tesseract (pages without a text layer are rendered by pdftoppm).</summary>
    public bool OcrEnabled { get; set; }
    public string TesseractPath { get; set; } = "/usr/bin/tesseract";
    public string PdftoppmPath { get; set; } = "/usr/bin/pdftoppm";
    /// <summary>Tesseract languages for horizontal text, e.g. "jpn+eng" (installed as tesseract-ocr-jpn, tesseract-ocr-eng).</summary>
    public string OcrLanguages { get; set; } = "jpn+eng";
    /// <summary>Languages for vertical text ("jpn_vert", tesseract-ocr-jpn-vert), tried when a horizontal reading is unsure; empty: never.</summary>
    public string OcrVerticalLanguages { get; set; } = "jpn_vert";
    [Range(72, 600)] public int OcrDpi { get; set; } = 300;
    /// <summary>Time one page may take to render and recognise; each page to recognise adds it to <see cref="FileTimeoutSeconds"/>.</summary>
    [Range(1, 3600)] public int OcrPageTimeoutSeconds { get; set; } = 60;
    /// <summary>Largest image (or page of a TIFF) accepted, read from its header before it is decoded: image-bomb protection.</summary>
    [Range(1, 10_000)] public int MaxImageMegapixels { get; set; } = 100;
    /// <summary>Pages recognised with a lower confidence (0–100) are flagged in the chunk preview.</summary>
    [Range(0, 100)] public double OcrLowConfidence { get; set; } = 60;
    /// <summary>LibreOffice's soffice, which converts .doc, .xls, .ppt, .rtf, .odt, .ods and .odp to Office Open XML.</summary>
    public string SofficePath { get; set; } = "/usr/bin/soffice";
    /// <summary>
    /// A conversion taking longer is killed (its whole process tree) and fails that file alone. Keep it below
    /// <see cref="FileTimeoutSeconds"/>, which bounds the whole extraction including the conversion.
    /// </summary>
    [Range(5, 3600)] public int ConversionTimeoutSeconds { get; set; } = 60;

    [Range(50, 8000)] public int ChunkTokens { get; set; } = 400;
    [Range(0, 2000)] public int ChunkOverlapTokens { get; set; } = 60;

    /// <summary>Run the ingestion worker inside the web process (turn off when separate `worker` processes do it).</summary>
    public bool RunWorkerInWebProcess { get; set; } = true;
    [Range(1, 64)] public int WorkerConcurrency { get; set; } = 2;
    /// <summary>A job whose worker stopped renewing its lease this long ago is taken over (crash recovery).</summary>
    [Range(1, 3600)] public int LeaseSeconds { get; set; } = 120;
    [Range(1, 20)] public int MaxAttempts { get; set; } = 3;
    /// <summary>How often worker processes look for (and repair) chunks whose ACL or label drifted from their rules.</summary>
    [Range(1, 1440)] public int AclReconcileMinutes { get; set; } = 15;

    public ExtractionLimits ToLimits() => new()
    {
        MaxFileBytes = MaxFileMegabytes * 1024L * 1024,
        MaxZipEntries = MaxZipEntries,
        MaxUncompressedBytes = MaxUncompressedMegabytes * 1024L * 1024,
        MaxPdfStreamBytes = MaxPdfStreamMegabytes * 1024L * 1024,
        MaxCompressionRatio = MaxCompressionRatio,
        MaxExtractedCharacters = MaxExtractedCharacters,
        Macros = MacroPolicy,
        OcrEnabled = OcrEnabled,
        TesseractPath = TesseractPath,
        PdftoppmPath = PdftoppmPath,
        OcrLanguages = OcrLanguages,
        OcrVerticalLanguages = OcrVerticalLanguages ?? "",
        OcrDpi = OcrDpi,
        OcrPageTimeout = TimeSpan.FromSeconds(OcrPageTimeoutSeconds),
        MaxImagePixels = MaxImageMegapixels * 1_000_000L,
        OcrLowConfidence = OcrLowConfidence,
        SofficePath = SofficePath,
        ConversionTimeoutSeconds = ConversionTimeoutSeconds,
    };
}
