using System.Text;
using KnowledgePortal.Core.Domain;

namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>CSV (RFC 4180, with ";" or tab delimiters detected): first non-empty record is the header, rows become "Header: value" blocks.</summary>
internal static class CsvExtractor
{
    public static ExtractionResult Extract(string text, string fileName, string detectedType, ExtractionSink sink)
    {
        var sheet = string.IsNullOrWhiteSpace(fileName) ? "csv" : Path.GetFileName(fileName);
        var delimiter = DetectDelimiter(text);
        List<string>? headers = null;
        (long Row, List<string> Cells)? headerRecord = null;
        var emittedData = false;
        long row = 0;

        foreach (var record in Parse(text, delimiter, sink))
        {
            row++;
            if (record.All(string.IsNullOrWhiteSpace)) continue;
            if (headers is null)
            {
                headers = record;
                headerRecord = (row, record);
                continue;
            }
            Emit(record, headers, row);
            emittedData = true;
        }
        if (!emittedData && headerRecord is { } h) Emit(h.Cells, null, h.Row);
        return sink.ToResult(1, detectedType, null);

        void Emit(List<string> cells, List<string>? names, long r)
        {
            var first = cells.FindIndex(c => !string.IsNullOrWhiteSpace(c));
            var last = cells.FindLastIndex(c => !string.IsNullOrWhiteSpace(c));
            if (first < 0) return;
            sink.Add(TableText.FormatRow(names, cells), new SourceLocator(Sheet: sheet, CellRange: TableText.RowRange(first, last, r)), sheet);
        }
    }

    /// <summary>The candidate (",", ";", tab) that occurs most often outside quotes in the first line.</summary>
    internal static char DetectDelimiter(string text)
    {
        int comma = 0, semicolon = 0, tab = 0;
        var inQuotes = false;
        foreach (var c in text.AsSpan(0, Math.Min(text.Length, 64 * 1024)))
        {
            if (c == '"') inQuotes = !inQuotes;
            else if (!inQuotes && c is '\n' or '\r') break;
            else if (!inQuotes && c == ',') comma++;
            else if (!inQuotes && c == ';') semicolon++;
            else if (!inQuotes && c == '\t') tab++;
        }
        if (tab > comma && tab >= semicolon) return '\t';
        if (semicolon > comma) return ';';
        return ',';
    }

    /// <summary>
    /// RFC 4180 records: fields separated by <paramref name="delimiter"/>, optionally enclosed in double quotes; inside
    /// quotes, "" is a literal quote and line breaks are part of the field. CRLF, LF and CR all end a record.
    /// </summary>
    internal static IEnumerable<List<string>> Parse(string text, char delimiter, ExtractionSink? sink = null)
    {
        var record = new List<string>();
        var field = new StringBuilder();
        var inQuotes = false;
        var fieldStarted = false;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                    inQuotes = false;
                    i++;
                    continue;
                }
                field.Append(c);
                i++;
                if (sink is not null && field.Length > sink.Remaining) throw ExtractionSink.TooMuchText(sink.Limits);
                continue;
            }

            if (c == '"' && field.Length == 0 && !fieldStarted)
            {
                inQuotes = true;
                fieldStarted = true;
                i++;
                continue;
            }
            if (c == delimiter)
            {
                record.Add(field.ToString());
                field.Clear();
                fieldStarted = false;
                i++;
                continue;
            }
            if (c is '\r' or '\n')
            {
                record.Add(field.ToString());
                field.Clear();
                fieldStarted = false;
                yield return record;
                record = [];
                i += c == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
                continue;
            }
            field.Append(c);
            fieldStarted = true;
            i++;
        }
        if (field.Length > 0 || record.Count > 0 || fieldStarted)
        {
            record.Add(field.ToString());
            yield return record;
        }
    }
}
