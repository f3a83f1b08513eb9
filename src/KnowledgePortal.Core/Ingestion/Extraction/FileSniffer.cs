using System.IO.Compression;
using System.Text;
using System.Xml;

namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>
/// Identifies a file by its content (magic bytes, zip structure), using the extension only for plain-text families:
/// a <see cref="FileFormat"/> by the signatures in <see cref="DocumentFormats"/>, or one of the files refused by type below.
/// </summary>
public static class FileSniffer
{
    /// <summary>A zip archive that is not a (readable) Office Open XML package.</summary>
    public const string Zip = "zip";
    /// <summary>Office Open XML encrypted with a password (an OLE2 container holding "EncryptedPackage").</summary>
    public const string OleEncrypted = "ole-encrypted";
    /// <summary>Another OLE2 compound file (an Outlook .msg, a Visio drawing, …): none of .doc / .xls / .ppt.</summary>
    public const string Ole = "ole";
    public const string Unknown = "unknown";

    private static readonly byte[] ZipLocalHeader = "PK\x03\x04"u8.ToArray();
    private static readonly byte[] ZipEmptyArchive = "PK\x05\x06"u8.ToArray();
    private static readonly byte[] OleHeader = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    private static readonly byte[] PdfHeader = "%PDF-"u8.ToArray();
    private static readonly byte[] RtfHeader = @"{\rtf"u8.ToArray();
    private static readonly byte[] EncryptedPackageUtf16 = Encoding.Unicode.GetBytes("EncryptedPackage");

    /// <summary>
    /// Returns the detected type: a <see cref="FileFormat.Name"/> ("docx", "pdf", "csv", …), "zip" (other or
    /// unreadable zip), "ole-encrypted" (password-protected Office Open XML), "ole" (another compound file) or "unknown".
    /// </summary>
    public static string Detect(byte[] content, string fileName) => Sniff(content, fileName).Type;

    /// <param name="Format">The recognised format; null for the types refused by type (zip, ole, unknown).</param>
    internal readonly record struct SniffResult(string Type, FileFormat? Format = null, string? Text = null, string? Encoding = null)
    {
        public SniffResult(FileFormat format, string? text = null, string? encoding = null) : this(format.Name, format, text, encoding) { }
    }

    internal static SniffResult Sniff(byte[] content, string? fileName)
    {
        ArgumentNullException.ThrowIfNull(content);
        var span = content.AsSpan();
        if (IsZip(span)) return DetectZip(content) is { } package ? new(package) : new(Zip);
        if (span.StartsWith(OleHeader)) return DetectCompoundFile(content, fileName);
        foreach (var format in DocumentFormats.All)
            if (format.Signature is FormatSignature.Magic magic && magic.Matches(span)) return new(format);

        if (DocumentFormats.ByExtension(fileName) is { Signature: FormatSignature.MailHeaders } mail && StartsWithHeaderField(span))
            return new(mail);

        var family = TextFormatOf(fileName);
        if (family is null) return new(Unknown);
        var text = TextDecoding.TryDecode(content, out var encodingName);
        return text is null ? new(Unknown) : new(family, text, encodingName);
    }

    /// <summary>
    /// An OLE2 container: encrypted Office Open XML when its root holds "EncryptedPackage", else the binary Office
    /// format whose main stream it holds — by the extension when it holds several —, else a compound file refused by
    /// type. One whose directory cannot be read is still told apart by the encrypted package's name in its bytes.
    /// </summary>
    private static SniffResult DetectCompoundFile(byte[] content, string? fileName)
    {
        CompoundFile container;
        try
        {
            container = CompoundFile.Open(content);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or IndexOutOfRangeException or OverflowException)
        {
            // Sniffing never throws: a container we cannot walk is still told apart by the encrypted package's name.
            return new(content.AsSpan().IndexOf(EncryptedPackageUtf16) >= 0 ? OleEncrypted : Ole);
        }
        if (container.RootNames.Contains("EncryptedPackage")) return new(OleEncrypted);
        var candidates = DocumentFormats.All.Where(f => f.Signature is FormatSignature.OleStreams s && s.Matches(container)).ToList();
        var format = candidates.FirstOrDefault(f => f == DocumentFormats.ByExtension(fileName)) ?? candidates.FirstOrDefault();
        return format is null ? new(Ole) : new(format);
    }

    /// <summary>"Name: value" on the first line: a field name of printable ASCII other than ':' (RFC 5322 §2.2).</summary>
    internal static bool StartsWithHeaderField(ReadOnlySpan<byte> content)
    {
        var i = 0;
        while (i < content.Length && i < 1000 && content[i] is >= 33 and <= 126 and not (byte)':') i++;
        return i > 0 && i < content.Length && content[i] == ':';
    }

    internal static bool IsCompoundFile(ReadOnlySpan<byte> content) => content.StartsWith(OleHeader);

    internal static bool IsRtf(ReadOnlySpan<byte> content) => content.StartsWith(RtfHeader);

    internal static bool IsZip(ReadOnlySpan<byte> content) => content.StartsWith(ZipLocalHeader) || content.StartsWith(ZipEmptyArchive);

    /// <summary>The PDF header may be preceded by junk; readers accept it within the first kilobyte.</summary>
    internal static bool IsPdf(ReadOnlySpan<byte> content) => content[..Math.Min(content.Length, 1024)].IndexOf(PdfHeader) >= 0;

    /// <summary>The text format the name's extension belongs to: text is recognised by its name, having no magic bytes.</summary>
    internal static FileFormat? TextFormatOf(string? fileName) =>
        DocumentFormats.ByExtension(fileName) is { Signature: FormatSignature.TextFile } format ? format : null;

    /// <summary>The Office Open XML or OpenDocument format of a zip, or null for any other (or unreadable) zip.</summary>
    private static FileFormat? DetectZip(byte[] content)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(content, writable: false), ZipArchiveMode.Read);
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var entry in zip.Entries)
            {
                names.Add(entry.FullName.Replace('\\', '/').TrimStart('/'));
                if (names.Count > 100_000) break;
            }

            // OpenDocument: a "mimetype" entry naming the kind (written first and stored, but any position is read).
            if (zip.GetEntry("mimetype") is { Length: < 256 } mimetype
                && ReadSmallEntry(mimetype, 256).Trim() is var mime
                && DocumentFormats.All.FirstOrDefault(f => f.Signature is FormatSignature.OpenDocument o && o.MimeType == mime) is { } openDocument)
                return openDocument;

            var contentTypes = zip.Entries.FirstOrDefault(e =>
                string.Equals(e.FullName.TrimStart('/'), "[Content_Types].xml", StringComparison.OrdinalIgnoreCase));
            if (contentTypes is not null && contentTypes.Length < 4 * 1024 * 1024)
            {
                var fromTypes = FromContentTypes(ReadSmallEntry(contentTypes, 4 * 1024 * 1024));
                if (fromTypes is not null) return fromTypes;
            }

            // No usable [Content_Types].xml: fall back on well-known part names.
            var macro = names.Any(n => n.EndsWith("vbaProject.bin", StringComparison.OrdinalIgnoreCase));
            return PackageFormat(p => p.MacroEnabled == macro && names.Contains(p.MainPart));
        }
        catch (Exception e) when (e is InvalidDataException or IOException or XmlException or NotSupportedException
                                      or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string ReadSmallEntry(ZipArchiveEntry entry, int maxBytes)
    {
        using var stream = entry.Open();
        var buffer = new byte[Math.Min(maxBytes, Math.Max(0, (int)entry.Length))];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = stream.Read(buffer, read, buffer.Length - read);
            if (n == 0) break;
            read += n;
        }
        return TextDecoding.TryDecode(buffer.AsSpan(0, read).ToArray(), out _) ?? string.Empty;
    }

    /// <summary>Maps the main part's content type in [Content_Types].xml to a format.</summary>
    internal static FileFormat? FromContentTypes(string xml)
    {
        var types = new List<string>();
        try
        {
            var settings = new XmlReaderSettings
            {
                DtdProcessing = DtdProcessing.Prohibit,
                XmlResolver = null,
                MaxCharactersInDocument = 4 * 1024 * 1024,
            };
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName is "Override" or "Default"
                    && reader.GetAttribute("ContentType") is { } ct)
                    types.Add(ct.Trim().ToLowerInvariant());
            }
        }
        catch (XmlException)
        {
            // Malformed types part: fall back on substring matching below.
            types.Add(xml.ToLowerInvariant());
        }

        foreach (var t in types)
        {
            var mapped = MapMainContentType(t);
            if (mapped is not null) return mapped;
        }
        return null;
    }

    /// <summary>Macro-enabled types first: they are the more specific match.</summary>
    private static FileFormat? MapMainContentType(string t) =>
        PackageFormat(p => p.MacroEnabled && p.MainContentTypes.Any(t.Contains))
        ?? PackageFormat(p => !p.MacroEnabled && p.MainContentTypes.Any(t.Contains));

    /// <summary>The first Office format, in registry order, whose package signature matches.</summary>
    private static FileFormat? PackageFormat(Func<FormatSignature.Package, bool> matches) =>
        DocumentFormats.All.FirstOrDefault(f => f.Signature is FormatSignature.Package p && matches(p));
}
