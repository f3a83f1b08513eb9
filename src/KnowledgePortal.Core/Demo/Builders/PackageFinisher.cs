using System.IO.Compression;
using System.Text;
using System.Xml;
using DocumentFormat.OpenXml.Packaging;

namespace KnowledgePortal.Core.Demo.Builders;

/// <summary>
/// Makes Office packages reproducible: core properties with fixed dates in a part of our own naming
/// (System.IO.Packaging would name it after a random GUID), and a re-zip with fixed entry timestamps.
/// Relationship ids are always passed explicitly by the builders, because generated ones are random.
/// </summary>
internal static class PackageFinisher
{
    /// <summary>Created / modified date of every demo document.</summary>
    public static readonly DateTime FixedDate = new(2026, 1, 5, 9, 0, 0, DateTimeKind.Utc);

    private const string CpNs = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties";
    private const string DcNs = "http://purl.org/dc/elements/1.1/";
    private const string DcTermsNs = "http://purl.org/dc/terms/";
    private const string XsiNs = "http://www.w3.org/2001/XMLSchema-instance";

    public const string Author = "Contoso Japan K.K.";

    /// <summary>Adds docProps/core.xml with title, author, language and fixed created / modified dates.</summary>
    public static void AddCoreProperties(OpenXmlPackage package, string relationshipId, string title, string language)
    {
        var part = package.AddNewPart<CoreFilePropertiesPart>(relationshipId);
        using var stream = part.GetStream(FileMode.Create);
        using var xml = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false) });
        var date = FixedDate.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

        xml.WriteStartDocument(standalone: true);
        xml.WriteStartElement("cp", "coreProperties", CpNs);
        xml.WriteAttributeString("xmlns", "dc", null, DcNs);
        xml.WriteAttributeString("xmlns", "dcterms", null, DcTermsNs);
        xml.WriteAttributeString("xmlns", "xsi", null, XsiNs);
        xml.WriteElementString("title", DcNs, title);
        xml.WriteElementString("creator", DcNs, Author);
        xml.WriteElementString("lastModifiedBy", CpNs, Author);
        xml.WriteElementString("language", DcNs, language);
        foreach (var name in new[] { "created", "modified" })
        {
            xml.WriteStartElement("dcterms", name, DcTermsNs);
            xml.WriteAttributeString("xsi", "type", XsiNs, "dcterms:W3CDTF");
            xml.WriteString(date);
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    /// <summary>Re-zips a saved package: same entries, [Content_Types].xml first, fixed timestamps.</summary>
    public static byte[] Normalize(byte[] package)
    {
        using var source = new ZipArchive(new MemoryStream(package), ZipArchiveMode.Read);
        var entries = source.Entries
            .OrderBy(e => e.FullName == "[Content_Types].xml" ? 0 : 1)
            .ToList();

        using var output = new MemoryStream();
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            var timestamp = new DateTimeOffset(FixedDate.Year, FixedDate.Month, FixedDate.Day,
                FixedDate.Hour, FixedDate.Minute, FixedDate.Second, TimeSpan.Zero);
            foreach (var entry in entries)
            {
                var copy = target.CreateEntry(entry.FullName, CompressionLevel.Optimal);
                copy.LastWriteTime = timestamp;
                using var from = entry.Open();
                using var to = copy.Open();
                from.CopyTo(to);
            }
        }
        return output.ToArray();
    }
}
