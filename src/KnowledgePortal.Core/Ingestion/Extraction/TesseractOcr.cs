using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>
/// Recognises one page image with tesseract (TSV output, one thread: the worker runs files in parallel). Vertical
/// Japanese read as horizontal text comes out as low-confidence noise, so when the horizontal reading is below
/// <see cref="VerticalRetryBelow"/> the vertical languages are tried too and the more confident reading is kept.
/// </summary>
internal static partial class TesseractOcr
{
    /// <summary>Horizontal readings at or above this confidence are kept without trying vertical text.</summary>
    public const double VerticalRetryBelow = 85;

    /// <summary>TSV of a dense page is a few hundred kilobytes; more means something is wrong.</summary>
    private const long MaxTsvBytes = 32L * 1024 * 1024;

    private static readonly Dictionary<string, string> OneThread = new() { ["OMP_THREAD_LIMIT"] = "1" };

    /// <summary>Reads <paramref name="imagePath"/>; <paramref name="dpi"/> when known (rendered pages), else tesseract estimates it.</summary>
    /// <param name="deadline">When the page's time (<see cref="ExtractionLimits.OcrPageTimeout"/>) is up.</param>
    public static OcrAttempt Recognise(string imagePath, int? dpi, ExtractionLimits limits, Stopwatch clock, TimeSpan deadline, CancellationToken ct)
    {
        var horizontal = Run(imagePath, dpi, limits.OcrLanguages, limits, clock, deadline, ct);
        if (horizontal.Page is not { } first || first.Confidence >= VerticalRetryBelow || string.IsNullOrWhiteSpace(limits.OcrVerticalLanguages))
            return horizontal;
        var vertical = Run(imagePath, dpi, limits.OcrVerticalLanguages, limits, clock, deadline, ct);
        // A vertical attempt that fails (language not installed, out of time) leaves the horizontal reading.
        return vertical.Page is { } second && second.Confidence > first.Confidence ? vertical : horizontal;
    }

    private static OcrAttempt Run(string imagePath, int? dpi, string languages, ExtractionLimits limits, Stopwatch clock, TimeSpan deadline,
        CancellationToken ct)
    {
        if (!LanguagesPattern().IsMatch(languages)) return OcrAttempt.Failed($"invalid OCR languages \"{languages}\"");
        var remaining = deadline - clock.Elapsed;
        if (remaining <= TimeSpan.Zero) return OcrAttempt.OutOfTime;
        var args = new List<string> { imagePath, "stdout", "-l", languages };
        if (dpi is { } d) args.AddRange(["--dpi", d.ToString(CultureInfo.InvariantCulture)]);
        args.Add("tsv");
        var run = BoundedProcess.Run(limits.TesseractPath, args, remaining, MaxTsvBytes, ct, OneThread);
        if (run.Outcome == ToolOutcome.TimedOut) return OcrAttempt.OutOfTime;
        if (!run.Succeeded) return OcrAttempt.Failed(run.Problem);
        return new OcrAttempt(OcrTsv.Parse(Encoding.UTF8.GetString(run.Stdout)) with { Languages = languages }, null, false);
    }

    /// <summary>Tesseract language names joined by '+': no paths, no options.</summary>
    [GeneratedRegex("^[A-Za-z0-9_]+(\\+[A-Za-z0-9_]+)*$")]
    private static partial Regex LanguagesPattern();
}
