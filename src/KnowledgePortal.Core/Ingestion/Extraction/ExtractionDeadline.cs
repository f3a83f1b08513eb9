using System.Diagnostics;

namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>
/// When the extraction of one file must stop: its time (Ingestion:FileTimeoutSeconds), plus a page's time
/// (<see cref="ExtractionLimits.OcrPageTimeout"/>) for each page to recognise once OCR has said how many there are.
/// Cancelled with the caller's token too.
/// </summary>
public sealed class ExtractionDeadline : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TimeSpan _fileTimeout;
    private readonly TimeSpan _perOcrPage;

    public ExtractionDeadline(TimeSpan fileTimeout, ExtractionLimits limits, CancellationToken ct)
    {
        _fileTimeout = fileTimeout;
        _perOcrPage = limits.OcrPageTimeout;
        _source = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _source.CancelAfter(fileTimeout);
    }

    public CancellationToken Token => _source.Token;

    /// <summary>Moves the deadline to the file's time plus a page's time per page to recognise, counted from the start.</summary>
    public void Extend(OcrProgress progress)
    {
        var left = _fileTimeout + _perOcrPage * progress.Total - _clock.Elapsed;
        try
        {
            _source.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }
        catch (ObjectDisposedException)
        {
            // the run is over (or was abandoned when its time ran out)
        }
    }

    public void Dispose() => _source.Dispose();
}
