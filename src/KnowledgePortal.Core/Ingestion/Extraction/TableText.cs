using System.Globalization;
using System.Text;

namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>Formats table rows (docx, pptx, xlsx, csv, html) as "Header: value; Header2: value2".</summary>
internal static class TableText
{
    /// <summary>
    /// Pairs each non-empty value with the header of its column: "Header: value; Header2: value2".
    /// Values whose column has no header are emitted alone. Without headers the values are joined with " | ".
    /// </summary>
    public static string FormatRow(IReadOnlyList<string>? headers, IReadOnlyList<string> values)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < values.Count; i++)
        {
            var value = values[i].Trim();
            if (value.Length == 0) continue;
            if (headers is null)
            {
                if (sb.Length > 0) sb.Append(" | ");
                sb.Append(value);
                continue;
            }
            if (sb.Length > 0) sb.Append("; ");
            var header = i < headers.Count ? headers[i].Trim() : string.Empty;
            if (header.Length > 0 && !string.Equals(header, value, StringComparison.Ordinal))
                sb.Append(header).Append(": ");
            sb.Append(value);
        }
        return sb.ToString();
    }

    /// <summary>
    /// Heuristic for tables without an explicit header flag: the first row looks like column labels when it has at
    /// least two cells, every cell is filled with a short, non-numeric label and some later row has two or more values.
    /// </summary>
    public static bool LooksLikeHeader(IReadOnlyList<string> first, IEnumerable<IReadOnlyList<string>> rest)
    {
        var cells = first.Select(c => c.Trim()).ToList();
        if (cells.Count < 2) return false;
        if (cells.Any(c => c.Length == 0 || c.Length > 60 || IsNumeric(c))) return false;
        if (cells.Distinct(StringComparer.Ordinal).Count() < cells.Count) return false; // merged banner rows repeat text
        return rest.Any(r => r.Count(v => !string.IsNullOrWhiteSpace(v)) >= 2);
    }

    public static bool IsNumeric(string s) =>
        double.TryParse(s.Replace(",", string.Empty).Replace("%", string.Empty).Replace("$", string.Empty).Replace("¥", string.Empty),
            NumberStyles.Any, CultureInfo.InvariantCulture, out _);

    /// <summary>"A", "B", … "Z", "AA" for 0-based column indexes.</summary>
    public static string ColumnName(int index)
    {
        var sb = new StringBuilder();
        var n = index + 1;
        while (n > 0)
        {
            var rem = (n - 1) % 26;
            sb.Insert(0, (char)('A' + rem));
            n = (n - 1) / 26;
        }
        return sb.ToString();
    }

    /// <summary>0-based column index of a reference such as "AB12"; -1 when it has no letters.</summary>
    public static int ColumnIndex(string? cellReference)
    {
        if (string.IsNullOrEmpty(cellReference)) return -1;
        var index = 0;
        var letters = 0;
        foreach (var c in cellReference)
        {
            var u = char.ToUpperInvariant(c);
            if (u is < 'A' or > 'Z') break;
            index = index * 26 + (u - 'A' + 1);
            letters++;
            if (letters > 3) return -1;
        }
        return letters == 0 ? -1 : index - 1;
    }

    public static string RowRange(int firstColumn, int lastColumn, long row) =>
        $"{ColumnName(firstColumn)}{row}:{ColumnName(lastColumn)}{row}";
}
