namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>The outcome of recognising one page: the page, or why there is none.</summary>
/// <param name="Problem">What went wrong, for a warning (the tool's complaint); null when the page was read or ran out of time.</param>
/// <param name="TimedOut">The page's time (<see cref="ExtractionLimits.OcrPageTimeout"/>) ran out.</param>
internal sealed record OcrAttempt(OcrPage? Page, string? Problem, bool TimedOut)
{
    public static readonly OcrAttempt OutOfTime = new(null, null, true);

    public static OcrAttempt Failed(string problem) => new(null, problem, false);
}
