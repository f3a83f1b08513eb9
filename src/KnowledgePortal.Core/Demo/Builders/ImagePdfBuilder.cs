using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using KnowledgePortal.Core.Ingestion.Extraction;

namespace KnowledgePortal.Core.Demo.Builders;

/// <summary>
/// Writes an image-only PDF — what a scanner produces — from PNG pages: one image XObject per page, the PNG's
/// compressed data used as is (FlateDecode with the PNG predictor), sized by the resolution it was rendered at.
/// Takes 8-bit grey or RGB, non-interlaced PNGs (what pdftoppm writes). Output is deterministic.
/// </summary>
internal static class ImagePdfBuilder
{
    public static byte[] Build(IEnumerable<(byte[] Png, int Dpi)> pages)
    {
        var objects = new List<byte[]>();
        var pageIds = new List<int>();
        const int pagesId = 1;
        objects.Add([]); // the page tree, written last
        foreach (var (png, dpi) in pages)
        {
            var image = Read(png);
            var width = image.Width * 72.0 / dpi;
            var height = image.Height * 72.0 / dpi;
            objects.Add(Stream($"/Type /XObject /Subtype /Image /Width {image.Width} /Height {image.Height} /ColorSpace /{image.ColorSpace} " +
                               $"/BitsPerComponent 8 /Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors {image.Colors} /BitsPerComponent 8 " +
                               $"/Columns {image.Width} >>", image.Data));
            var imageId = objects.Count;
            objects.Add(Stream("", Encoding.ASCII.GetBytes(Invariant($"q {width:0.###} 0 0 {height:0.###} 0 0 cm /Im1 Do Q"))));
            var contentId = objects.Count;
            var mediaBox = Invariant($"[0 0 {width:0.###} {height:0.###}]");
            objects.Add(Encoding.ASCII.GetBytes(
                $"<< /Type /Page /Parent {pagesId} 0 R /MediaBox {mediaBox} /Contents {contentId} 0 R /Resources << /XObject << /Im1 {imageId} 0 R >> >> >>"));
            pageIds.Add(objects.Count);
        }
        if (pageIds.Count == 0) throw new ArgumentException("An image PDF needs at least one page.", nameof(pages));
        objects[pagesId - 1] = Encoding.ASCII.GetBytes($"<< /Type /Pages /Kids [{string.Join(" ", pageIds.Select(p => $"{p} 0 R"))}] /Count {pageIds.Count} >>");
        objects.Add(Encoding.ASCII.GetBytes($"<< /Type /Catalog /Pages {pagesId} 0 R >>"));
        var catalogId = objects.Count;

        using var pdf = new MemoryStream();
        Write(pdf, "%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n");
        var offsets = new List<long>();
        for (var i = 0; i < objects.Count; i++)
        {
            offsets.Add(pdf.Position);
            Write(pdf, $"{i + 1} 0 obj\n");
            pdf.Write(objects[i]);
            Write(pdf, "\nendobj\n");
        }
        var xref = pdf.Position;
        var table = new StringBuilder($"xref\n0 {objects.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets) table.Append(Invariant($"{offset:D10} 00000 n \n"));
        table.Append(Invariant($"trailer\n<< /Size {objects.Count + 1} /Root {catalogId} 0 R >>\nstartxref\n{xref}\n%%EOF\n"));
        Write(pdf, table.ToString());
        return pdf.ToArray();
    }

    private sealed record PngImage(long Width, long Height, string ColorSpace, int Colors, byte[] Data);

    /// <summary>The header and the concatenated IDAT data of a PNG.</summary>
    private static PngImage Read(byte[] png)
    {
        var size = ImageHeader.PngSize(png) ?? throw new ArgumentException("Not a PNG.", nameof(png));
        var (bitDepth, colourType, interlace) = (png[24], png[25], png[28]);
        if (bitDepth != 8 || interlace != 0 || colourType is not (0 or 2))
            throw new ArgumentException("Only 8-bit grey or RGB, non-interlaced PNGs are supported.", nameof(png));
        using var data = new MemoryStream();
        for (var at = 8; at + 8 <= png.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at));
            var type = Encoding.ASCII.GetString(png, at + 4, 4);
            if (type == "IDAT") data.Write(png, at + 8, length);
            if (type == "IEND") break;
            at += 12 + length; // length, type, data, CRC
        }
        return new PngImage(size.Width, size.Height, colourType == 0 ? "DeviceGray" : "DeviceRGB", colourType == 0 ? 1 : 3, data.ToArray());
    }

    private static byte[] Stream(string dictionary, byte[] data)
    {
        using var s = new MemoryStream();
        Write(s, $"<<{(dictionary.Length == 0 ? "" : " " + dictionary)} /Length {data.Length} >>\nstream\n");
        s.Write(data);
        Write(s, "\nendstream");
        return s.ToArray();
    }

    private static void Write(Stream s, string text) => s.Write(Encoding.Latin1.GetBytes(text));

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
