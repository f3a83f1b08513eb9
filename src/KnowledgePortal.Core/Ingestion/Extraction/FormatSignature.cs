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

    /// <summary>
    /// A binary Office file: an OLE2 compound file whose root holds <paramref name="MainStream"/> (or one of
    /// <paramref name="AlternativeStreams"/>); <paramref name="IsEncrypted"/> finds its password protection and
    /// <paramref name="MacroStorage"/> names the root storage its VBA project lives in (null: not detectable).
    /// </summary>
    public sealed record OleStreams(string MainStream, Func<CompoundFile, bool> IsEncrypted, string? MacroStorage,
        params string[] AlternativeStreams) : FormatSignature
    {
        public bool Matches(CompoundFile file) => file.RootNames.Contains(MainStream) || AlternativeStreams.Any(file.RootNames.Contains);
    }

    /// <summary>An OpenDocument package: a zip whose <c>mimetype</c> entry reads <paramref name="MimeType"/>.</summary>
    public sealed record OpenDocument(string MimeType) : FormatSignature;

    /// <summary>An Internet message (RFC 5322): under one of the format's extensions, starting with a header field.</summary>
    public sealed record MailHeaders : FormatSignature;

    /// <summary>Text in an encoding <see cref="TextDecoding"/> reads, under one of the format's extensions (text has no magic bytes).</summary>
    public sealed record TextFile : FormatSignature;
}
