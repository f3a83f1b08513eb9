using System.Globalization;
using System.Text;

namespace KnowledgePortal.Tests.Extraction;

/// <summary>Writes tiny hand-made PDFs for cases the corpus lacks (garbled font encodings, mixed scanned pages).</summary>
internal static class MinimalPdf
{
    public enum PageKind { Text, Garbled, ImageOnly }

    /// <summary>
    /// Text pages use Helvetica; garbled pages use Helvetica with a ToUnicode CMap that maps A–Z to the Private Use
    /// Area (what broken CID-font exports look like); image-only pages draw a 1×1 grey image and no text.
    /// </summary>
    public static byte[] Build(params (PageKind Kind, string Text)[] pages)
    {
        var objects = new List<string>();
        int Add(string body)
        {
            objects.Add(body);
            return objects.Count;
        }

        // Type0 / Identity-H font whose ToUnicode CMap sends every code to the Private Use Area.
        const string cmap = "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n" +
                            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
                            "/CMapName /Garbled-UCS def /CMapType 2 def\n" +
                            "1 begincodespacerange <0000> <FFFF> endcodespacerange\n" +
                            "1 beginbfrange <0020> <007E> <E020> endbfrange\n" +
                            "endcmap CMapName currentdict /CMap defineresource pop end end";
        var cmapId = Add(Stream(cmap));
        var plainFont = Add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
        var descriptor = Add("<< /Type /FontDescriptor /FontName /GarbledCID /Flags 4 /FontBBox [0 -200 1000 800] /ItalicAngle 0 " +
                             "/Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >>");
        var cidFont = Add("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /GarbledCID /CIDSystemInfo << /Registry (Adobe) " +
                          $"/Ordering (Identity) /Supplement 0 >> /FontDescriptor {descriptor} 0 R /DW 500 /CIDToGIDMap /Identity >>");
        var garbledFont = Add($"<< /Type /Font /Subtype /Type0 /BaseFont /GarbledCID /Encoding /Identity-H " +
                              $"/DescendantFonts [{cidFont} 0 R] /ToUnicode {cmapId} 0 R >>");
        var image = Add("<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 1 >>\nstream\n\u0080\nendstream");

        const int pagesId = 1000; // placeholder, replaced below
        var pageIds = new List<int>();
        foreach (var (kind, text) in pages)
        {
            var content = kind switch
            {
                PageKind.ImageOnly => "q 200 0 0 200 100 400 cm /Im1 Do Q",
                PageKind.Garbled => $"BT /F2 14 Tf 72 720 Td <{string.Concat(text.Select(c => ((int)c).ToString("X4", CultureInfo.InvariantCulture)))}> Tj ET",
                _ => $"BT /F1 14 Tf 72 720 Td ({Escape(text)}) Tj ET",
            };
            var contentId = Add(Stream(content));
            pageIds.Add(Add($"<< /Type /Page /Parent {pagesId} 0 R /MediaBox [0 0 612 792] /Contents {contentId} 0 R " +
                            $"/Resources << /Font << /F1 {plainFont} 0 R /F2 {garbledFont} 0 R >> /XObject << /Im1 {image} 0 R >> >> >>"));
        }
        var realPagesId = Add($"<< /Type /Pages /Kids [{string.Join(" ", pageIds.Select(p => $"{p} 0 R"))}] /Count {pageIds.Count} >>");
        var catalogId = Add($"<< /Type /Catalog /Pages {realPagesId} 0 R >>");
        for (var i = 0; i < objects.Count; i++)
            objects[i] = objects[i].Replace($"/Parent {pagesId} 0 R", $"/Parent {realPagesId} 0 R", StringComparison.Ordinal);

        var latin1 = Encoding.Latin1;
        using var ms = new MemoryStream();
        void Write(string s)
        {
            var bytes = latin1.GetBytes(s);
            ms.Write(bytes, 0, bytes.Length);
        }

        Write("%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n");
        var offsets = new long[objects.Count];
        for (var i = 0; i < objects.Count; i++)
        {
            offsets[i] = ms.Position;
            Write($"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }
        var xref = ms.Position;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets) sb.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        sb.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Count + 1} /Root {catalogId} 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        Write(sb.ToString());
        return ms.ToArray();

        static string Stream(string data) =>
            $"<< /Length {Encoding.Latin1.GetByteCount(data)} >>\nstream\n{data}\nendstream";

        static string Escape(string s) => s.Replace("\\", "\\\\").Replace("(", "\\(").Replace(")", "\\)");
    }
}
