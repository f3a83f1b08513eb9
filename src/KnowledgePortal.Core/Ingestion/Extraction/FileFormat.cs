namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>
/// One file format the portal indexes: its name (<see cref="ExtractionResult.DetectedType"/>), the extensions uploads
/// may have, the content type stored and served, how its content is recognised, and how it is read. The formats are
/// the entries of <see cref="DocumentFormats"/>.
/// </summary>
public sealed class FileFormat
{
    internal FileFormat(string name, string contentType, FormatSignature signature, Func<SniffedFile, ExtractionSink, ExtractionResult> read,
        params string[] extensions)
    {
        if (extensions.Length == 0 || extensions.Any(e => !e.StartsWith('.') || e != e.ToLowerInvariant()))
            throw new ArgumentException($"Format {name}: extensions are lower case and start with a dot.", nameof(extensions));
        Name = name;
        ContentType = contentType;
        Signature = signature;
        Read = read;
        Extensions = extensions;
    }

    /// <summary>The detected type, e.g. "docx", "pdf".</summary>
    public string Name { get; }

    /// <summary>Lower case with the dot; the first is the one named in messages.</summary>
    public IReadOnlyList<string> Extensions { get; }

    /// <summary>Stored with each upload of this extension and sent when the original is downloaded.</summary>
    public string ContentType { get; }

    internal FormatSignature Signature { get; }

    /// <summary>Reads the sniffed file into blocks; throws <see cref="ExtractionException"/> for a file it cannot index.</summary>
    internal Func<SniffedFile, ExtractionSink, ExtractionResult> Read { get; }

    /// <summary>An Office file that may carry macros (Ingestion:MacroPolicy applies).</summary>
    internal bool MacroEnabled => Signature is FormatSignature.Package { MacroEnabled: true };

    public override string ToString() => Name;
}
