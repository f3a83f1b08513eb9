using System.Diagnostics;
using System.Globalization;
using KnowledgePortal.Core.Domain;

namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>
/// The OCR of one file's pages (scanned PDF pages, image files, TIFF pages): a private temporary folder removed at the
/// end, one time budget per page (<see cref="ExtractionLimits.OcrPageTimeout"/>, rendering and every attempt together),
/// progress after each page, the recognised paragraphs added to the sink with their page's confidence, and warnings.
/// </summary>
internal sealed class OcrSession : IDisposable
{
    private readonly ExtractionSink _sink;
    private readonly int _pages;
    private readonly List<double> _confidences = [];
    private int _done;
    private string? _directory;

    /// <param name="pages">How many pages will be recognised (progress: "OCR page 3 of 10").</param>
    public OcrSession(ExtractionSink sink, int pages)
    {
        _sink = sink;
        _pages = pages;
        sink.ReportOcr(new OcrProgress(0, pages));
    }

    /// <summary>OCR is on and tesseract is installed (PDF pages also need pdftoppm).</summary>
    public static bool Available(ExtractionLimits limits, bool renderPdf) =>
        limits.OcrEnabled && File.Exists(limits.TesseractPath) && (!renderPdf || File.Exists(limits.PdftoppmPath));

    public int Recognised { get; private set; }

    public int TimedOut { get; private set; }

    /// <summary>The session's temporary folder (only its owner may read it), created on first use.</summary>
    public string Directory
    {
        get
        {
            if (_directory is null)
            {
                var path = Path.Combine(Path.GetTempPath(), $"kp-ocr-{Guid.NewGuid():N}");
                if (OperatingSystem.IsWindows()) System.IO.Directory.CreateDirectory(path);
                else System.IO.Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                _directory = path;
            }
            return _directory;
        }
    }

    /// <summary>Renders page <paramref name="number"/> of the PDF at <paramref name="pdfPath"/> and recognises it.</summary>
    /// <param name="widthPoints">The page's media box, which bounds the rendering's pixels.</param>
    /// <param name="insertAt">Where its blocks go among the sink's (the text pages before it were read already).</param>
    /// <returns>The blocks added.</returns>
    public int RecognisePdfPage(string pdfPath, int number, double widthPoints, double heightPoints, int insertAt)
    {
        var clock = Stopwatch.StartNew();
        var limits = _sink.Limits;
        try
        {
            if (PdfPageRenderer.Dpi(widthPoints, heightPoints, limits) is not { } dpi)
            {
                _sink.Warn($"page {number}: too large to render for OCR ({widthPoints / 72:N0} × {heightPoints / 72:N0} in)");
                return 0;
            }
            var render = PdfPageRenderer.Render(pdfPath, number, dpi, limits, limits.OcrPageTimeout, _sink.CancellationToken);
            if (render.Outcome == ToolOutcome.TimedOut) return Stopped(number);
            if (!render.Succeeded || ImageHeader.PngSize(render.Stdout) is not { } size)
            {
                _sink.Warn($"page {number}: could not be rendered for OCR ({render.Problem})");
                return 0;
            }
            if (size.Pixels > limits.MaxImagePixels)
            {
                _sink.Warn($"page {number}: rendered larger than the image limit, skipped");
                return 0;
            }
            var image = Path.Combine(Directory, $"page-{number}.png");
            File.WriteAllBytes(image, render.Stdout);
            try
            {
                return Add(number, TesseractOcr.Recognise(image, dpi, limits, clock, limits.OcrPageTimeout, _sink.CancellationToken), insertAt);
            }
            finally
            {
                File.Delete(image);
            }
        }
        finally
        {
            _sink.ReportOcr(new OcrProgress(++_done, _pages));
        }
    }

    /// <summary>Recognises an image file (or the page of a TIFF it shows) as page <paramref name="number"/>.</summary>
    public int RecogniseImage(string imagePath, int number)
    {
        try
        {
            var attempt = TesseractOcr.Recognise(imagePath, null, _sink.Limits, Stopwatch.StartNew(), _sink.Limits.OcrPageTimeout, _sink.CancellationToken);
            return Add(number, attempt, _sink.Blocks.Count);
        }
        finally
        {
            _sink.ReportOcr(new OcrProgress(++_done, _pages));
        }
    }

    /// <summary>When nothing was recognised because pages ran out of time, the file fails with that reason.</summary>
    public void ThrowIfOnlyTimeouts()
    {
        if (Recognised == 0 && TimedOut > 0)
            throw new ExtractionException(ExtractionFailure.Timeout, IngestionMessages.OcrTimeout((int)Math.Ceiling(_sink.Limits.OcrPageTimeout.TotalSeconds)));
    }

    /// <summary>One note for the file: how many pages were recognised and how sure tesseract was overall.</summary>
    public void Summarise()
    {
        if (Recognised == 0) return;
        var pages = Recognised == 1 ? "1 page" : $"{Recognised} pages";
        _sink.Warn($"{pages} recognised by OCR (confidence {_confidences.Average().ToString("N0", CultureInfo.InvariantCulture)}%) — the text may contain errors");
    }

    private int Add(int number, OcrAttempt attempt, int insertAt)
    {
        if (attempt.TimedOut) return Stopped(number);
        if (attempt.Page is not { } page)
        {
            _sink.Warn($"page {number}: OCR failed ({attempt.Problem})");
            return 0;
        }
        var added = 0;
        foreach (var paragraph in page.Paragraphs)
            if (_sink.Insert(insertAt + added, paragraph, new SourceLocator(Page: number), Math.Round(page.Confidence, 1))) added++;
        if (added == 0)
        {
            _sink.Warn($"page {number}: no text recognised");
            return 0;
        }
        Recognised++;
        _confidences.Add(page.Confidence);
        if (page.Confidence < _sink.Limits.OcrLowConfidence)
            _sink.Warn($"page {number}: recognised with low confidence ({page.Confidence.ToString("N0", CultureInfo.InvariantCulture)}%) — check it against the original");
        return added;
    }

    private int Stopped(int number)
    {
        TimedOut++;
        _sink.Warn($"page {number}: OCR stopped after {_sink.Limits.OcrPageTimeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s");
        return 0;
    }

    public void Dispose()
    {
        if (_directory is null) return;
        try
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file still held open by a killed tool; the system's temp cleaning takes it.
        }
    }
}
