using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace KnowledgePortal.Core.Demo.Builders;

// KnowledgePortal.Core.Text is a namespace; this alias wins over it inside this namespace.
using Text = DocumentFormat.OpenXml.Spreadsheet.Text;

/// <summary>
/// Writes a small, valid SpreadsheetML workbook with shared strings and a stylesheet.
/// Cell values by CLR type: <see cref="string"/> → shared string; <see cref="DateOnly"/> → date serial
/// formatted yyyy-mm-dd; <see cref="long"/> → number formatted #,##0 (amounts); <see cref="int"/> /
/// <see cref="double"/> / <see cref="decimal"/> → plain number; null → empty. Output is deterministic.
/// </summary>
internal sealed class XlsxBuilder(string title, string language)
{
    private const uint StyleDefault = 0;
    private const uint StyleHeader = 1;
    private const uint StyleDate = 2;
    private const uint StyleAmount = 3;
    private const uint StyleWrap = 4;
    private const uint DateFormatId = 164;

    private readonly List<SheetBuilder> _sheets = [];

    public SheetBuilder Sheet(string name, params double[] columnWidths)
    {
        var sheet = new SheetBuilder(name, columnWidths);
        _sheets.Add(sheet);
        return sheet;
    }

    internal sealed class SheetBuilder(string name, double[] columnWidths)
    {
        internal string Name { get; } = name;
        internal double[] ColumnWidths { get; } = columnWidths;
        internal List<(object?[] Cells, bool Header)> Rows { get; } = [];
        internal bool FreezeHeader { get; private set; }

        /// <summary>A bold header row; also freezes the top row and adds an auto-filter when it is the first row.</summary>
        public SheetBuilder Header(params string[] cells)
        {
            if (Rows.Count == 0) FreezeHeader = true;
            Rows.Add((cells, true));
            return this;
        }

        public SheetBuilder Row(params object?[] cells)
        {
            Rows.Add((cells, false));
            return this;
        }
    }

    public byte[] Build()
    {
        var sharedStrings = new List<string>();
        var sharedIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        int Share(string text)
        {
            if (!sharedIndex.TryGetValue(text, out var index))
            {
                index = sharedStrings.Count;
                sharedStrings.Add(text);
                sharedIndex[text] = index;
            }
            return index;
        }

        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbookPart = document.AddNewPart<WorkbookPart>(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", "rId1");
            PackageFinisher.AddCoreProperties(document, "rId2", title, language);

            var sheets = new Sheets();
            for (var i = 0; i < _sheets.Count; i++)
            {
                var relationshipId = $"rId{i + 1}";
                var worksheetPart = workbookPart.AddNewPart<WorksheetPart>(relationshipId);
                worksheetPart.Worksheet = Worksheet(_sheets[i], Share, isFirst: i == 0);
                sheets.Append(new Sheet { Name = _sheets[i].Name, SheetId = (uint)(i + 1), Id = relationshipId });
            }

            var workbook = new Workbook(new BookViews(new WorkbookView { ActiveTab = 0U }), sheets);
            var definedNames = DefinedNames();
            if (definedNames.HasChildren) workbook.Append(definedNames);
            workbookPart.Workbook = workbook;

            workbookPart.AddNewPart<WorkbookStylesPart>($"rId{_sheets.Count + 1}").Stylesheet = Stylesheet();
            workbookPart.AddNewPart<SharedStringTablePart>($"rId{_sheets.Count + 2}").SharedStringTable =
                new SharedStringTable(sharedStrings.Select(s => new SharedStringItem(new Text(s) { Space = SpaceProcessingModeValues.Preserve })))
                {
                    Count = (uint)sharedStrings.Count,
                    UniqueCount = (uint)sharedStrings.Count,
                };
        }
        return PackageFinisher.Normalize(stream.ToArray());
    }

    private DefinedNames DefinedNames()
    {
        var names = new DefinedNames();
        for (var i = 0; i < _sheets.Count; i++)
        {
            var sheet = _sheets[i];
            if (!sheet.FreezeHeader) continue;
            var lastColumn = ColumnName(sheet.Rows.Max(r => r.Cells.Length) - 1);
            names.Append(new DefinedName($"'{sheet.Name}'!$A$1:${lastColumn}${sheet.Rows.Count}")
            {
                Name = "_xlnm._FilterDatabase",
                LocalSheetId = (uint)i,
                Hidden = true,
            });
        }
        return names;
    }

    private static Worksheet Worksheet(SheetBuilder sheet, Func<string, int> share, bool isFirst)
    {
        var columnCount = Math.Max(sheet.ColumnWidths.Length, sheet.Rows.Count == 0 ? 1 : sheet.Rows.Max(r => r.Cells.Length));
        var lastCell = $"{ColumnName(columnCount - 1)}{Math.Max(sheet.Rows.Count, 1)}";

        var view = new SheetView { WorkbookViewId = 0U, TabSelected = isFirst };
        if (sheet.FreezeHeader)
        {
            view.Append(new Pane { VerticalSplit = 1D, TopLeftCell = "A2", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen });
            view.Append(new Selection { Pane = PaneValues.BottomLeft, ActiveCell = "A2", SequenceOfReferences = new ListValue<StringValue> { InnerText = "A2" } });
        }

        var worksheet = new Worksheet(
            new SheetDimension { Reference = $"A1:{lastCell}" },
            new SheetViews(view),
            new SheetFormatProperties { DefaultRowHeight = 15D });

        if (sheet.ColumnWidths.Length > 0)
        {
            worksheet.Append(new Columns(sheet.ColumnWidths.Select((width, i) => new Column
            {
                Min = (uint)(i + 1),
                Max = (uint)(i + 1),
                Width = width,
                CustomWidth = true,
            })));
        }

        var data = new SheetData();
        for (var r = 0; r < sheet.Rows.Count; r++)
        {
            var (cells, header) = sheet.Rows[r];
            var rowIndex = (uint)(r + 1);
            var row = new Row { RowIndex = rowIndex };
            for (var c = 0; c < cells.Length; c++)
            {
                if (cells[c] is null) continue;
                var cell = Cell(cells[c]!, header, share);
                cell.CellReference = $"{ColumnName(c)}{rowIndex}";
                row.Append(cell);
            }
            data.Append(row);
        }
        worksheet.Append(data);

        if (sheet.FreezeHeader)
            worksheet.Append(new AutoFilter { Reference = $"A1:{lastCell}" });

        worksheet.Append(new PageMargins { Left = 0.7D, Right = 0.7D, Top = 0.75D, Bottom = 0.75D, Header = 0.3D, Footer = 0.3D });
        return worksheet;
    }

    private static Cell Cell(object value, bool header, Func<string, int> share)
    {
        static CellValue Number(double n) => new(n.ToString("R", CultureInfo.InvariantCulture));

        return value switch
        {
            string s => new Cell(new CellValue(share(s).ToString(CultureInfo.InvariantCulture)))
            {
                DataType = CellValues.SharedString,
                StyleIndex = header ? StyleHeader : s.Contains('\n') ? StyleWrap : StyleDefault,
            },
            DateOnly d => new Cell(Number(d.ToDateTime(TimeOnly.MinValue).ToOADate())) { StyleIndex = StyleDate },
            long amount => new Cell(Number(amount)) { StyleIndex = StyleAmount },
            int n => new Cell(Number(n)),
            double n => new Cell(Number(n)),
            decimal n => new Cell(Number((double)n)),
            _ => throw new ArgumentException($"Unsupported cell value type {value.GetType()}"),
        };
    }

    private static string ColumnName(int index)
    {
        var name = "";
        for (var i = index + 1; i > 0; i = (i - 1) / 26)
            name = (char)('A' + (i - 1) % 26) + name;
        return name;
    }

    private static Stylesheet Stylesheet() =>
        new(
            new NumberingFormats(new NumberingFormat { NumberFormatId = DateFormatId, FormatCode = "yyyy-mm-dd" }) { Count = 1U },
            new Fonts(
                new Font(new FontSize { Val = 11D }, new FontName { Val = "Calibri" }, new FontFamilyNumbering { Val = 2 }),
                new Font(new Bold(), new FontSize { Val = 11D }, new FontName { Val = "Calibri" }, new FontFamilyNumbering { Val = 2 }))
            { Count = 2U },
            new Fills(
                new Fill(new PatternFill { PatternType = PatternValues.None }),
                new Fill(new PatternFill { PatternType = PatternValues.Gray125 }),
                new Fill(new PatternFill(new ForegroundColor { Rgb = "FFD9E2F3" }, new BackgroundColor { Indexed = 64U }) { PatternType = PatternValues.Solid }))
            { Count = 3U },
            new Borders(new Border(new LeftBorder(), new RightBorder(), new TopBorder(), new BottomBorder(), new DiagonalBorder())) { Count = 1U },
            new CellStyleFormats(new CellFormat { NumberFormatId = 0U, FontId = 0U, FillId = 0U, BorderId = 0U }) { Count = 1U },
            new CellFormats(
                new CellFormat { NumberFormatId = 0U, FontId = 0U, FillId = 0U, BorderId = 0U, FormatId = 0U },
                new CellFormat { NumberFormatId = 0U, FontId = 1U, FillId = 2U, BorderId = 0U, FormatId = 0U, ApplyFont = true, ApplyFill = true },
                new CellFormat { NumberFormatId = DateFormatId, FontId = 0U, FillId = 0U, BorderId = 0U, FormatId = 0U, ApplyNumberFormat = true },
                new CellFormat { NumberFormatId = 3U, FontId = 0U, FillId = 0U, BorderId = 0U, FormatId = 0U, ApplyNumberFormat = true },
                new CellFormat(new Alignment { WrapText = true, Vertical = VerticalAlignmentValues.Top }) { NumberFormatId = 0U, FontId = 0U, FillId = 0U, BorderId = 0U, FormatId = 0U, ApplyAlignment = true })
            { Count = 5U },
            new CellStyles(new CellStyle { Name = "Normal", FormatId = 0U, BuiltinId = 0U }) { Count = 1U });
}
