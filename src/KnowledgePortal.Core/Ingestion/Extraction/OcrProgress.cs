namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>How far the OCR of a file is: <paramref name="Done"/> of <paramref name="Total"/> pages recognised (or given up).</summary>
public sealed record OcrProgress(int Done, int Total);
