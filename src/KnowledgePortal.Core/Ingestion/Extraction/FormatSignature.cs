namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>How <see cref="FileSniffer"/> recognises a <see cref="FileFormat"/> from the file's content.</summary>
internal abstract record FormatSignature
{
    private FormatSignature() { }

    /// <summary>Bytes near the start of the file (PDF's <c>%PDF-</c>).</summary>
    public sealed record Magic(Func<ReadOnlySpan<byte>, bool> Matches) : FormatSignature;

    /// <summary>
    /// An Office Open XML package: the main part's content type in <c>[Content_Types].xml</c> contains one of
    /// <paramref name="MainContentTypes"/> (lower case); without a usable types part, <paramref name="MainPart"/> exists
    /// and a <c>vbaProject.bin</c> tells <paramref name="MacroEnabled"/>.
    /// </summary>
    public sealed record Package(string MainPart, bool MacroEnabled, params string[] MainContentTypes) : FormatSignature;

    /// <summary>Text in an encoding <see cref="TextDecoding"/> reads, under one of the format's extensions (text has no magic bytes).</summary>
    public sealed record TextFile : FormatSignature;
}
