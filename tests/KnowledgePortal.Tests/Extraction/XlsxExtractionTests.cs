using System.Diagnostics;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using KnowledgePortal.Core.Ingestion.Extraction;
using static KnowledgePortal.Tests.Extraction.ExtractionTestSupport;

namespace KnowledgePortal.Tests.Extraction;

public class XlsxExtractionTests
{
    [Fact]
    public void Extract_KycSpec30Sheets_EmitsHeaderValueRowsWithCellRanges()
    {
        var result = Extract("en_kyc_spec_30sheets.xlsx");

        Assert.Equal("xlsx", result.DetectedType);
        Assert.Equal(30, result.PageCount);
        var row = Assert.Single(result.Blocks, b => b.Locator.Sheet == "KYC HEADER" && b.Locator.CellRange == "A4:I4");
        Assert.StartsWith("S.No: 1; Field: POS CODE; Field Type: VARCHAR; Field Length: 20", row.Text);
        Assert.Equal("KYC HEADER", row.Context);
        Assert.True(result.Blocks.Select(b => b.Locator.Sheet).Distinct().Count() >= 25);
        Assert.All(result.Blocks, b => Assert.Matches(@"^[A-Z]+\d+:[A-Z]+\d+$", b.Locator.CellRange!));
        AssertBlocksClean(result);
    }

    [Fact]
    public void Extract_KycSpec30Sheets_KeepsWorkbookSheetOrder()
    {
        var result = Extract("en_kyc_spec_30sheets.xlsx");

        var order = result.Blocks.Select(b => b.Locator.Sheet!).Distinct().ToList();
        Assert.Equal("KYC HEADER", order[0]);
        Assert.Equal("KYC", order[1]);
    }

    [Fact]
    public void Extract_JapaneseMultiSheet_ReadsAllSixteenSheets()
    {
        var result = Extract("ja_multisheet_16.xlsx");

        Assert.Equal(16, result.PageCount);
        var note = Assert.Single(result.Blocks, b => b.Locator.Sheet == "Sheet11" && b.Locator.CellRange == "A1:A1");
        Assert.Equal("実行前の行の高さ⇒3行目=100、4行目=80、5行目=110", note.Text);
        Assert.Equal(16, result.Blocks.Select(b => b.Locator.Sheet).Distinct().Count());
    }

    [Fact]
    public void Extract_StrictOoxml_ExtractsText()
    {
        var result = Extract("en_strict_ooxml.xlsx");

        Assert.Equal(3, result.PageCount);
        Assert.Contains(result.Blocks, b => b.Text == "Test spreadsheet" && b.Locator.Sheet == "First Sheet");
        Assert.Contains(result.Blocks, b => b.Text == "Start of 2nd sheet" && b.Locator.Sheet == "Sheet Number 2");
    }

    [Fact]
    public void Extract_PasswordProtectedXlsx_FailsEncrypted()
    {
        var ex = AssertFails(ExtractionFailure.Encrypted, "enc_xlsx_pw_tika.xlsx");

        Assert.Equal("This file is password-protected; remove the password and upload it again.", ex.Message);
    }

    [Fact]
    public void Extract_SharedStringsBomb_FailsTooLargeFastWithBoundedMemory()
    {
        var content = Corpus("adv_shared_strings_bomb.xlsx");
        var stopwatch = Stopwatch.StartNew();
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        var ex = AssertFails(ExtractionFailure.TooLarge, () => Extract(content, "adv_shared_strings_bomb.xlsx"));

        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Assert.True(allocated < 300L * 1024 * 1024, $"allocated {allocated / (1024 * 1024)} MB");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), $"took {stopwatch.Elapsed}");
        Assert.Contains("characters", ex.Message);
    }

    [Fact]
    public void Extract_GeneratedWorkbook_FormatsValuesNotFormulas()
    {
        var result = Extract(GeneratedWorkbook(), "generated.xlsx");

        Assert.Equal(2, result.PageCount);
        var first = Assert.Single(result.Blocks, b => b.Locator.CellRange == "A2:F2");
        Assert.Equal("Name: 東京; Joined: 2024-03-15; Score: 42.5; Active: TRUE; Total: 85; Note: inline note", first.Text);
        Assert.Equal("Staff", first.Context);
        Assert.Equal("Staff", first.Locator.Sheet);
        var second = Assert.Single(result.Blocks, b => b.Locator.CellRange == "A3:C3");
        Assert.Equal("Name: 大阪; Joined: 2023-12-31; Score: 7", second.Text);
        Assert.DoesNotContain(result.Blocks, b => b.Text.Contains("とうきょう", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Blocks, b => b.Text.Contains("SUM", StringComparison.Ordinal));

        var title = Assert.Single(result.Blocks, b => b.Locator.Sheet == "Notes");
        Assert.Equal("Only a note", title.Text);
        Assert.Equal("A1:A1", title.Locator.CellRange);
    }

    [Fact]
    public void Extract_MalformedWorkbooks_FailCorrupt()
    {
        AssertFails(ExtractionFailure.Corrupt, "bad_corrupted_rels.xlsx");
        var ex = AssertFails(ExtractionFailure.Corrupt, "bad_empty_zip.xlsx");
        Assert.Equal("The file is damaged or truncated and cannot be opened.", ex.Message);
    }

    /// <summary>
    /// Sheet "Staff": header row; a shared string with a phonetic reading (rPh); a date with built-in format 14; a
    /// custom "yyyy/mm/dd" date; a number; a boolean; a formula with a cached value; an inline string.
    /// Sheet "Notes": one lone cell.
    /// </summary>
    internal static byte[] GeneratedWorkbook()
    {
        using var ms = new MemoryStream();
        using (var doc = SpreadsheetDocument.Create(ms, SpreadsheetDocumentType.Workbook))
        {
            var wb = doc.AddWorkbookPart();
            wb.Workbook = new Workbook(new Sheets());

            var sst = wb.AddNewPart<SharedStringTablePart>();
            sst.SharedStringTable = new SharedStringTable(
                new SharedStringItem(new Text("Name")),
                new SharedStringItem(new Text("Joined")),
                new SharedStringItem(new Text("Score")),
                new SharedStringItem(new Text("Active")),
                new SharedStringItem(new Text("Total")),
                new SharedStringItem(new Text("Note")),
                new SharedStringItem(
                    new Run(new Text("東京")),
                    new PhoneticRun(new Text("とうきょう")) { BaseTextStartIndex = 0, EndingBaseIndex = 2 },
                    new PhoneticProperties { FontId = 0 }),
                new SharedStringItem(new Text("大阪")),
                new SharedStringItem(new Text("Only a note")));

            var styles = wb.AddNewPart<WorkbookStylesPart>();
            styles.Stylesheet = new Stylesheet(
                new NumberingFormats(new NumberingFormat { NumberFormatId = 164, FormatCode = "yyyy/mm/dd" }) { Count = 1 },
                new Fonts(new Font()) { Count = 1 },
                new Fills(new Fill(new PatternFill { PatternType = PatternValues.None })) { Count = 1 },
                new Borders(new Border()) { Count = 1 },
                new CellFormats(
                    new CellFormat { NumberFormatId = 0 },
                    new CellFormat { NumberFormatId = 14, ApplyNumberFormat = true },
                    new CellFormat { NumberFormatId = 164, ApplyNumberFormat = true }) { Count = 3 });

            AddSheet(wb, 1, "Staff", new SheetData(
                new Row(S("A1", 0), S("B1", 1), S("C1", 2), S("D1", 3), S("E1", 4), S("F1", 5)) { RowIndex = 1 },
                new Row(
                    S("A2", 6),
                    new Cell { CellReference = "B2", StyleIndex = 1, CellValue = new CellValue("45366") },
                    new Cell { CellReference = "C2", CellValue = new CellValue("42.5") },
                    new Cell { CellReference = "D2", DataType = CellValues.Boolean, CellValue = new CellValue("1") },
                    new Cell { CellReference = "E2", CellFormula = new CellFormula("SUM(C2:C3)*2"), CellValue = new CellValue("85") },
                    new Cell { CellReference = "F2", DataType = CellValues.InlineString, InlineString = new InlineString(new Text("inline note")) })
                { RowIndex = 2 },
                new Row(
                    S("A3", 7),
                    new Cell { CellReference = "B3", StyleIndex = 2, CellValue = new CellValue("45291") },
                    new Cell { CellReference = "C3", CellValue = new CellValue("7") })
                { RowIndex = 3 }));
            AddSheet(wb, 2, "Notes", new SheetData(new Row(S("A1", 8)) { RowIndex = 1 }));
        }
        return ms.ToArray();

        static Cell S(string reference, int index) =>
            new() { CellReference = reference, DataType = CellValues.SharedString, CellValue = new CellValue(index.ToString(System.Globalization.CultureInfo.InvariantCulture)) };

        static void AddSheet(WorkbookPart wb, uint id, string name, SheetData data)
        {
            var part = wb.AddNewPart<WorksheetPart>();
            part.Worksheet = new Worksheet(data);
            wb.Workbook.Sheets!.Append(new Sheet { Id = wb.GetIdOfPart(part), SheetId = id, Name = name });
        }
    }
}
