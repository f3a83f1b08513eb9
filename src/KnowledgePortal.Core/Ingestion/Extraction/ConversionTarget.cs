namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>
/// The Office Open XML format a legacy or OpenDocument file is converted to, so that the existing reader of that
/// format gives it the same locators (headings and paragraphs, slides, sheets and cell ranges).
/// </summary>
/// <param name="Extension">What <c>soffice --convert-to</c> writes ("docx").</param>
/// <param name="Filter">The LibreOffice export filter, named so that no guess is involved.</param>
/// <param name="Read">The Office Open XML reader, given the converted bytes and the original's format name.</param>
internal sealed record ConversionTarget(string Extension, string Filter, Func<byte[], string, ExtractionSink, ExtractionResult> Read)
{
    public static readonly ConversionTarget Word = new("docx", "MS Word 2007 XML", DocxExtractor.Extract);
    public static readonly ConversionTarget Spreadsheet = new("xlsx", "Calc MS Excel 2007 XML", DocumentExtractor.ReadWorkbook);
    public static readonly ConversionTarget Presentation = new("pptx", "Impress MS PowerPoint 2007 XML", PptxExtractor.Extract);
}
