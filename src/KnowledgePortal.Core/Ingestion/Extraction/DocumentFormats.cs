using static KnowledgePortal.Core.Ingestion.Extraction.FormatSignature;

namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>
/// The registry of the formats the portal indexes, one entry each. The sniffer, the extractor's dispatch, the
/// supported-formats message, the content types stored for uploads (and so sent on download) and the upload page's
/// <c>accept</c> list all come from <see cref="All"/>: adding a format is one entry here (and its reader).
/// </summary>
public static class DocumentFormats
{
    public static readonly FileFormat Docx = new("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        new Package("word/document.xml", false, "wordprocessingml.document.main+xml", "wordprocessingml.template.main+xml"),
        (file, sink) => DocumentExtractor.ReadOoxml(file, sink, DocxExtractor.Extract), ".docx");

    public static readonly FileFormat Docm = new("docm", "application/vnd.ms-word.document.macroEnabled.12",
        new Package("word/document.xml", true, "application/vnd.ms-word.document.macroenabled.main+xml",
            "application/vnd.ms-word.template.macroenabledtemplate.main+xml"),
        (file, sink) => DocumentExtractor.ReadOoxml(file, sink, DocxExtractor.Extract), ".docm");

    public static readonly FileFormat Xlsx = new("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        new Package("xl/workbook.xml", false, "spreadsheetml.sheet.main+xml", "spreadsheetml.template.main+xml"),
        (file, sink) => DocumentExtractor.ReadOoxml(file, sink, DocumentExtractor.ReadWorkbook), ".xlsx");

    public static readonly FileFormat Xlsm = new("xlsm", "application/vnd.ms-excel.sheet.macroEnabled.12",
        new Package("xl/workbook.xml", true, "application/vnd.ms-excel.sheet.macroenabled.main+xml",
            "application/vnd.ms-excel.template.macroenabled.main+xml", "application/vnd.ms-excel.addin.macroenabled.main+xml"),
        (file, sink) => DocumentExtractor.ReadOoxml(file, sink, DocumentExtractor.ReadWorkbook), ".xlsm");

    public static readonly FileFormat Pptx = new("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        new Package("ppt/presentation.xml", false, "presentationml.presentation.main+xml", "presentationml.slideshow.main+xml",
            "presentationml.template.main+xml"),
        (file, sink) => DocumentExtractor.ReadOoxml(file, sink, PptxExtractor.Extract), ".pptx");

    public static readonly FileFormat Pptm = new("pptm", "application/vnd.ms-powerpoint.presentation.macroEnabled.12",
        new Package("ppt/presentation.xml", true, "application/vnd.ms-powerpoint.presentation.macroenabled.main+xml",
            "application/vnd.ms-powerpoint.slideshow.macroenabled.main+xml", "application/vnd.ms-powerpoint.template.macroenabled.main+xml"),
        (file, sink) => DocumentExtractor.ReadOoxml(file, sink, PptxExtractor.Extract), ".pptm");

    public static readonly FileFormat Pdf = new("pdf", "application/pdf", new Magic(FileSniffer.IsPdf),
        (file, sink) => PdfExtractor.Extract(file.Content, file.Format.Name, sink), ".pdf");

    public static readonly FileFormat Txt = new("txt", "text/plain", new TextFile(),
        (file, sink) => PlainTextExtractor.ExtractText(file.Text, file.Format.Name, sink), ".txt", ".text");

    public static readonly FileFormat Md = new("md", "text/markdown", new TextFile(),
        (file, sink) => PlainTextExtractor.ExtractMarkdown(file.Text, file.Format.Name, sink), ".md", ".markdown");

    public static readonly FileFormat Csv = new("csv", "text/csv", new TextFile(),
        (file, sink) => CsvExtractor.Extract(file.Text, file.FileName, file.Format.Name, sink), ".csv");

    public static readonly FileFormat Html = new("html", "text/html", new TextFile(),
        (file, sink) => HtmlExtractor.Extract(file.Text, file.Format.Name, sink), ".html", ".htm");

    // Read through LibreOffice (LegacyOfficeReader): converted to the Office Open XML format with the same locators.
    public static readonly FileFormat Doc = new("doc", "application/msword",
        new OleStreams("WordDocument", BinaryOfficeEncryption.Word, "Macros"),
        (file, sink) => LegacyOfficeReader.ReadCompound(file, sink, ConversionTarget.Word), ".doc");

    public static readonly FileFormat Xls = new("xls", "application/vnd.ms-excel",
        new OleStreams("Workbook", BinaryOfficeEncryption.Excel, "_VBA_PROJECT_CUR", "Book"),
        (file, sink) => LegacyOfficeReader.ReadCompound(file, sink, ConversionTarget.Spreadsheet), ".xls");

    // PowerPoint keeps its VBA project inside the document stream: not detectable from the container.
    public static readonly FileFormat Ppt = new("ppt", "application/vnd.ms-powerpoint",
        new OleStreams("PowerPoint Document", BinaryOfficeEncryption.PowerPoint, null),
        (file, sink) => LegacyOfficeReader.ReadCompound(file, sink, ConversionTarget.Presentation), ".ppt");

    public static readonly FileFormat Rtf = new("rtf", "application/rtf", new Magic(c => c.StartsWith(@"{\rtf"u8)),
        (file, sink) => LegacyOfficeReader.ReadRtf(file, sink, ConversionTarget.Word), ".rtf");

    public static readonly FileFormat Odt = new("odt", "application/vnd.oasis.opendocument.text",
        new OpenDocument("application/vnd.oasis.opendocument.text"),
        (file, sink) => LegacyOfficeReader.ReadOpenDocument(file, sink, ConversionTarget.Word), ".odt");

    public static readonly FileFormat Ods = new("ods", "application/vnd.oasis.opendocument.spreadsheet",
        new OpenDocument("application/vnd.oasis.opendocument.spreadsheet"),
        (file, sink) => LegacyOfficeReader.ReadOpenDocument(file, sink, ConversionTarget.Spreadsheet), ".ods");

    public static readonly FileFormat Odp = new("odp", "application/vnd.oasis.opendocument.presentation",
        new OpenDocument("application/vnd.oasis.opendocument.presentation"),
        (file, sink) => LegacyOfficeReader.ReadOpenDocument(file, sink, ConversionTarget.Presentation), ".odp");

    /// <summary>An e-mail message; its attachments become child documents (MessageAttachments).</summary>
    public static readonly FileFormat Eml = new("eml", "message/rfc822", new MailHeaders(), EmlExtractor.Extract, ".eml");

    // Images are documents through OCR (ImageExtractor); their headers are checked against the pixel limit first.
    public static readonly FileFormat Png = new("png", "image/png", new Magic(ImageHeader.IsPng), ImageExtractor.Extract, ".png");

    public static readonly FileFormat Jpeg = new("jpeg", "image/jpeg", new Magic(ImageHeader.IsJpeg), ImageExtractor.Extract, ".jpg", ".jpeg");

    public static readonly FileFormat Tiff = new("tiff", "image/tiff", new Magic(ImageHeader.IsTiff), ImageExtractor.Extract, ".tif", ".tiff");

    /// <summary>Every format, in the order messages list them.</summary>
    public static readonly IReadOnlyList<FileFormat> All =
        [Docx, Docm, Xlsx, Xlsm, Pptx, Pptm, Pdf, Txt, Md, Csv, Html, Doc, Xls, Ppt, Rtf, Odt, Ods, Odp, Eml, Png, Jpeg, Tiff];

    /// <summary>Word, Excel, PowerPoint and OpenDocument files in any of their formats: what LibreOffice renders to PDF.</summary>
    public static bool IsOffice(FileFormat format) =>
        format.Signature is FormatSignature.Package or FormatSignature.OleStreams or FormatSignature.OpenDocument || format == Rtf;

    /// <summary>What a file whose extension is unknown is stored and served as.</summary>
    public const string UnknownContentType = "application/octet-stream";

    private static readonly Dictionary<string, FileFormat> ByExtensionMap =
        All.SelectMany(f => f.Extensions.Select(e => (Extension: e, Format: f))).ToDictionary(x => x.Extension, x => x.Format);

    /// <summary>The format a file name's extension names (case-insensitive), or null. Says nothing about the content.</summary>
    public static FileFormat? ByExtension(string? fileName) =>
        ByExtensionMap.GetValueOrDefault(Path.GetExtension(fileName ?? string.Empty).ToLowerInvariant());

    /// <summary>The content type stored for an upload named <paramref name="fileName"/>.</summary>
    public static string ContentTypeOf(string fileName) => ByExtension(fileName)?.ContentType ?? UnknownContentType;

    /// <summary>Every extension, for the upload input's <c>accept</c> attribute (".docx,.docm,…").</summary>
    public static string AcceptList { get; } = string.Join(",", All.SelectMany(f => f.Extensions));

    /// <summary>Each format by its first extension, for messages (".docx, .docm, …, .html").</summary>
    public static string SupportedList { get; } = string.Join(", ", All.Select(f => f.Extensions[0]));
}
