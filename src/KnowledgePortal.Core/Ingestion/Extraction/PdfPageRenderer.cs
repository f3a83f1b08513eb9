using System.Globalization;

namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>
/// Renders one PDF page to a grey PNG with poppler's pdftoppm, for OCR: a bounded child process (the page's time, an
/// output cap) at a resolution chosen so the image stays within <see cref="ExtractionLimits.MaxImagePixels"/>.
/// </summary>
internal static class PdfPageRenderer
{
    /// <summary>Below this a page is not worth recognising: a page too large for the pixel limit even here is skipped.</summary>
    public const int MinDpi = 50;

    /// <summary>
    /// <see cref="ExtractionLimits.OcrDpi"/>, lowered for a page (its media box, in points) that would exceed the pixel
    /// limit; null when even <see cref="MinDpi"/> would.
    /// </summary>
    public static int? Dpi(double widthPoints, double heightPoints, ExtractionLimits limits)
    {
        var dpi = (double)Math.Max(MinDpi, limits.OcrDpi);
        var inches = Math.Max(widthPoints, 1) / 72 * (Math.Max(heightPoints, 1) / 72);
        var pixels = inches * dpi * dpi;
        if (pixels > limits.MaxImagePixels) dpi = Math.Floor(Math.Sqrt(limits.MaxImagePixels / inches));
        return dpi < MinDpi ? null : (int)dpi;
    }

    /// <summary>Page <paramref name="number"/> (1-based) of <paramref name="pdfPath"/> as PNG bytes on the run's stdout.</summary>
    public static ToolRun Render(string pdfPath, int number, int dpi, ExtractionLimits limits, TimeSpan timeout, CancellationToken ct)
    {
        var page = number.ToString(CultureInfo.InvariantCulture);
        // A grey PNG holds at most about a byte per pixel; anything bigger is not the page we asked for.
        var cap = limits.MaxImagePixels + limits.MaxImagePixels / 8 + 1024 * 1024;
        return BoundedProcess.Run(limits.PdftoppmPath,
            ["-r", dpi.ToString(CultureInfo.InvariantCulture), "-f", page, "-l", page, "-png", "-gray", "-singlefile", pdfPath],
            timeout, cap, ct);
    }
}
