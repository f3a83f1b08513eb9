using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using KnowledgePortal.Core.Domain;

namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>
/// Workbooks, read with the SAX reader: every sheet in workbook order, cell values (never formulas), first non-empty
/// multi-cell row as header, each following row a block "Header: value; …" located by sheet and cell range.
/// </summary>
internal static class XlsxExtractor
{
    public static ExtractionResult Extract(byte[] content, string detectedType, ExtractionSink sink)
    {
        using var doc = SpreadsheetDocument.Open(OoxmlCommon.ReadOnlyStream(content), false, OoxmlCommon.Settings(sink.Limits));
        var workbookPart = doc.WorkbookPart
                           ?? throw new ExtractionException(ExtractionFailure.Corrupt, ZipGuard.CorruptMessage);
        var workbook = workbookPart.Workbook
                       ?? throw new ExtractionException(ExtractionFailure.Corrupt, ZipGuard.CorruptMessage);
        var sheets = workbook.Sheets?.Elements<Sheet>().ToList() ?? [];
        if (sheets.Count == 0)
            throw new ExtractionException(ExtractionFailure.Empty, "No text could be extracted from this file (the workbook has no sheets).");

        var sharedStrings = ReadSharedStrings(workbookPart.SharedStringTablePart, sink);
        var formats = NumberFormats.Load(workbookPart.WorkbookStylesPart,
            workbook.WorkbookProperties?.Date1904?.Value ?? false);

        foreach (var sheet in sheets)
        {
            sink.CancellationToken.ThrowIfCancellationRequested();
            var name = sheet.Name?.Value ?? $"Sheet{sheets.IndexOf(sheet) + 1}";
            var relId = sheet.Id?.Value;
            if (relId is null) continue;
            OpenXmlPart? part;
            try
            {
                part = workbookPart.GetPartById(relId);
            }
            catch (ArgumentOutOfRangeException)
            {
                sink.Warn($"sheet \"{name}\": missing from the file, skipped");
                continue;
            }
            if (part is WorksheetPart worksheet) ReadSheet(worksheet, name, sharedStrings, formats, sink);
        }
        return sink.ToResult(sheets.Count, detectedType, OoxmlCommon.Title(doc));
    }

    /// <summary>Shared strings: the text of t and r/t only — phonetic readings (rPh) are skipped.</summary>
    private static List<string> ReadSharedStrings(SharedStringTablePart? part, ExtractionSink sink)
    {
        var result = new List<string>();
        if (part is null) return result;
        using var reader = OpenXmlReader.Create(part);
        StringBuilder? current = null;
        var phoneticDepth = 0;
        long total = 0;
        while (reader.Read())
        {
            var type = reader.ElementType;
            if (type == typeof(SharedStringItem))
            {
                if (reader.IsStartElement) current = new StringBuilder();
                if (reader.IsEndElement)
                {
                    result.Add(current?.ToString() ?? string.Empty);
                    current = null;
                    if ((result.Count & 1023) == 0) sink.CancellationToken.ThrowIfCancellationRequested();
                }
            }
            else if (type == typeof(PhoneticRun))
            {
                if (reader.IsStartElement) phoneticDepth++;
                if (reader.IsEndElement) phoneticDepth--;
            }
            else if (type == typeof(DocumentFormat.OpenXml.Spreadsheet.Text) && reader.IsStartElement && phoneticDepth == 0 && current is not null)
            {
                var text = reader.GetText();
                total += text.Length;
                // A string table larger than the whole text budget cannot be indexed anyway.
                if (total > sink.Limits.MaxExtractedCharacters) throw ExtractionSink.TooMuchText(sink.Limits);
                current.Append(text);
            }
        }
        return result;
    }

    private static void ReadSheet(WorksheetPart part, string sheetName, List<string> sharedStrings, NumberFormats formats,
        ExtractionSink sink)
    {
        using var reader = OpenXmlReader.Create(part);
        var state = new SheetState(sheetName, sink);
        var cells = new SortedDictionary<int, string>();
        long rowIndex = 0;
        long rowChars = 0;

        // Current cell.
        var inCell = false;
        var cellColumn = -1;
        var lastColumn = -1;
        string? cellType = null;
        uint styleIndex = 0;
        string? rawValue = null;
        StringBuilder? inline = null;
        var phoneticDepth = 0;
        var inInline = false;

        while (reader.Read())
        {
            var type = reader.ElementType;
            if (type == typeof(Row))
            {
                if (reader.IsStartElement)
                {
                    var r = Attribute(reader, "r");
                    rowIndex = long.TryParse(r, NumberStyles.None, CultureInfo.InvariantCulture, out var ri) ? ri : rowIndex + 1;
                    cells.Clear();
                    rowChars = 0;
                    lastColumn = -1;
                }
                if (reader.IsEndElement)
                {
                    state.Row(rowIndex, cells);
                    cells.Clear();
                }
            }
            else if (type == typeof(Cell))
            {
                if (reader.IsStartElement)
                {
                    inCell = true;
                    var col = TableText.ColumnIndex(Attribute(reader, "r"));
                    cellColumn = col >= 0 ? col : lastColumn + 1;
                    cellType = Attribute(reader, "t");
                    styleIndex = uint.TryParse(Attribute(reader, "s"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
                    rawValue = null;
                    inline = null;
                }
                if (reader.IsEndElement && inCell)
                {
                    inCell = false;
                    lastColumn = cellColumn;
                    var value = CellValue(cellType, rawValue, inline?.ToString(), styleIndex, sharedStrings, formats);
                    if (!string.IsNullOrWhiteSpace(value))
                    {
                        rowChars += value.Length;
                        // Amplification guard: never build a row that could not be indexed anyway.
                        if (rowChars > sink.Remaining) throw ExtractionSink.TooMuchText(sink.Limits);
                        cells[cellColumn] = value;
                    }
                }
            }
            else if (!inCell)
            {
                continue;
            }
            else if (type == typeof(CellValue) && reader.IsStartElement)
            {
                rawValue = reader.GetText();
            }
            else if (type == typeof(InlineString))
            {
                inInline = reader.IsStartElement && !reader.IsEndElement;
                if (reader.IsStartElement) inline ??= new StringBuilder();
            }
            else if (type == typeof(PhoneticRun))
            {
                if (reader.IsStartElement) phoneticDepth++;
                if (reader.IsEndElement) phoneticDepth--;
            }
            else if (type == typeof(DocumentFormat.OpenXml.Spreadsheet.Text) && reader.IsStartElement && inInline && phoneticDepth == 0)
            {
                inline?.Append(reader.GetText());
            }
        }
        state.Finish();
    }

    private static string? Attribute(OpenXmlReader reader, string localName)
    {
        foreach (var a in reader.Attributes)
            if (a.LocalName == localName && string.IsNullOrEmpty(a.NamespaceUri)) return a.Value;
        return null;
    }

    private static string? CellValue(string? type, string? raw, string? inline, uint style, List<string> sharedStrings,
        NumberFormats formats)
    {
        switch (type)
        {
            case "s":
                return int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i >= 0 && i < sharedStrings.Count
                    ? sharedStrings[i]
                    : null;
            case "inlineStr":
                return inline ?? raw;
            case "b":
                return raw is null ? null : raw.Trim() is "1" or "true" ? "TRUE" : "FALSE";
            case "str" or "e":
                return raw;
            case "d":
                return DateTime.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var iso)
                    ? FormatDate(iso, iso.TimeOfDay != TimeSpan.Zero)
                    : raw;
            default:
                if (raw is null) return inline;
                return formats.Format(raw, style);
        }
    }

    internal static string FormatDate(DateTime value, bool withTime) =>
        value.ToString(withTime ? "yyyy-MM-dd HH:mm" : "yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Header detection and row emission for one sheet.</summary>
    private sealed class SheetState(string sheetName, ExtractionSink sink)
    {
        private string[]? _headers;
        private (long Row, SortedDictionary<int, string> Cells)? _pendingHeader;
        private bool _emittedData;

        public void Row(long row, SortedDictionary<int, string> cells)
        {
            if (cells.Count == 0) return;
            if (_headers is null)
            {
                if (cells.Count == 1)
                {
                    // A lone cell above the table is a title or a note, not column labels.
                    Emit(row, cells, null);
                    return;
                }
                var width = cells.Keys.Max() + 1;
                _headers = new string[width];
                foreach (var (col, value) in cells) _headers[col] = value;
                _pendingHeader = (row, new SortedDictionary<int, string>(cells));
                return;
            }
            Emit(row, cells, _headers);
            _emittedData = true;
        }

        public void Finish()
        {
            // A sheet with nothing but a header row is still worth indexing.
            if (!_emittedData && _pendingHeader is { } h) Emit(h.Row, h.Cells, null);
        }

        private void Emit(long row, SortedDictionary<int, string> cells, string[]? headers)
        {
            var first = cells.Keys.First();
            var last = cells.Keys.Last();
            var values = new List<string>(last - first + 1);
            var names = headers is null ? null : new List<string>(last - first + 1);
            for (var c = first; c <= last; c++)
            {
                values.Add(cells.TryGetValue(c, out var v) ? v : string.Empty);
                names?.Add(headers is not null && c < headers.Length ? headers[c] ?? string.Empty : string.Empty);
            }
            var text = headers is null ? string.Join("; ", values.Where(v => !string.IsNullOrWhiteSpace(v))) : TableText.FormatRow(names, values);
            sink.Add(text, new SourceLocator(Sheet: sheetName, CellRange: TableText.RowRange(first, last, row)), sheetName);
        }
    }

    /// <summary>Cell number formats: dates (built-in ids 14–22, East Asian date ids, custom formats with y/m/d) and percentages.</summary>
    private sealed class NumberFormats
    {
        private readonly List<uint> _cellFormatIds = [];
        private readonly Dictionary<uint, string> _custom = [];
        private readonly bool _date1904;

        private NumberFormats(bool date1904) => _date1904 = date1904;

        public static NumberFormats Load(WorkbookStylesPart? part, bool date1904)
        {
            var f = new NumberFormats(date1904);
            var stylesheet = part?.Stylesheet;
            if (stylesheet is null) return f;
            if (stylesheet.NumberingFormats is { } numFmts)
                foreach (var nf in numFmts.Elements<NumberingFormat>())
                    if (nf.NumberFormatId?.Value is { } id && nf.FormatCode?.Value is { } code)
                        f._custom[id] = code;
            if (stylesheet.CellFormats is { } xfs)
                foreach (var xf in xfs.Elements<CellFormat>())
                    f._cellFormatIds.Add(xf.NumberFormatId?.Value ?? 0);
            return f;
        }

        public string Format(string raw, uint style)
        {
            if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)) return raw;
            var numFmtId = style < _cellFormatIds.Count ? _cellFormatIds[(int)style] : 0u;
            var kind = Kind(numFmtId);
            if (kind is FormatKind.Date or FormatKind.DateTime && number is > -657435 and < 2958466)
            {
                var serial = _date1904 ? number + 1462 : number;
                try
                {
                    var date = DateTime.FromOADate(serial);
                    return FormatDate(date, kind == FormatKind.DateTime && date.TimeOfDay != TimeSpan.Zero);
                }
                catch (ArgumentException)
                {
                    return raw;
                }
            }
            if (kind == FormatKind.Percent)
                return (number * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";
            return number.ToString("G15", CultureInfo.InvariantCulture);
        }

        private enum FormatKind { General, Date, DateTime, Percent }

        private FormatKind Kind(uint id)
        {
            switch (id)
            {
                case >= 14 and <= 17 or >= 27 and <= 31 or >= 34 and <= 36 or >= 50 and <= 58:
                    return FormatKind.Date;
                case 22:
                    return FormatKind.DateTime;
                case >= 18 and <= 21 or 45 or 46 or 47 or 32 or 33:
                    return FormatKind.General; // pure time formats: keep the number
                case 9 or 10:
                    return FormatKind.Percent;
            }
            if (!_custom.TryGetValue(id, out var code)) return FormatKind.General;
            return ClassifyCustom(code);
        }

        /// <summary>Strips literals, colours and locale tags, then looks for date tokens.</summary>
        private static FormatKind ClassifyCustom(string code)
        {
            var section = code.Split(';')[0];
            var sb = new StringBuilder();
            var inQuote = false;
            var inBracket = false;
            for (var i = 0; i < section.Length; i++)
            {
                var c = section[i];
                if (inQuote) { if (c == '"') inQuote = false; continue; }
                if (inBracket) { if (c == ']') inBracket = false; continue; }
                switch (c)
                {
                    case '"': inQuote = true; continue;
                    case '[': inBracket = true; continue;
                    case '\\' or '_' or '*': i++; continue;
                }
                sb.Append(char.ToLowerInvariant(c));
            }
            var s = sb.ToString().Trim();
            if (s is "general" or "@" or "") return FormatKind.General;
            if (s.Contains('%')) return FormatKind.Percent;
            var hasDate = s.Contains('y') || s.Contains('d');
            var hasTime = s.Contains('h') || s.Contains('s');
            if (!hasDate && s.Contains('m') && !hasTime) hasDate = true; // "mmm" month names
            if (!hasDate) return FormatKind.General;
            return hasTime ? FormatKind.DateTime : FormatKind.Date;
        }
    }
}
