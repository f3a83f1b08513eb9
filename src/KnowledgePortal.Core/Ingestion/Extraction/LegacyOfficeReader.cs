using System.IO.Compression;
using System.Text.RegularExpressions;

namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>
/// How the formats read through LibreOffice are read: their own container is checked first — a password fails the
/// file with the password reason before any converter sees it, macros meet Ingestion:MacroPolicy —, then the file is
/// converted to Office Open XML (<see cref="LibreOfficeConverter"/>) and read by that format's reader, so it has the
/// same locators.
/// </summary>
internal static class LegacyOfficeReader
{
    private const int MaxManifestBytes = 1024 * 1024;

    /// <summary>.doc, .xls, .ppt: OLE2 compound files.</summary>
    public static ExtractionResult ReadCompound(SniffedFile file, ExtractionSink sink, ConversionTarget target)
    {
        var signature = (FormatSignature.OleStreams)file.Format.Signature;
        var container = CompoundFile.Open(file.Content);
        if (signature.IsEncrypted(container)) throw new ExtractionException(ExtractionFailure.Encrypted, DocumentExtractor.EncryptedOfficeMessage);
        DocumentExtractor.ApplyMacroPolicy(signature.MacroStorage is { } storage && container.RootNames.Contains(storage), sink);
        return ConvertAndRead(file, sink, target);
    }

    /// <summary>.odt, .ods, .odp: zip packages, guarded like Office Open XML before anything reads them.</summary>
    public static ExtractionResult ReadOpenDocument(SniffedFile file, ExtractionSink sink, ConversionTarget target)
    {
        ZipGuard.Inspect(file.Content, sink.Limits, sink.CancellationToken);
        bool encrypted, macros;
        using (var zip = new ZipArchive(new MemoryStream(file.Content, writable: false), ZipArchiveMode.Read))
        {
            // A password-protected package keeps its manifest in the clear, with encryption data per encrypted part.
            encrypted = zip.GetEntry("META-INF/manifest.xml") is { } manifest && manifest.Length <= MaxManifestBytes
                        && ReadText(manifest).Contains("encryption-data", StringComparison.Ordinal);
            macros = zip.Entries.Any(e => IsMacroPart(e.FullName));
        }
        if (encrypted) throw new ExtractionException(ExtractionFailure.Encrypted, DocumentExtractor.EncryptedOfficeMessage);
        DocumentExtractor.ApplyMacroPolicy(macros, sink);
        return ConvertAndRead(file, sink, target);
    }

    /// <summary>.rtf: plain text with markup, nothing to check before conversion.</summary>
    public static ExtractionResult ReadRtf(SniffedFile file, ExtractionSink sink, ConversionTarget target) => ConvertAndRead(file, sink, target);

    private static ExtractionResult ConvertAndRead(SniffedFile file, ExtractionSink sink, ConversionTarget target)
    {
        var converted = LibreOfficeConverter.Convert(file.Content, file.Format.Extensions[0], target, sink.Limits, sink.CancellationToken);
        ZipGuard.Inspect(converted, sink.Limits, sink.CancellationToken);
        return target.Read(RepairRelationships(converted), file.Format.Name, sink);
    }

    private static readonly Regex EmptyTargetRelationship = new(@"<Relationship\b[^>]*\bTarget=""""[^>]*/>", RegexOptions.CultureInvariant);

    /// <summary>
    /// LibreOffice 7.4 writes links to anchors it could not map (a footnote reference on a slide) as relationships with an
    /// empty target, which the Open XML SDK refuses as a whole. Each becomes an external link to nowhere, keeping its id
    /// so the text that refers to it still resolves.
    /// </summary>
    internal static byte[] RepairRelationships(byte[] package)
    {
        using var buffer = new MemoryStream();
        buffer.Write(package);
        var changed = false;
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Update, leaveOpen: true))
        {
            foreach (var entry in zip.Entries.Where(e => e.FullName.EndsWith(".rels", StringComparison.OrdinalIgnoreCase)).ToList())
            {
                var xml = ReadText(entry);
                if (!EmptyTargetRelationship.IsMatch(xml)) continue;
                var repaired = EmptyTargetRelationship.Replace(xml, m =>
                    Regex.Replace(Regex.Replace(m.Value, @"\bType=""[^""]*""",
                            @"Type=""http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"""),
                        @"\bTarget=""""", @"Target=""about:blank"" TargetMode=""External"""));
                var name = entry.FullName;
                entry.Delete();
                using var writer = new StreamWriter(zip.CreateEntry(name).Open());
                writer.Write(repaired);
                changed = true;
            }
        }
        return changed ? buffer.ToArray() : package;
    }

    /// <summary>Basic libraries (beyond the empty containers) or scripts in another language.</summary>
    private static bool IsMacroPart(string name) =>
        (name.StartsWith("Basic/", StringComparison.Ordinal) && !name.EndsWith('/') && name is not ("Basic/script-lc.xml" or "Basic/dialog-lc.xml"))
        || (name.StartsWith("Scripts/", StringComparison.Ordinal) && !name.EndsWith('/'));

    private static string ReadText(ZipArchiveEntry entry)
    {
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }
}
