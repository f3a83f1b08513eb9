using System.Globalization;
using System.Text;
using KnowledgePortal.Core.Audit;

namespace KnowledgePortal.Core.Insights;

/// <summary>CSV exports of the insights (cells escaped by <see cref="AuditCsv.Escape"/>, so no cell runs as a formula).</summary>
public static class InsightsCsv
{
    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    private static string Num(decimal value) => value.ToString(CultureInfo.InvariantCulture);
    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Ledger(IEnumerable<LedgerRow> rows) => Format(
        ["id", "at_utc", "user_id", "provider", "model", "route", "input_tokens", "output_tokens", "tokens_estimated", "cost",
         "first_token_ms", "total_ms", "answered_from_sources", "group_ids", "collection_ids"],
        rows.Select(r => new string?[]
        {
            Num(r.Id), Time(r.At), r.UserId, r.Provider, r.Model, r.Route, Num(r.InputTokens), Num(r.OutputTokens),
            r.TokensEstimated ? "true" : "false", Num(r.Cost), r.FirstTokenMs?.ToString(CultureInfo.InvariantCulture), Num(r.TotalMs),
            r.AnsweredFromSources ? "true" : "false", string.Join(' ', r.GroupIds), string.Join(' ', r.CollectionIds),
        }));

    public static string Feedback(IEnumerable<FeedbackItem> rows) => Format(
        ["id", "at_utc", "user_id", "rating", "comment", "question", "answer", "sources", "answer_hidden"],
        rows.Select(r => new string?[]
        {
            Num(r.Id), Time(r.At), r.UserId, Num(r.Rating), r.Comment, r.Question, r.Answer, string.Join("; ", r.Sources),
            r.AnswerHidden ? "true" : "false",
        }));

    public static string Unanswered(IEnumerable<UnansweredQuestion> rows) => Format(
        ["at_utc", "user_id", "question"],
        rows.Select(r => new string?[] { Time(r.At), r.UserId, r.Question }));

    /// <summary>A header and rows as RFC 4180 CSV with CRLF line ends.</summary>
    public static string Format(string[] header, IEnumerable<string?[]> rows)
    {
        var sb = new StringBuilder();
        AppendRow(sb, header);
        foreach (var row in rows) AppendRow(sb, row);
        return sb.ToString();
    }

    private static void AppendRow(StringBuilder sb, IReadOnlyList<string?> cells)
    {
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append(AuditCsv.Escape(cells[i]));
        }
        sb.Append("\r\n");
    }
}
