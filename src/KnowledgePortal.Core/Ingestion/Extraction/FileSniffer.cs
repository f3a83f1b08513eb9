using System.IO.Compression;
using System.Text;
using System.Xml;

namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>Identifies a file by its content (magic bytes, zip structure), using the extension only for plain-text families.</summary>
public static class FileSniffer
{
    public const string Docx = "docx", Docm = "docm", Xlsx = "xlsx", Xlsm = "xlsm", Pptx = "pptx", Pptm = "pptm";
    public const string Pdf = "pdf", Txt = "txt", Md = "md", Html = "html", Csv = "csv";
    /// <summary>A zip archive that is not a (readable) Office Open XML package.</summary>
    public const string Zip = "zip";
    /// <summary>Office Open XML encrypted with a password (an OLE2 container holding "EncryptedPackage").</summary>
    public const string OleEncrypted = "ole-encrypted";
    /// <summary>Other OLE2 compound file: legacy .doc / .xls / .ppt / .msg.</summary>
    public const string Ole = "ole";
    public const string Unknown = "unknown";

    private static readonly byte[] ZipLocalHeader = "PK\x03\x04"u8.ToArray();
    private static readonly byte[] ZipEmptyArchive = "PK\x05\x06"u8.ToArray();
    private static readonly byte[] OleHeader = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    private static readonly byte[] PdfHeader = "%PDF-"u8.ToArray();
    private static readonly byte[] EncryptedPackageUtf16 = Encoding.Unicode.GetBytes("EncryptedPackage");

    /// <summary>
    /// Returns the detected type: "docx", "docm", "xlsx", "xlsm", "pptx", "pptm", "pdf", "txt", "md", "html", "csv",
    /// "zip" (other or unreadable zip), "ole-encrypted" (password-protected Office file), "ole" (legacy binary Office)
    /// or "unknown".
    /// </summary>
    public static string Detect(byte[] content, string fileName) => Sniff(content, fileName).Type;

    internal readonly record struct SniffResult(string Type, string? Text = null, string? Encoding = null);

    internal static SniffResult Sniff(byte[] content, string? fileName)
    {
        ArgumentNullException.ThrowIfNull(content);
        var span = content.AsSpan();
        if (IsZip(span)) return new(DetectZip(content));
        if (span.StartsWith(OleHeader))
            return new(span.IndexOf(EncryptedPackageUtf16) >= 0 ? OleEncrypted : Ole);
        if (IsPdf(span)) return new(Pdf);

        var family = TextFamilyFromExtension(fileName);
        if (family is null) return new(Unknown);
        var text = TextDecoding.TryDecode(content, out var encodingName);
        return text is null ? new(Unknown) : new(family, text, encodingName);
    }

    internal static bool IsZip(ReadOnlySpan<byte> content) => content.StartsWith(ZipLocalHeader) || content.StartsWith(ZipEmptyArchive);

    /// <summary>The PDF header may be preceded by junk; readers accept it within the first kilobyte.</summary>
    internal static bool IsPdf(ReadOnlySpan<byte> content) => content[..Math.Min(content.Length, 1024)].IndexOf(PdfHeader) >= 0;

    internal static string? TextFamilyFromExtension(string? fileName)
    {
        var ext = Path.GetExtension(fileName ?? string.Empty).ToLowerInvariant();
        return ext switch
        {
            ".txt" or ".text" => Txt,
            ".md" or ".markdown" => Md,
            ".html" or ".htm" => Html,
            ".csv" => Csv,
            _ => null,
        };
    }

    private static string DetectZip(byte[] content)
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

            var contentTypes = zip.Entries.FirstOrDefault(e =>
                string.Equals(e.FullName.TrimStart('/'), "[Content_Types].xml", StringComparison.OrdinalIgnoreCase));
            if (contentTypes is not null && contentTypes.Length < 4 * 1024 * 1024)
            {
                var fromTypes = FromContentTypes(ReadSmallEntry(contentTypes, 4 * 1024 * 1024));
                if (fromTypes is not null) return fromTypes;
            }

            // No usable [Content_Types].xml: fall back on well-known part names.
            var macro = names.Any(n => n.EndsWith("vbaProject.bin", StringComparison.OrdinalIgnoreCase));
            if (names.Contains("word/document.xml")) return macro ? Docm : Docx;
            if (names.Contains("xl/workbook.xml")) return macro ? Xlsm : Xlsx;
            if (names.Contains("ppt/presentation.xml")) return macro ? Pptm : Pptx;
            return Zip;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or XmlException or NotSupportedException
                                      or ArgumentException or UnauthorizedAccessException)
        {
            return Zip;
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

    /// <summary>Maps the main part's content type in [Content_Types].xml to a type.</summary>
    internal static string? FromContentTypes(string xml)
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

    private static string? MapMainContentType(string t)
    {
        // Macro-enabled types first: they are the more specific match.
        if (t.Contains("application/vnd.ms-word.document.macroenabled.main+xml")
            || t.Contains("application/vnd.ms-word.template.macroenabledtemplate.main+xml")) return Docm;
        if (t.Contains("application/vnd.ms-excel.sheet.macroenabled.main+xml")
            || t.Contains("application/vnd.ms-excel.template.macroenabled.main+xml")
            || t.Contains("application/vnd.ms-excel.addin.macroenabled.main+xml")) return Xlsm;
        if (t.Contains("application/vnd.ms-powerpoint.presentation.macroenabled.main+xml")
            || t.Contains("application/vnd.ms-powerpoint.slideshow.macroenabled.main+xml")
            || t.Contains("application/vnd.ms-powerpoint.template.macroenabled.main+xml")) return Pptm;
        if (t.Contains("wordprocessingml.document.main+xml") || t.Contains("wordprocessingml.template.main+xml")) return Docx;
        if (t.Contains("spreadsheetml.sheet.main+xml") || t.Contains("spreadsheetml.template.main+xml")) return Xlsx;
        if (t.Contains("presentationml.presentation.main+xml") || t.Contains("presentationml.slideshow.main+xml")
            || t.Contains("presentationml.template.main+xml")) return Pptx;
        return null;
    }
}
