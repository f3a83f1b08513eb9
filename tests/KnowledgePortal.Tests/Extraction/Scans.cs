using System.Buffers.Binary;
using System.Text;
using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Ingestion.Extraction;

namespace KnowledgePortal.Tests.Extraction;

/// <summary>
/// Scans made in the test from real text PDFs: a page rendered by poppler's pdftoppm (PNG, JPEG or raw grey) and wrapped
/// in an image-only PDF (what scanning the printout gives), joined with text pages by pdfunite, or written as a
/// (multi-page) TIFF.
/// </summary>
internal static class Scans
{
    private const string Pdftoppm = "/usr/bin/pdftoppm";

    /// <summary>OCR on, with the portal's defaults otherwise (jpn+eng, jpn_vert when unsure, 300 dpi).</summary>
    public static readonly ExtractionLimits Ocr = new() { OcrEnabled = true };

    public enum Format { Png, Jpeg, Pgm }

    /// <summary>Page <paramref name="page"/> of <paramref name="pdf"/> as a grey image.</summary>
    public static byte[] Render(byte[] pdf, int page, int dpi, Format format = Format.Png)
    {
        var path = Path.Combine(Path.GetTempPath(), $"kp-test-scan-{Guid.NewGuid():N}.pdf");
        try
        {
            File.WriteAllBytes(path, pdf);
            var args = new List<string> { "-r", dpi.ToString(), "-f", page.ToString(), "-l", page.ToString(), "-gray", "-singlefile" };
            if (format == Format.Png) args.Add("-png");
            if (format == Format.Jpeg) args.Add("-jpeg");
            args.Add(path);
            var run = BoundedProcess.Run(Pdftoppm, args, TimeSpan.FromSeconds(60), 512L * 1024 * 1024, CancellationToken.None);
            Assert.True(run.Succeeded, $"pdftoppm: {run.Problem}");
            return run.Stdout;
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>An image-only PDF of <paramref name="pages"/> of <paramref name="pdf"/>, rendered at <paramref name="dpi"/>.</summary>
    public static byte[] ScannedPdf(byte[] pdf, int dpi, params int[] pages) =>
        DemoScan.Scan(pdf, dpi, Ocr, CancellationToken.None, pages) ?? throw new InvalidOperationException("pdftoppm (poppler-utils) is needed");

    /// <summary>The PDFs one after the other (pdfunite).</summary>
    public static byte[] Join(params byte[][] pdfs)
    {
        var dir = Directory.CreateTempSubdirectory("kp-test-join-");
        try
        {
            var inputs = pdfs.Select((p, i) =>
            {
                var path = Path.Combine(dir.FullName, $"{i}.pdf");
                File.WriteAllBytes(path, p);
                return path;
            }).ToList();
            var output = Path.Combine(dir.FullName, "joined.pdf");
            var run = BoundedProcess.Run("/usr/bin/pdfunite", [.. inputs, output], TimeSpan.FromSeconds(60), 1024 * 1024, CancellationToken.None);
            Assert.True(run.Succeeded, $"pdfunite: {run.Problem}");
            return File.ReadAllBytes(output);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>
    /// A little-endian, uncompressed grey TIFF with one page per PGM (pdftoppm's raw grey output); a page marked
    /// <c>Thumbnail</c> is written as a reduced-resolution image (NewSubfileType 1), which is not a page of the document.
    /// </summary>
    public static byte[] Tiff(params (byte[] Pgm, bool Thumbnail)[] pages)
    {
        using var tiff = new MemoryStream();
        var w = new BinaryWriter(tiff);
        w.Write("II"u8);
        w.Write((ushort)42);
        var linkToFill = tiff.Position;
        w.Write(0u);
        foreach (var (pgm, thumbnail) in pages)
        {
            var (width, height, pixels) = ReadPgm(pgm);
            var data = (uint)tiff.Position;
            w.Write(pixels);
            if (tiff.Position % 2 == 1) w.Write((byte)0);
            var directory = (uint)tiff.Position;
            Patch(tiff, linkToFill, directory);
            (ushort Tag, ushort Type, uint Value)[] entries =
            [
                (254, 4, thumbnail ? 1u : 2u), (256, 4, (uint)width), (257, 4, (uint)height), (258, 3, 8), (259, 3, 1), (262, 3, 1),
                (273, 4, data), (277, 3, 1), (278, 4, (uint)height), (279, 4, (uint)pixels.Length),
            ];
            w.Write((ushort)entries.Length);
            foreach (var (tag, type, value) in entries)
            {
                w.Write(tag);
                w.Write(type);
                w.Write(1u);
                if (type == 3) { w.Write((ushort)value); w.Write((ushort)0); }
                else w.Write(value);
            }
            linkToFill = tiff.Position;
            w.Write(0u);
        }
        w.Flush();
        return tiff.ToArray();
    }

    private static void Patch(MemoryStream s, long at, uint value)
    {
        var end = s.Position;
        s.Position = at;
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        s.Write(b);
        s.Position = end;
    }

    private static (int Width, int Height, byte[] Pixels) ReadPgm(byte[] pgm)
    {
        // "P5\n<width> <height>\n255\n" then one byte per pixel
        var fields = new List<string>();
        var at = 0;
        while (fields.Count < 4)
        {
            while (char.IsWhiteSpace((char)pgm[at])) at++;
            var start = at;
            while (!char.IsWhiteSpace((char)pgm[at])) at++;
            fields.Add(Encoding.ASCII.GetString(pgm, start, at - start));
        }
        at++; // the single whitespace before the pixels
        Assert.Equal("P5", fields[0]);
        var (width, height) = (int.Parse(fields[1]), int.Parse(fields[2]));
        return (width, height, pgm.AsSpan(at, width * height).ToArray());
    }
}
