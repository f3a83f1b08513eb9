using KnowledgePortal.Core.Demo.Builders;
using KnowledgePortal.Core.Ingestion.Extraction;

namespace KnowledgePortal.Core.Demo;

/// <summary>
/// The demo's scanned document: a memo laid out as a text PDF, rendered to a grey image by pdftoppm and wrapped in an
/// image-only PDF — what a scanner delivers — so a newcomer sees a scan become searchable once OCR has read it. Built
/// at seed time (it needs poppler-utils) and seeded only when OCR is on; pdftoppm's output is deterministic, so a
/// second seeding finds the file unchanged.
/// </summary>
public static class DemoScan
{
    public const string FileName = "visitor-rules-scan.pdf";

    /// <summary>Enough for tesseract to read 11-point text, small enough to keep seeding quick (about 0.3 s).</summary>
    private const int Dpi = 150;

    /// <summary>The scanned memo (Handbook collection), or null when pdftoppm is missing or fails.</summary>
    public static DemoFile? TryBuild(ExtractionLimits limits, CancellationToken ct = default) =>
        Scan(Memo(), Dpi, limits, ct, 1) is { } scan ? new DemoFile(DemoData.Handbook, FileName, scan) : null;

    /// <summary>
    /// What scanning a printout of <paramref name="pages"/> (1-based) of <paramref name="pdf"/> gives: each rendered to a
    /// grey image at <paramref name="dpi"/> by pdftoppm, wrapped in an image-only PDF. Null when pdftoppm is missing or fails.
    /// </summary>
    public static byte[]? Scan(byte[] pdf, int dpi, ExtractionLimits limits, CancellationToken ct, params int[] pages)
    {
        if (!File.Exists(limits.PdftoppmPath)) return null;
        var path = Path.Combine(Path.GetTempPath(), $"kp-scan-{Guid.NewGuid():N}.pdf");
        try
        {
            File.WriteAllBytes(path, pdf);
            var images = new List<(byte[] Png, int Dpi)>();
            foreach (var page in pages)
            {
                var render = PdfPageRenderer.Render(path, page, dpi, limits, TimeSpan.FromSeconds(60), ct);
                if (!render.Succeeded) return null;
                images.Add((render.Stdout, dpi));
            }
            return ImagePdfBuilder.Build(images);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static byte[] Memo() =>
        new PdfBuilder("Visitor and delivery rules")
            .Title("Visitor and delivery rules - Tokyo head office")
            .Paragraph("Memo from General Affairs, posted at the reception desk. This is a scanned copy of the signed paper memo.")
            .Heading("Visitors")
            .Bullets(
                "Register every visitor in the reception system by 17:00 on the working day before the visit.",
                "Visitors collect a red VISITOR badge at the 18F reception and wear it at all times in the building.",
                "The host meets the visitor at reception and returns the badge there when the visitor leaves.")
            .Heading("Deliveries")
            .Bullets(
                "Couriers bring parcels to the mail room on 17F between 10:00 and 16:00 on working days.",
                "Parcels addressed to a person are held in the mail room for five working days.")
            .Heading("Meeting rooms")
            .Paragraph("The meeting rooms Fuji and Sakura on 18F are kept for client meetings; book them in the room calendar at least one day ahead.")
            .Build();
}
