using System.Globalization;
using System.Text;
using KnowledgePortal.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Core.Audit;

/// <summary>Audit search. <paramref name="To"/> is exclusive; Actor and Text match case-insensitively as substrings.</summary>
/// <param name="Action">Exact action name, e.g. "access-change".</param>
/// <param name="Text">Searched in the target id.</param>
public sealed record AuditFilter(
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    string? Actor = null,
    string? Action = null,
    string? Text = null);

public sealed record AuditPage(IReadOnlyList<AuditEvent> Items, int TotalCount);

public static class AuditQuery
{
    /// <summary>Filters audit events; newest first (id breaks ties so paging is stable).</summary>
    public static IQueryable<AuditEvent> Apply(IQueryable<AuditEvent> events, AuditFilter filter)
    {
        if (filter.From is { } from) events = events.Where(e => e.At >= from.ToUniversalTime());
        if (filter.To is { } to) events = events.Where(e => e.At < to.ToUniversalTime());
        if (!string.IsNullOrWhiteSpace(filter.Actor))
        {
            var pattern = Contains(filter.Actor);
            events = events.Where(e => EF.Functions.ILike(e.Actor, pattern, @"\"));
        }
        if (!string.IsNullOrWhiteSpace(filter.Action))
        {
            var action = filter.Action.Trim();
            events = events.Where(e => e.Action == action);
        }
        if (!string.IsNullOrWhiteSpace(filter.Text))
        {
            var pattern = Contains(filter.Text);
            events = events.Where(e => e.TargetId != null && EF.Functions.ILike(e.TargetId, pattern, @"\"));
        }
        return events.OrderByDescending(e => e.At).ThenByDescending(e => e.Id);
    }

    /// <summary>A LIKE pattern that matches <paramref name="text"/> literally anywhere.</summary>
    public static string Contains(string text) =>
        "%" + text.Trim().Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_") + "%";
}

/// <summary>RFC 4180 CSV of audit events, safe to open in a spreadsheet.</summary>
public static class AuditCsv
{
    public static readonly string[] Header = ["id", "at_utc", "actor", "action", "target_type", "target_id", "details"];

    public static string Format(IEnumerable<AuditEvent> events)
    {
        var sb = new StringBuilder();
        AppendRow(sb, Header);
        foreach (var e in events)
            AppendRow(sb, [
                e.Id.ToString(CultureInfo.InvariantCulture),
                e.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                e.Actor, e.Action, e.TargetType, e.TargetId, e.Details,
            ]);
        return sb.ToString();
    }

    private static void AppendRow(StringBuilder sb, IReadOnlyList<string?> cells)
    {
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append(Escape(cells[i]));
        }
        sb.Append("\r\n");
    }

    /// <summary>
    /// One cell: a value a spreadsheet would run as a formula (starting with = + - @, tab or carriage return) gets a
    /// leading apostrophe; then the cell is quoted when it holds a comma, quote or line break (quotes doubled).
    /// </summary>
    public static string Escape(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }
}
