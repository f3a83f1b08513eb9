namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>A file <see cref="FileSniffer"/> recognised as <paramref name="Format"/>: what the format's reader gets.</summary>
/// <param name="Text">The decoded text, for <see cref="FormatSignature.TextFile"/> formats; empty for the others.</param>
internal sealed record SniffedFile(FileFormat Format, byte[] Content, string FileName, string Text);
