using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Ingestion.Extraction;
using UglyToad.PdfPig;
using A = DocumentFormat.OpenXml.Drawing;
using P = DocumentFormat.OpenXml.Presentation;
using S = DocumentFormat.OpenXml.Spreadsheet;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace KnowledgePortal.Tests.Demo;

public class DemoDocumentsTests
{
    private static readonly Lazy<IReadOnlyList<DemoFile>> Files = new(DemoDocuments.All);

    private static readonly DateTime FixedDate = new(2026, 1, 5, 9, 0, 0, DateTimeKind.Utc);

    private static DemoFile Find(string fileName) => Files.Value.Single(f => f.FileName == fileName);

    public static TheoryData<string> FileNames() => new(Files.Value.Select(f => f.FileName));

    public static TheoryData<string> OpenXmlFileNames() =>
        new(Files.Value.Select(f => f.FileName).Where(n => !n.EndsWith(".pdf", StringComparison.Ordinal)));

    // ---- catalogue --------------------------------------------------------------------------------

    [Fact]
    public void All_Always_ReturnsTheDocumentedFilesInTheirCollections()
    {
        var expected = new[]
        {
            (DemoData.Handbook, "employee-handbook.docx"),
            (DemoData.Handbook, "shain-handbook-ja.docx"),
            (DemoData.Handbook, "office-guide.pptx"),
            (DemoData.Handbook, "holiday-calendar-2026.xlsx"),
            (DemoData.Handbook, "welcome-guide.pdf"),
            (DemoData.HrPolicies, "salary-bands-2026.xlsx"),
            (DemoData.HrPolicies, "performance-review-policy.docx"),
            (DemoData.HrPolicies, "jinji-hyouka-kitei-ja.docx"),
            (DemoData.HrPolicies, "parental-leave-policy.pdf"),
            (DemoData.Engineering, "incident-runbook.docx"),
            (DemoData.Engineering, "architecture-overview.pptx"),
            (DemoData.Engineering, "deploy-checklist-ja.docx"),
            (DemoData.Engineering, "oncall-schedule.xlsx"),
            (DemoData.Engineering, "api-style-guide.pdf"),
        };

        Assert.Equal(expected, Files.Value.Select(f => (f.Collection, f.FileName)));
    }

    [Fact]
    public void All_Always_CoversAllThreeCollections()
    {
        var collections = Files.Value.Select(f => f.Collection).Distinct().Order(StringComparer.Ordinal);

        Assert.Equal(new[] { DemoData.Engineering, DemoData.Handbook, DemoData.HrPolicies }.Order(StringComparer.Ordinal), collections);
    }

    [Theory]
    [InlineData(".docx")]
    [InlineData(".xlsx")]
    [InlineData(".pptx")]
    [InlineData(".pdf")]
    public void All_Always_IncludesEachFileType(string extension)
    {
        Assert.Contains(Files.Value, f => f.FileName.EndsWith(extension, StringComparison.Ordinal));
    }

    [Fact]
    public void All_CalledTwice_ProducesIdenticalSha256()
    {
        var first = DemoDocuments.All();
        Thread.Sleep(2100); // zip timestamps have 2-second resolution: make sure the clock has moved on
        var second = DemoDocuments.All();

        Assert.Equal(first.Count, second.Count);
        for (var i = 0; i < first.Count; i++)
        {
            Assert.Equal(first[i].FileName, second[i].FileName);
            Assert.True(
                Sha256(first[i].Content) == Sha256(second[i].Content),
                $"{first[i].FileName} differs between two generations");
        }
    }

    [Fact]
    public void All_CalledTwice_ReturnsIndependentArrays()
    {
        var first = DemoDocuments.All();
        var second = DemoDocuments.All();

        Assert.NotSame(first[0].Content, second[0].Content);
    }

    [Fact]
    public void Describe_Always_ListsEveryFileUnderItsCollection()
    {
        var markdown = DemoDocuments.Describe();

        foreach (var group in Files.Value.GroupBy(f => f.Collection))
        {
            var heading = markdown.IndexOf($"- **{group.Key}**", StringComparison.Ordinal);
            Assert.True(heading >= 0, $"missing collection {group.Key}");
            foreach (var file in group)
                Assert.True(markdown.IndexOf($"`{file.FileName}`", StringComparison.Ordinal) > heading, $"missing {file.FileName}");
        }
        Assert.Equal(Files.Value.Count, markdown.Split('\n').Count(l => l.StartsWith("  - `", StringComparison.Ordinal)));
    }

    // ---- every file opens and contains what questions will ask about ------------------------------

    [Theory]
    [MemberData(nameof(FileNames))]
    public void Open_EveryFile_OpensWithItsLibraryAndHasText(string fileName)
    {
        var text = ExtractText(Find(fileName));

        Assert.True(text.Length > 500, $"{fileName}: only {text.Length} characters of text");
    }

    [Theory]
    [InlineData("employee-handbook.docx", "Core hours are 10:00–15:00")]
    [InlineData("employee-handbook.docx", "work remotely up to 3 days a week")]
    [InlineData("employee-handbook.docx", "company VPN (Contoso Secure Connect) is required")]
    [InlineData("employee-handbook.docx", "within 30 days of the expense via the Expense portal")]
    [InlineData("employee-handbook.docx", "Taxis are allowed after 22:00")]
    [InlineData("employee-handbook.docx", "at least 14 characters and multi-factor authentication (MFA)")]
    [InlineData("employee-handbook.docx", "Fukuoka | Tenjin Harbor Building 6F, 1-8-1 Tenjin, Chuo-ku, Fukuoka 810-0001 | 092-555-0300")]
    [InlineData("shain-handbook-ja.docx", "申請は取得日の5営業日前までに勤怠システムで行ってください")]
    [InlineData("shain-handbook-ja.docx", "在宅勤務は週3日まで")]
    [InlineData("shain-handbook-ja.docx", "発生日から30日以内に経費精算システムで申請")]
    [InlineData("shain-handbook-ja.docx", "本社は東京都港区")]
    [InlineData("shain-handbook-ja.docx", "配偶者の出産 | 3日")]
    [InlineData("office-guide.pptx", "Reception on 18F, open 8:30–19:00")]
    [InlineData("office-guide.pptx", "Osaka | 9F | 80 | Umeda, 5 min walk")]
    [InlineData("office-guide.pptx", "災害時の集合場所は港南中央公園です")]
    [InlineData("office-guide.pptx", "staff entrance is on the east side")]
    [InlineData("holiday-calendar-2026.xlsx", "Date | Holiday | 祝日名 | Office closed")]
    [InlineData("holiday-calendar-2026.xlsx", "2026-05-06 | Substitute holiday | 振替休日 | Yes")]
    [InlineData("holiday-calendar-2026.xlsx", "2026-09-22 | Citizens' Holiday | 国民の休日 | Yes")]
    [InlineData("welcome-guide.pdf", "Please arrive at 9:30 at the reception of the Tokyo head office")]
    [InlineData("welcome-guide.pdf", "IT Service Desk: laptop, accounts, MFA, VPN. Extension 4357")]
    [InlineData("salary-bands-2026.xlsx", "Grade | Title | Min (JPY) | Max (JPY) | Bonus months")]
    [InlineData("salary-bands-2026.xlsx", "G5 | Manager | 7500000 | 9800000 | 3.5")]
    [InlineData("salary-bands-2026.xlsx", "Bonuses are paid twice a year, in June and December.")]
    [InlineData("performance-review-policy.docx", "two review cycles each year, in April and October")]
    [InlineData("performance-review-policy.docx", "Performance is rated on a scale from 1 to 5")]
    [InlineData("performance-review-policy.docx", "calibration meeting in the last week of April and October")]
    [InlineData("jinji-hyouka-kitei-ja.docx", "評価結果の通知日から14日以内に")]
    [InlineData("jinji-hyouka-kitei-ja.docx", "毎年7月1日付で基本給に反映する")]
    [InlineData("jinji-hyouka-kitei-ja.docx", "上期：4月1日から9月30日まで")]
    [InlineData("parental-leave-policy.pdf", "Parental leave can be taken for up to 2 years")]
    [InlineData("parental-leave-policy.pdf", "80% of your base salary in total for the first 6 months")]
    [InlineData("parental-leave-policy.pdf", "Submit the Parental Leave Request form in the HR portal at least 1 month before the start date")]
    [InlineData("incident-runbook.docx", "SEV1 | Critical: customer-facing outage, payments failing, or data loss | 15 minutes, 24/7")]
    [InlineData("incident-runbook.docx", "SEV4 | Low: cosmetic issue")]
    [InlineData("incident-runbook.docx", "kubectl -n orders rollout restart deployment/orders-api")]
    [InlineData("incident-runbook.docx", "written within 5 business days of the incident being closed")]
    [InlineData("incident-runbook.docx", "The rotation changes every Monday at 10:00 JST")]
    [InlineData("architecture-overview.pptx", "PostgreSQL 15 is the system of record")]
    [InlineData("architecture-overview.pptx", "pgvector extension in the catalog database")]
    [InlineData("architecture-overview.pptx", "Managed Kubernetes 1.30 cluster in the Tokyo region")]
    [InlineData("architecture-overview.pptx", "orders-api | Orders | 99.95% | Orders API / Golden signals")]
    [InlineData("deploy-checklist-ja.docx", "本番リリースは火曜日と木曜日の14:00〜16:00")]
    [InlineData("deploy-checklist-ja.docx", "Argo CD で直前のリビジョンを選択し")]
    [InlineData("deploy-checklist-ja.docx", "データベースのスキーマ変更 | チームリード＋DBA（山本）")]
    [InlineData("oncall-schedule.xlsx", "Week | Primary | Secondary | Phone")]
    [InlineData("oncall-schedule.xlsx", "2026-04-20 | Watanabe Sho | Yamamoto Rina | 090-5555-0103")]
    [InlineData("api-style-guide.pdf", "Paths are lower case kebab-case")]
    [InlineData("api-style-guide.pdf", "limit (default 50, maximum 200) and cursor")]
    [InlineData("api-style-guide.pdf", "Problem Details for HTTP APIs as defined in RFC 7807")]
    public void Open_File_ContainsExpectedPhrase(string fileName, string phrase)
    {
        var text = ExtractText(Find(fileName));

        Assert.Contains(phrase, text);
    }

    [Theory]
    [InlineData("shain-handbook-ja.docx", "有給休暇")]
    [InlineData("jinji-hyouka-kitei-ja.docx", "昇給の決定方法")]
    [InlineData("deploy-checklist-ja.docx", "ロールバック手順")]
    public void Open_JapaneseDocx_HasJapaneseHeading(string fileName, string heading)
    {
        using var document = WordprocessingDocument.Open(new MemoryStream(Find(fileName).Content), false);

        Assert.Contains(Headings(document), h => h.Text.Contains(heading, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("welcome-guide.pdf", 2)]
    [InlineData("parental-leave-policy.pdf", 2)]
    [InlineData("api-style-guide.pdf", 3)]
    public void Open_Pdf_HasExpectedPageCountAndTextOnEveryPage(string fileName, int pages)
    {
        using var pdf = PdfDocument.Open(Find(fileName).Content);

        Assert.Equal(pages, pdf.NumberOfPages);
        Assert.All(pdf.GetPages(), page => Assert.True(page.GetWords().Count() > 100, $"page {page.Number} has little text"));
    }

    // ---- structure: real headings, ruby, date formats, slides -------------------------------------

    [Fact]
    public void EmployeeHandbook_Headings_UseHeadingStylesDefinedInStylesPart()
    {
        using var document = WordprocessingDocument.Open(new MemoryStream(Find("employee-handbook.docx").Content), false);

        var headings = Headings(document).ToList();
        foreach (var expected in new[] { "Working hours", "Remote work", "Expenses", "IT security", "Office locations" })
            Assert.Contains(("Heading1", expected), headings);
        Assert.Contains(("Heading2", "Core hours and flextime"), headings);

        var styles = document.MainDocumentPart!.StyleDefinitionsPart!.Styles!.Elements<W.Style>().ToList();
        var heading1 = styles.Single(s => s.StyleId == "Heading1");
        Assert.Equal("heading 1", heading1.StyleName!.Val!.Value);
        Assert.Equal(0, heading1.StyleParagraphProperties!.OutlineLevel!.Val!.Value);
        Assert.Equal(1, styles.Single(s => s.StyleId == "Heading2").StyleParagraphProperties!.OutlineLevel!.Val!.Value);
    }

    [Fact]
    public void EmployeeHandbook_OfficeTable_ListsTokyoOsakaFukuoka()
    {
        using var document = WordprocessingDocument.Open(new MemoryStream(Find("employee-handbook.docx").Content), false);

        var table = document.MainDocumentPart!.Document!.Body!.Elements<W.Table>().Single();
        var firstColumn = table.Elements<W.TableRow>().Select(r => r.Elements<W.TableCell>().First().InnerText).ToList();

        Assert.Equal(new[] { "Office", "Tokyo (head office)", "Osaka", "Fukuoka" }, firstColumn);
    }

    [Fact]
    public void ShainHandbook_Ruby_AnnotatesTokyoWithReading()
    {
        using var document = WordprocessingDocument.Open(new MemoryStream(Find("shain-handbook-ja.docx").Content), false);

        var ruby = document.MainDocumentPart!.Document!.Descendants<W.Ruby>().Single();

        Assert.Equal("東京", ruby.GetFirstChild<W.RubyBase>()!.InnerText);
        Assert.Equal("とうきょう", ruby.GetFirstChild<W.RubyContent>()!.InnerText);
        Assert.Equal("ja-JP", ruby.RubyProperties!.GetFirstChild<W.LanguageId>()!.Val!.Value);
    }

    [Fact]
    public void HolidayCalendar_DateCells_AreSerialsFormattedAsIsoDates()
    {
        using var document = SpreadsheetDocument.Open(new MemoryStream(Find("holiday-calendar-2026.xlsx").Content), false);
        var workbookPart = document.WorkbookPart!;
        var sheet = workbookPart.Workbook!.Sheets!.Elements<S.Sheet>().First();
        Assert.Equal("Holidays 2026", sheet.Name!.Value);

        var worksheet = ((WorksheetPart)workbookPart.GetPartById(sheet.Id!.Value!)).Worksheet!;
        var dateCells = worksheet.Descendants<S.Cell>().Where(c => c.CellReference!.Value!.StartsWith('A') && c.CellReference.Value != "A1").ToList();
        Assert.InRange(dateCells.Count, 16, 25);

        var first = dateCells[0];
        Assert.Null(first.DataType);
        Assert.Equal(new DateTime(2026, 1, 1), DateTime.FromOADate(double.Parse(first.CellValue!.Text, CultureInfo.InvariantCulture)));
        Assert.Equal("yyyy-mm-dd", NumberFormatCode(workbookPart, first));
        Assert.All(dateCells, c => Assert.Equal(first.StyleIndex!.Value, c.StyleIndex!.Value));
        Assert.All(dateCells, c => Assert.Equal(2026, DateTime.FromOADate(double.Parse(c.CellValue!.Text, CultureInfo.InvariantCulture)).Year));
    }

    [Fact]
    public void SalaryBands_Workbook_HasBandsForG1ToG8AndNotesSheet()
    {
        using var document = SpreadsheetDocument.Open(new MemoryStream(Find("salary-bands-2026.xlsx").Content), false);

        var sheetNames = document.WorkbookPart!.Workbook!.Sheets!.Elements<S.Sheet>().Select(s => s.Name!.Value).ToList();
        Assert.Equal(new[] { "Bands", "Notes" }, sheetNames);

        var text = ExtractText(Find("salary-bands-2026.xlsx"));
        for (var grade = 1; grade <= 8; grade++)
            Assert.Contains($"\nG{grade} | ", text);
    }

    [Theory]
    [InlineData("office-guide.pptx", 5)]
    [InlineData("architecture-overview.pptx", 6)]
    public void Presentation_Slides_HaveTitlesNotesAndATable(string fileName, int slideCount)
    {
        using var document = PresentationDocument.Open(new MemoryStream(Find(fileName).Content), false);

        var slides = Slides(document).ToList();
        Assert.Equal(slideCount, slides.Count);
        Assert.All(slides, slide =>
        {
            var title = slide.Slide!.Descendants<P.Shape>().Single(s => IsTitle(s)).InnerText;
            Assert.False(string.IsNullOrWhiteSpace(title));
            Assert.False(string.IsNullOrWhiteSpace(slide.NotesSlidePart?.NotesSlide?.InnerText), $"slide '{title}' has no speaker notes");
        });
        Assert.Single(slides, s => s.Slide!.Descendants<A.Table>().Any());
    }

    [Fact]
    public void OfficeGuide_Slides_IncludeJapaneseSlide()
    {
        using var document = PresentationDocument.Open(new MemoryStream(Find("office-guide.pptx").Content), false);

        var titles = Slides(document).Select(s => s.Slide!.Descendants<P.Shape>().Single(IsTitle).InnerText).ToList();

        Assert.Contains("オフィスのご案内", titles);
    }

    // ---- the portal's own extractor reads them as intended ---------------------------------------

    [Theory]
    [MemberData(nameof(FileNames))]
    public void DocumentExtractor_EveryFile_ExtractsWithoutWarnings(string fileName)
    {
        var result = Extract(fileName);

        Assert.Equal(Path.GetExtension(fileName).TrimStart('.'), result.DetectedType);
        Assert.Empty(result.Warnings);
        Assert.True(result.Blocks.Count >= 5, $"{fileName}: only {result.Blocks.Count} blocks");
    }

    [Fact]
    public void DocumentExtractor_EmployeeHandbook_KeepsHeadingPath()
    {
        var result = Extract("employee-handbook.docx");

        Assert.Contains(result.Blocks, b =>
            b.Locator.HeadingPath == "Working hours > Core hours and flextime" && b.Text.Contains("Core hours are 10:00", StringComparison.Ordinal));
        Assert.Contains(result.Blocks, b => b.Locator.HeadingPath == "Remote work" && b.Text.Contains("3 days a week", StringComparison.Ordinal));
    }

    [Fact]
    public void DocumentExtractor_ShainHandbook_ReadsRubyBaseTextOnly()
    {
        var result = Extract("shain-handbook-ja.docx");

        Assert.Contains(result.Blocks, b => b.Text.Contains("本社は東京都港区", StringComparison.Ordinal));
        Assert.Contains(result.Blocks, b => b.Locator.HeadingPath == "有給休暇 > 有給休暇の申請方法");
    }

    [Theory]
    [InlineData("holiday-calendar-2026.xlsx", "Holidays 2026", "2026-05-06")]
    [InlineData("oncall-schedule.xlsx", "On-call", "2026-04-20")]
    public void DocumentExtractor_Workbook_FormatsDateSerialsAsIsoDates(string fileName, string sheet, string date)
    {
        var result = Extract(fileName);

        Assert.Contains(result.Blocks, b => b.Locator.Sheet == sheet && b.Text.Contains(date, StringComparison.Ordinal));
        Assert.DoesNotContain(result.Blocks, b => b.Text.Contains("46148", StringComparison.Ordinal)); // serial of 2026-05-06
    }

    [Fact]
    public void DocumentExtractor_OfficeGuide_ReadsSlidesNotesAndTable()
    {
        var result = Extract("office-guide.pptx");

        Assert.Equal(5, result.PageCount);
        Assert.Contains(result.Blocks, b => b.Locator.Slide == 5 && b.Text.Contains("港南中央公園", StringComparison.Ordinal));
        Assert.Contains(result.Blocks, b => b.Locator.Slide == 2 && b.Text.Contains("east side", StringComparison.Ordinal));
        Assert.Contains(result.Blocks, b => b.Locator.Slide == 3 && b.Text.Contains("Fukuoka", StringComparison.Ordinal));
    }

    [Fact]
    public void DocumentExtractor_ApiStyleGuide_FindsTextOnEachPage()
    {
        var result = Extract("api-style-guide.pdf");

        Assert.Equal(3, result.PageCount);
        Assert.Contains(result.Blocks, b => b.Locator.Page == 2 && b.Text.Contains("nextCursor", StringComparison.Ordinal));
        Assert.Contains(result.Blocks, b => b.Locator.Page == 3 && b.Text.Contains("RFC 7807", StringComparison.Ordinal));
    }

    // ---- package hygiene: valid, reproducible metadata ---------------------------------------------

    [Theory]
    [MemberData(nameof(OpenXmlFileNames))]
    public void OpenXmlFile_Validate_HasNoSchemaErrors(string fileName)
    {
        using var package = OpenPackage(Find(fileName));

        var errors = new OpenXmlValidator(FileFormatVersions.Office2019).Validate(package)
            .Select(e => $"{e.Part?.Uri} {e.Path?.XPath}: {e.Description}")
            .ToList();

        Assert.Empty(errors);
    }

    [Theory]
    [MemberData(nameof(OpenXmlFileNames))]
    public void OpenXmlFile_CoreProperties_HaveFixedDatesAndTitle(string fileName)
    {
        using var package = OpenPackage(Find(fileName));

        Assert.Equal(FixedDate, package.PackageProperties.Created!.Value.ToUniversalTime());
        Assert.Equal(FixedDate, package.PackageProperties.Modified!.Value.ToUniversalTime());
        Assert.False(string.IsNullOrWhiteSpace(package.PackageProperties.Title));
        Assert.Equal("Contoso Japan K.K.", package.PackageProperties.Creator);
    }

    [Theory]
    [MemberData(nameof(OpenXmlFileNames))]
    public void OpenXmlFile_ZipEntries_HaveFixedTimestamps(string fileName)
    {
        using var zip = new ZipArchive(new MemoryStream(Find(fileName).Content), ZipArchiveMode.Read);

        Assert.Equal("[Content_Types].xml", zip.Entries[0].FullName);
        Assert.All(zip.Entries, e => Assert.Equal(new DateTime(2026, 1, 5, 9, 0, 0), e.LastWriteTime.DateTime));
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static ExtractionResult Extract(string fileName) =>
        DocumentExtractor.Extract(Find(fileName).Content, fileName, new ExtractionLimits());

    private static string Sha256(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes));

    private static OpenXmlPackage OpenPackage(DemoFile file)
    {
        var stream = new MemoryStream(file.Content);
        return Path.GetExtension(file.FileName) switch
        {
            ".docx" => WordprocessingDocument.Open(stream, false),
            ".xlsx" => SpreadsheetDocument.Open(stream, false),
            ".pptx" => PresentationDocument.Open(stream, false),
            var other => throw new ArgumentException($"not an Office file: {other}"),
        };
    }

    /// <summary>Plain text in reading order: paragraphs and table rows ("a | b") on their own lines.</summary>
    private static string ExtractText(DemoFile file)
    {
        var text = new StringBuilder();
        switch (Path.GetExtension(file.FileName))
        {
            case ".docx":
            {
                using var document = WordprocessingDocument.Open(new MemoryStream(file.Content), false);
                foreach (var block in document.MainDocumentPart!.Document!.Body!.ChildElements)
                {
                    if (block is W.Paragraph paragraph)
                        text.Append(ParagraphText(paragraph)).Append('\n');
                    else if (block is W.Table table)
                        foreach (var row in table.Elements<W.TableRow>())
                            text.Append(string.Join(" | ", row.Elements<W.TableCell>().Select(c => string.Join(" ", c.Elements<W.Paragraph>().Select(ParagraphText))))).Append('\n');
                }
                break;
            }
            case ".xlsx":
            {
                using var document = SpreadsheetDocument.Open(new MemoryStream(file.Content), false);
                var workbookPart = document.WorkbookPart!;
                var shared = workbookPart.SharedStringTablePart?.SharedStringTable?.Elements<S.SharedStringItem>().Select(i => i.InnerText).ToList() ?? [];
                foreach (var sheet in workbookPart.Workbook!.Sheets!.Elements<S.Sheet>())
                {
                    text.Append("# ").Append(sheet.Name!.Value).Append('\n');
                    var worksheet = ((WorksheetPart)workbookPart.GetPartById(sheet.Id!.Value!)).Worksheet!;
                    foreach (var row in worksheet.Descendants<S.Row>())
                        text.Append(string.Join(" | ", row.Elements<S.Cell>().Select(c => CellText(workbookPart, shared, c)))).Append('\n');
                }
                break;
            }
            case ".pptx":
            {
                using var document = PresentationDocument.Open(new MemoryStream(file.Content), false);
                foreach (var slide in Slides(document))
                {
                    foreach (var paragraph in slide.Slide!.Descendants<A.Paragraph>().Where(p => p.Ancestors<A.TableCell>().FirstOrDefault() is null))
                        text.Append(string.Concat(paragraph.Descendants<A.Text>().Select(t => t.Text))).Append('\n');
                    foreach (var row in slide.Slide.Descendants<A.TableRow>())
                        text.Append(string.Join(" | ", row.Elements<A.TableCell>().Select(c => c.InnerText))).Append('\n');
                    if (slide.NotesSlidePart?.NotesSlide is { } notes)
                        text.Append(string.Concat(notes.Descendants<A.Text>().Select(t => t.Text))).Append('\n');
                }
                break;
            }
            case ".pdf":
            {
                using var pdf = PdfDocument.Open(file.Content);
                foreach (var page in pdf.GetPages())
                    text.Append(string.Join(" ", page.GetWords().Select(w => w.Text))).Append('\n');
                break;
            }
            default:
                throw new ArgumentException(file.FileName);
        }
        return text.ToString();
    }

    /// <summary>Paragraph text; furigana (ruby text) is left out so that "東京" reads as written.</summary>
    private static string ParagraphText(W.Paragraph paragraph) =>
        string.Concat(paragraph.Descendants<W.Text>()
            .Where(t => t.Ancestors<W.RubyContent>().FirstOrDefault() is null)
            .Select(t => t.Text));

    private static string CellText(WorkbookPart workbookPart, List<string> shared, S.Cell cell)
    {
        var raw = cell.CellValue?.Text ?? "";
        if (cell.DataType?.Value == S.CellValues.SharedString)
            return shared[int.Parse(raw, CultureInfo.InvariantCulture)];
        if (NumberFormatCode(workbookPart, cell) == "yyyy-mm-dd")
            return DateTime.FromOADate(double.Parse(raw, CultureInfo.InvariantCulture)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return raw;
    }

    private static string? NumberFormatCode(WorkbookPart workbookPart, S.Cell cell)
    {
        if (cell.StyleIndex is null) return null;
        var stylesheet = workbookPart.WorkbookStylesPart!.Stylesheet!;
        var format = stylesheet.CellFormats!.Elements<S.CellFormat>().ElementAt((int)cell.StyleIndex.Value);
        var id = format.NumberFormatId?.Value ?? 0;
        return stylesheet.NumberingFormats?.Elements<S.NumberingFormat>().FirstOrDefault(f => f.NumberFormatId?.Value == id)?.FormatCode?.Value;
    }

    private static IEnumerable<(string Style, string Text)> Headings(WordprocessingDocument document) =>
        document.MainDocumentPart!.Document!.Body!.Elements<W.Paragraph>()
            .Select(p => (Style: p.ParagraphProperties?.ParagraphStyleId?.Val?.Value ?? "", Text: p.InnerText))
            .Where(h => h.Style.StartsWith("Heading", StringComparison.Ordinal));

    private static IEnumerable<SlidePart> Slides(PresentationDocument document)
    {
        var presentationPart = document.PresentationPart!;
        return presentationPart.Presentation!.SlideIdList!.Elements<P.SlideId>()
            .Select(id => (SlidePart)presentationPart.GetPartById(id.RelationshipId!.Value!));
    }

    private static bool IsTitle(P.Shape shape)
    {
        var type = shape.NonVisualShapeProperties?.ApplicationNonVisualDrawingProperties?.PlaceholderShape?.Type?.Value;
        return type == P.PlaceholderValues.Title || type == P.PlaceholderValues.CenteredTitle;
    }
}
