using System.Text;
using KnowledgePortal.Core.Ingestion.Extraction;
using static KnowledgePortal.Tests.Extraction.ExtractionTestSupport;

namespace KnowledgePortal.Tests.Extraction;

public class TextFormatsExtractionTests
{
    [Fact]
    public void Extract_PlainText_SplitsParagraphsOnBlankLines()
    {
        var text = "First paragraph\nstill first.\n\n\nSecond\tparagraph.\r\n\r\nＴｈｉｒｄ　ｐａｒａｇｒａｐｈ";

        var result = Extract(Encoding.UTF8.GetBytes(text), "notes.txt");

        Assert.Equal("txt", result.DetectedType);
        Assert.Equal(["First paragraph still first.", "Second paragraph.", "Third paragraph"], result.Blocks.Select(b => b.Text));
        Assert.Equal(1, result.PageCount);
    }

    [Fact]
    public void Extract_Utf16WithBom_Decodes()
    {
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("社内規程\n\n第1条")).ToArray();

        var result = Extract(bytes, "rules.txt");

        Assert.Equal(["社内規程", "第1条"], result.Blocks.Select(b => b.Text));
    }

    [Fact]
    public void Extract_ShiftJisText_DecodesWithWarning()
    {
        var sjis = CodePagesEncodingProvider.Instance.GetEncoding(932)!;
        var bytes = sjis.GetBytes("就業規則\n\n年次有給休暇は二十日とする。");

        var result = Extract(bytes, "rules.txt");

        Assert.Equal(["就業規則", "年次有給休暇は二十日とする。"], result.Blocks.Select(b => b.Text));
        Assert.Contains(result.Warnings, w => w.Contains("Shift_JIS", StringComparison.Ordinal));
    }

    [Fact]
    public void Extract_BinaryJunkNamedTxt_FailsUnsupported()
    {
        var junk = new byte[4096];
        new Random(42).NextBytes(junk);

        var ex = AssertFails(ExtractionFailure.Unsupported, () => Extract(junk, "data.txt"));

        Assert.Contains(".txt", ex.Message);
    }

    [Fact]
    public void Extract_Markdown_BuildsHeadingPathAndIgnoresHashesInCode()
    {
        const string md = """
            # Handbook

            Welcome to the handbook.

            ## Leave
            Annual leave is 25 days.

            - Ask your manager
            - Book in the portal

            ```
            # not a heading
            ```

            Travel
            ------
            Use the travel portal.
            """;

        var result = Extract(Encoding.UTF8.GetBytes(md), "handbook.md");

        Assert.Equal("md", result.DetectedType);
        Assert.Equal("Handbook", result.Title);
        var leave = Assert.Single(result.Blocks, b => b.Text == "Annual leave is 25 days.");
        Assert.Equal("Handbook > Leave", leave.Locator.HeadingPath);
        Assert.Equal("Handbook > Leave", leave.Context);
        Assert.Contains(result.Blocks, b => b.Text == "- Ask your manager" && b.Locator.HeadingPath == "Handbook > Leave");
        Assert.Contains(result.Blocks, b => b.Text == "``` # not a heading ```" && b.Locator.HeadingPath == "Handbook > Leave");
        var travel = Assert.Single(result.Blocks, b => b.Text == "Use the travel portal.");
        Assert.Equal("Handbook > Travel", travel.Locator.HeadingPath);
    }

    [Fact]
    public void Extract_Csv_ParsesQuotedFieldsAndPairsHeaders()
    {
        const string csv = "Name,City,Note\r\nAlice,\"Tokyo, Japan\",\"Said \"\"hi\"\"\"\r\n\r\nBob,Osaka,\"two\nlines\"\r\nCarol,,\r\n";

        var result = Extract(Encoding.UTF8.GetBytes(csv), "people.csv");

        Assert.Equal("csv", result.DetectedType);
        var alice = result.Blocks[0];
        Assert.Equal("Name: Alice; City: Tokyo, Japan; Note: Said \"hi\"", alice.Text);
        Assert.Equal("people.csv", alice.Locator.Sheet);
        Assert.Equal("A2:C2", alice.Locator.CellRange);
        Assert.Equal("people.csv", alice.Context);
        var bob = result.Blocks[1];
        Assert.Equal("Name: Bob; City: Osaka; Note: two lines", bob.Text);
        Assert.Equal("A4:C4", bob.Locator.CellRange);
        var carol = result.Blocks[2];
        Assert.Equal("Name: Carol", carol.Text);
        Assert.Equal("A5:A5", carol.Locator.CellRange);
        Assert.Equal(3, result.Blocks.Count);
    }

    [Fact]
    public void Extract_SemicolonCsv_DetectsDelimiter()
    {
        var result = Extract(Encoding.UTF8.GetBytes("Produkt;Preis\nTee;3,50\n"), "preise.csv");

        Assert.Equal("Produkt: Tee; Preis: 3,50", Assert.Single(result.Blocks).Text);
    }

    [Fact]
    public void Parse_Rfc4180Edges_SplitsRecordsCorrectly()
    {
        var records = CsvExtractor.Parse("a,\"b\"\"c\",\"d\r\ne\"\rf,,\n\"\"", ',').ToList();

        Assert.Equal(3, records.Count);
        Assert.Equal(["a", "b\"c", "d\r\ne"], records[0]);
        Assert.Equal(["f", "", ""], records[1]);
        Assert.Equal([""], records[2]);
    }

    [Fact]
    public void Extract_Html_StripsScriptsAndBuildsHeadingPath()
    {
        const string html = """
            <!DOCTYPE html>
            <html><head><title>IT guide</title><style>p { color: red }</style></head>
            <body>
              <script>var secret = "do not index";</script>
              <h1>IT guide</h1>
              <p>Read this <b>first</b>.<br>Then continue.</p>
              <h2>Passwords</h2>
              <ul><li>Use 12 characters</li><li>Never reuse</li></ul>
              <ol><li>Open the portal</li><li>Click reset</li></ol>
              <table>
                <thead><tr><th>System</th><th>Owner</th></tr></thead>
                <tbody><tr><td>Mail</td><td>IT Ops</td></tr><tr><td>HR portal</td><td>HR</td></tr></tbody>
              </table>
              <div>Loose text in a div</div>
              <noscript>Enable JavaScript</noscript>
            </body></html>
            """;

        var result = Extract(Encoding.UTF8.GetBytes(html), "guide.html");

        var texts = result.Blocks.Select(b => b.Text).ToList();
        Assert.Equal("html", result.DetectedType);
        Assert.Equal("IT guide", result.Title);
        Assert.DoesNotContain(texts, t => t.Contains("secret", StringComparison.Ordinal) || t.Contains("color", StringComparison.Ordinal));
        Assert.DoesNotContain(texts, t => t.Contains("JavaScript", StringComparison.Ordinal));
        Assert.Contains("Read this first. Then continue.", texts);
        var bullet = Assert.Single(result.Blocks, b => b.Text == "• Use 12 characters");
        Assert.Equal("IT guide > Passwords", bullet.Locator.HeadingPath);
        Assert.Contains("2. Click reset", texts);
        Assert.Contains("System: Mail; Owner: IT Ops", texts);
        Assert.Contains("System: HR portal; Owner: HR", texts);
        Assert.Contains("Loose text in a div", texts);
    }

    [Fact]
    public void Extract_EmptyText_FailsEmpty()
    {
        AssertFails(ExtractionFailure.Empty, () => Extract(Encoding.UTF8.GetBytes(" \n\u200B\n\t"), "blank.txt"));
        AssertFails(ExtractionFailure.Empty, () => Extract([], "nothing.txt"));
    }
}
