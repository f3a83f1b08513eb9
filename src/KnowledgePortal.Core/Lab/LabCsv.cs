using System.Globalization;
using KnowledgePortal.Core.Insights;

namespace KnowledgePortal.Core.Lab;

/// <summary>A run as CSV, one row per question and model, as the viewer may see it (hidden answers stay hidden).</summary>
public static class LabCsv
{
    public static string Format(LabRunView run) => InsightsCsv.Format(
        ["question_no", "question", "expected_answers", "provider", "model", "route", "answered", "expected_match", "answer", "citations",
         "passages_sent", "passages_withheld", "input_tokens", "output_tokens", "tokens_estimated", "cost", "first_token_ms", "total_ms", "error"],
        run.Questions.SelectMany(q => q.Results.Select(r => new string?[]
        {
            Num(q.Ordinal), q.Question, string.Join(" | ", q.ExpectedAnswers), r.Provider, r.Model, r.Route, Bool(r.Answered),
            r.ExpectedMatch is { } m ? Bool(m) : null, r.Answer,
            string.Join("; ", r.Citations.Select(c => $"[{c.Number}] {c.Passage.DocumentTitle} {c.Passage.Locator.ToDisplay()}".TrimEnd())),
            Num(r.SentCount), Num(r.WithheldCount), Num(r.InputTokens), Num(r.OutputTokens), Bool(r.TokensEstimated),
            r.Cost.ToString(CultureInfo.InvariantCulture), Ms(r.FirstTokenMs), Ms(r.TotalMs), r.Error,
        })));

    private static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);
    /// <summary>Milliseconds to 0.001: an extractive answer is a fraction of one.</summary>
    private static string? Ms(double? value) => value is { } v ? Math.Round(v, 3).ToString("0.###", CultureInfo.InvariantCulture) : null;
    private static string Bool(bool value) => value ? "true" : "false";
}
