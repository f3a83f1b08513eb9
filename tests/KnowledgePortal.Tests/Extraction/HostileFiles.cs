using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace KnowledgePortal.Tests.Extraction;

/// <summary>Small hostile files built in the test: a PDF Flate bomb and an Office part with a late DOCTYPE.</summary>
internal static class HostileFiles
{
    public const long Gibibyte = 1024L * 1024 * 1024;

    /// <summary>
    /// A one-page PDF whose page content is one FlateDecode stream of <paramref name="inflatedBytes"/> zeros
    /// (a multiple of 1 MiB). A 1 MiB deflate block of zeros is made once, ended with a sync flush (byte-aligned, not
    /// final) and repeated: every copy refers only to zeros, so the concatenation is a valid stream, and 2 GiB cost
    /// about 2 MB and a few milliseconds to build. The inflated data is never materialised here.
    /// </summary>
    public static byte[] FlateBombPdf(long inflatedBytes = 2 * Gibibyte, string text = "Quarterly report")
    {
        const int block = 1024 * 1024;
        if (inflatedBytes % block != 0) throw new ArgumentException("a multiple of 1 MiB", nameof(inflatedBytes));
        byte[] chunk;
        using (var ms = new MemoryStream())
        {
            var deflate = new DeflateStream(ms, CompressionLevel.SmallestSize, leaveOpen: true);
            deflate.Write(new byte[block]);
            deflate.Flush(); // Z_SYNC_FLUSH: ends on a byte boundary with an empty stored block, not a final block
            chunk = ms.ToArray();
        }

        using var stream = new MemoryStream();
        stream.Write([0x78, 0xDA]); // zlib header
        for (long i = 0; i < inflatedBytes / block; i++) stream.Write(chunk);
        stream.Write([0x03, 0x00]); // final empty fixed-Huffman block
        // Adler-32 of n zeros: a = 1, b = n mod 65521.
        var adler = (uint)(inflatedBytes % 65521) << 16 | 1;
        stream.Write([(byte)(adler >> 24), (byte)(adler >> 16), (byte)(adler >> 8), (byte)adler]);
        var compressed = stream.ToArray();

        var textContent = $"BT /F1 14 Tf 72 720 Td ({text}) Tj ET";
        var objects = new List<byte[]>
        {
            Latin1("<< /Type /Catalog /Pages 2 0 R >>"),
            Latin1("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
            Latin1("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents [4 0 R 5 0 R] " +
                   "/Resources << /Font << /F1 6 0 R >> >> >>"),
            Latin1($"<< /Length {textContent.Length} >>\nstream\n{textContent}\nendstream"),
            Latin1($"<< /Length {compressed.Length} /Filter /FlateDecode >>\nstream\n").Concat(compressed).Concat(Latin1("\nendstream")).ToArray(),
            Latin1("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"),
        };
        return WritePdf(objects);
    }

    /// <summary>
    /// A one-page PDF with <paramref name="lines"/> lines of tiny text on its one page: reading it is one long call into
    /// PdfPig (content parsing, then word and block layout) with no point between pages to stop at.
    /// </summary>
    public static byte[] DensePagePdf(int lines = 40_000)
    {
        var content = new StringBuilder();
        for (var i = 0; i < lines; i++)
            content.Append(CultureInfo.InvariantCulture, $"BT /F1 1 Tf {i % 7 * 80 + 10} {i / 7 % 780 + 5} Td (w{i} x{i % 97}) Tj ET\n");
        byte[] compressed;
        using (var ms = new MemoryStream())
        {
            using (var z = new ZLibStream(ms, CompressionLevel.Fastest, leaveOpen: true)) z.Write(Encoding.Latin1.GetBytes(content.ToString()));
            compressed = ms.ToArray();
        }
        var objects = new List<byte[]>
        {
            Latin1("<< /Type /Catalog /Pages 2 0 R >>"),
            Latin1("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
            Latin1("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"),
            Latin1($"<< /Length {compressed.Length} /Filter /FlateDecode >>\nstream\n").Concat(compressed).Concat(Latin1("\nendstream")).ToArray(),
            Latin1("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"),
        };
        return WritePdf(objects);
    }

    /// <summary>
    /// <paramref name="docx"/> with its word/document.xml preceded by a comment of <paramref name="paddingBytes"/> random
    /// letters (incompressible enough to pass the ratio check) and then an XXE DOCTYPE.
    /// </summary>
    public static byte[] WithLateDoctype(byte[] docx, int paddingBytes, string partName = "word/document.xml")
    {
        using var ms = new MemoryStream();
        ms.Write(docx);
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Update, leaveOpen: true))
        {
            var entry = zip.GetEntry(partName)!;
            string xml;
            using (var reader = new StreamReader(entry.Open())) xml = reader.ReadToEnd();
            entry.Delete();
            var declarationEnd = xml.StartsWith("<?xml", StringComparison.Ordinal) ? xml.IndexOf("?>", StringComparison.Ordinal) + 2 : 0;
            var random = new Random(11);
            var padding = new StringBuilder(paddingBytes);
            for (var i = 0; i < paddingBytes; i++) padding.Append((char)('a' + random.Next(26)));
            var doctype = "<!DOCTYPE w:document [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>";
            var hostile = xml[..declarationEnd] + "<!--" + padding + "-->" + doctype + xml[declarationEnd..];
            var replaced = zip.CreateEntry(partName, CompressionLevel.Optimal);
            using var writer = new StreamWriter(replaced.Open(), new UTF8Encoding(false));
            writer.Write(hostile);
        }
        return ms.ToArray();
    }

    private static byte[] Latin1(string s) => Encoding.Latin1.GetBytes(s);

    private static byte[] WritePdf(IReadOnlyList<byte[]> objects)
    {
        using var ms = new MemoryStream();
        ms.Write(Latin1("%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n"));
        var offsets = new long[objects.Count];
        for (var i = 0; i < objects.Count; i++)
        {
            offsets[i] = ms.Position;
            ms.Write(Latin1($"{i + 1} 0 obj\n"));
            ms.Write(objects[i]);
            ms.Write(Latin1("\nendobj\n"));
        }
        var xref = ms.Position;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets) sb.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        sb.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Count + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        ms.Write(Latin1(sb.ToString()));
        return ms.ToArray();
    }
}
