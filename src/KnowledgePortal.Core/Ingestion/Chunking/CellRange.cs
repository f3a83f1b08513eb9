using System.Globalization;
using System.Text;

namespace KnowledgePortal.Core.Ingestion.Chunking;

/// <summary>A1-style spreadsheet range helpers.</summary>
public static class CellRange
{
    /// <summary>
    /// The smallest rectangle covering both ranges: <c>Merge("A5:D5", "A6:D9") == "A5:D9"</c>,
    /// <c>Merge("B2", "A3") == "A2:B3"</c>. "$" anchors are ignored and references are upper-cased.
    /// A null/blank side yields the other side. If either side is not an A1 cell or cell range (e.g. "A:A" or a named
    /// range), the two are listed as areas instead: <c>"A:A,B2"</c> (duplicates removed).
    /// A single-cell result is written as one reference ("C7").
    /// </summary>
    public static string? Merge(string? a, string? b)
    {
        if (string.IsNullOrWhiteSpace(a)) return string.IsNullOrWhiteSpace(b) ? null : b.Trim();
        if (string.IsNullOrWhiteSpace(b)) return a.Trim();
        if (TryParse(a, out var ra) && TryParse(b, out var rb))
        {
            return Format(
                Math.Min(ra.Col1, rb.Col1), Math.Min(ra.Row1, rb.Row1),
                Math.Max(ra.Col2, rb.Col2), Math.Max(ra.Row2, rb.Row2));
        }
        var areas = new List<string>();
        foreach (var part in (a.Trim() + "," + b.Trim()).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (!areas.Contains(part, StringComparer.OrdinalIgnoreCase)) areas.Add(part);
        return string.Join(",", areas);
    }

    /// <summary>Folds <see cref="Merge(string?, string?)"/> over a sequence; null when there is no range at all.</summary>
    public static string? Merge(IEnumerable<string?> ranges)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        string? acc = null;
        foreach (var r in ranges) acc = Merge(acc, r);
        return acc;
    }

    /// <summary>Parses "A5", "$A$5", "A5:D9" (corners in any order) into 1-based normalised bounds.</summary>
    public static bool TryParse(string? range, out (int Col1, int Row1, int Col2, int Row2) bounds)
    {
        bounds = default;
        if (string.IsNullOrWhiteSpace(range)) return false;
        var parts = range.Trim().Split(':');
        if (parts.Length is < 1 or > 2) return false;
        if (!TryParseCell(parts[0], out int c1, out int r1)) return false;
        int c2 = c1, r2 = r1;
        if (parts.Length == 2 && !TryParseCell(parts[1], out c2, out r2)) return false;
        bounds = (Math.Min(c1, c2), Math.Min(r1, r2), Math.Max(c1, c2), Math.Max(r1, r2));
        return true;
    }

    private static bool TryParseCell(string cell, out int col, out int row)
    {
        col = 0;
        row = 0;
        var s = cell.Trim().Replace("$", "", StringComparison.Ordinal);
        int i = 0;
        while (i < s.Length && char.IsAsciiLetter(s[i]))
        {
            col = col * 26 + (char.ToUpperInvariant(s[i]) - 'A' + 1);
            if (col > 16_384) return false; // beyond XFD
            i++;
        }
        if (i == 0 || i > 3 || i == s.Length) return false;
        var digits = s.AsSpan(i);
        foreach (var ch in digits)
            if (!char.IsAsciiDigit(ch)) return false;
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out row) && row >= 1;
    }

    private static string Format(int col1, int row1, int col2, int row2)
    {
        var first = ColumnName(col1) + row1.ToString(CultureInfo.InvariantCulture);
        if (col1 == col2 && row1 == row2) return first;
        return first + ":" + ColumnName(col2) + row2.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>1 → "A", 26 → "Z", 27 → "AA".</summary>
    public static string ColumnName(int column)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(column, 1);
        var sb = new StringBuilder(3);
        while (column > 0)
        {
            int rem = (column - 1) % 26;
            sb.Insert(0, (char)('A' + rem));
            column = (column - 1) / 26;
        }
        return sb.ToString();
    }
}
