using System.Diagnostics;
using KnowledgePortal.Core.Ingestion.Extraction;

namespace KnowledgePortal.Tests.Extraction;

internal static class OcrTestSupport
{
    /// <summary>What tesseract makes of an image with the default languages: the reading it kept, and with which languages.</summary>
    public static OcrPage Reading(byte[] image, string extension)
    {
        var path = Path.Combine(Path.GetTempPath(), $"kp-test-ocr-{Guid.NewGuid():N}{extension}");
        try
        {
            File.WriteAllBytes(path, image);
            var attempt = TesseractOcr.Recognise(path, null, Scans.Ocr, Stopwatch.StartNew(), TimeSpan.FromMinutes(1), CancellationToken.None);
            return attempt.Page ?? throw new InvalidOperationException($"tesseract failed: {attempt.Problem}");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
