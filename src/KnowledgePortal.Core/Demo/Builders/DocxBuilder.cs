using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace KnowledgePortal.Core.Demo.Builders;

// KnowledgePortal.Core.Text is a namespace; this alias wins over it inside this namespace.
using Text = DocumentFormat.OpenXml.Wordprocessing.Text;

/// <summary>
/// Writes a small, valid WordprocessingML document: real Heading1 / Heading2 styles (with outline levels)
/// in a styles part, bullet and numbered lists backed by a numbering part, tables with a header row, and
/// furigana (w:ruby) runs. Output is deterministic.
/// </summary>
internal sealed class DocxBuilder(string title, string language)
{
    private const int BulletNumId = 1;
    private const int BulletAbstractId = 0;
    private const int DecimalAbstractId = 1;
    private const int TextWidthTwips = 9026; // A4 width minus 2 x 1440 margins

    private readonly List<OpenXmlElement> _body = [];
    private int _nextNumId = BulletNumId + 1;

    private bool IsJapanese => language.StartsWith("ja", StringComparison.Ordinal);

    public DocxBuilder Title(string text) => Add(StyledParagraph("Title", text));

    public DocxBuilder Heading1(string text) => Add(StyledParagraph("Heading1", text));

    public DocxBuilder Heading2(string text) => Add(StyledParagraph("Heading2", text));

    public DocxBuilder Paragraph(string text) => Add(new Paragraph(TextRun(text)));

    /// <summary>A paragraph made of prepared runs, e.g. text mixed with <see cref="Ruby"/>.</summary>
    public DocxBuilder Paragraph(params OpenXmlElement[] runs) => Add(new Paragraph(runs));

    /// <summary>A paragraph that starts with a bold label, e.g. "Note: ...".</summary>
    public DocxBuilder LabelledParagraph(string label, string text) =>
        Add(new Paragraph(TextRun(label, bold: true), TextRun(text)));

    /// <summary>Monospaced paragraph for commands.</summary>
    public DocxBuilder Code(string text) => Add(StyledParagraph("Code", text));

    public DocxBuilder Bullets(params string[] items)
    {
        foreach (var item in items) Add(ListItem(BulletNumId, item));
        return this;
    }

    /// <summary>A numbered list that starts again at 1.</summary>
    public DocxBuilder Numbered(params string[] items)
    {
        var numId = _nextNumId++;
        foreach (var item in items) Add(ListItem(numId, item));
        return this;
    }

    /// <summary>A numbered list whose steps may each be followed by a command line (numbering continues).</summary>
    public DocxBuilder Steps(params (string Text, string? Command)[] steps)
    {
        var numId = _nextNumId++;
        foreach (var (text, command) in steps)
        {
            Add(ListItem(numId, text));
            if (command is not null) Add(StyledParagraph("Code", command));
        }
        return this;
    }

    public DocxBuilder Table(string[] header, params string[][] rows)
    {
        var columnWidth = TextWidthTwips / header.Length;
        var table = new Table(
            new TableProperties(
                new TableStyle { Val = "TableGrid" },
                new TableWidth { Width = "5000", Type = TableWidthUnitValues.Pct },
                new TableLook { Val = "04A0", FirstRow = true, LastRow = false, FirstColumn = true, LastColumn = false, NoHorizontalBand = false, NoVerticalBand = true }),
            new TableGrid(header.Select(_ => new GridColumn { Width = columnWidth.ToString(System.Globalization.CultureInfo.InvariantCulture) })));

        table.Append(Row(header, isHeader: true, columnWidth));
        foreach (var row in rows)
        {
            if (row.Length != header.Length)
                throw new ArgumentException($"Row has {row.Length} cells, header has {header.Length}: {string.Join(" | ", row)}");
            table.Append(Row(row, isHeader: false, columnWidth));
        }
        Add(table);
        // Word needs a paragraph between consecutive tables and before the section properties.
        return Add(new Paragraph());
    }

    /// <summary>A run with furigana: <paramref name="baseText"/> with <paramref name="reading"/> above it.</summary>
    public static Run Ruby(string baseText, string reading) =>
        new(new DocumentFormat.OpenXml.Wordprocessing.Ruby(
            new RubyProperties(
                new RubyAlign { Val = RubyAlignValues.DistributeSpace },
                new PhoneticGuideTextFontSize { Val = "10" },
                new PhoneticGuideRaise { Val = 18 },
                new PhoneticGuideBaseTextSize { Val = "21" },
                new LanguageId { Val = "ja-JP" }),
            new RubyContent(new Run(
                new RunProperties(new RunFonts { Hint = FontTypeHintValues.EastAsia }, new FontSize { Val = "10" }, new FontSizeComplexScript { Val = "10" }),
                new Text(reading))),
            new RubyBase(new Run(
                new RunProperties(new RunFonts { Hint = FontTypeHintValues.EastAsia }),
                new Text(baseText)))));

    public static Run TextRun(string text, bool bold = false)
    {
        var run = new Run();
        if (bold) run.Append(new RunProperties(new Bold()));
        run.Append(new Text(text) { Space = SpaceProcessingModeValues.Preserve });
        return run;
    }

    public byte[] Build()
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = document.AddNewPart<MainDocumentPart>(
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", "rId1");
            PackageFinisher.AddCoreProperties(document, "rId2", title, language);

            var body = new Body(_body.Select(e => e.CloneNode(true)));
            body.Append(new SectionProperties(
                new PageSize { Width = 11906U, Height = 16838U },
                new PageMargin { Top = 1440, Right = 1440U, Bottom = 1440, Left = 1440U, Header = 708U, Footer = 708U, Gutter = 0U }));
            main.Document = new Document(body);

            main.AddNewPart<StyleDefinitionsPart>("rId1").Styles = Styles();
            main.AddNewPart<NumberingDefinitionsPart>("rId2").Numbering = Numbering();
        }
        return PackageFinisher.Normalize(stream.ToArray());
    }

    private DocxBuilder Add(OpenXmlElement element)
    {
        _body.Add(element);
        return this;
    }

    private static Paragraph StyledParagraph(string styleId, string text) =>
        new(new ParagraphProperties(new ParagraphStyleId { Val = styleId }), TextRun(text));

    private static Paragraph ListItem(int numId, string text) =>
        new(
            new ParagraphProperties(
                new ParagraphStyleId { Val = "ListParagraph" },
                new NumberingProperties(new NumberingLevelReference { Val = 0 }, new NumberingId { Val = numId })),
            TextRun(text));

    private static TableRow Row(string[] cells, bool isHeader, int columnWidth)
    {
        var row = new TableRow();
        if (isHeader) row.Append(new TableRowProperties(new TableHeader()));
        foreach (var cell in cells)
        {
            var properties = new TableCellProperties(new TableCellWidth
            {
                Width = columnWidth.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Type = TableWidthUnitValues.Dxa,
            });
            if (isHeader) properties.Append(new Shading { Val = ShadingPatternValues.Clear, Color = "auto", Fill = "D9E2F3" });
            row.Append(new TableCell(properties, new Paragraph(TextRun(cell, bold: isHeader))));
        }
        return row;
    }

    private Styles Styles()
    {
        var eastAsiaFont = "Yu Gothic";
        var bodySize = IsJapanese ? "21" : "22";

        static Style ParagraphStyle(string id, string name, params OpenXmlElement[] children)
        {
            var style = new Style { Type = StyleValues.Paragraph, StyleId = id };
            style.Append(new StyleName { Val = name });
            style.Append(children);
            return style;
        }

        return new Styles(
            new DocDefaults(
                new RunPropertiesDefault(new RunPropertiesBaseStyle(
                    new RunFonts { Ascii = "Calibri", HighAnsi = "Calibri", EastAsia = eastAsiaFont, ComplexScript = "Calibri" },
                    new FontSize { Val = bodySize },
                    new FontSizeComplexScript { Val = bodySize },
                    new Languages { Val = IsJapanese ? "ja-JP" : "en-US", EastAsia = "ja-JP", Bidi = "ar-SA" })),
                new ParagraphPropertiesDefault(new ParagraphPropertiesBaseStyle(
                    new SpacingBetweenLines { After = "120", Line = "276", LineRule = LineSpacingRuleValues.Auto }))),
            new Style(
                new StyleName { Val = "Normal" },
                new PrimaryStyle())
            { Type = StyleValues.Paragraph, StyleId = "Normal", Default = true },
            ParagraphStyle("Title", "Title",
                new BasedOn { Val = "Normal" },
                new NextParagraphStyle { Val = "Normal" },
                new UIPriority { Val = 10 },
                new PrimaryStyle(),
                new StyleParagraphProperties(new SpacingBetweenLines { After = "240" }),
                new StyleRunProperties(new Bold(), new Color { Val = "1F3864" }, new FontSize { Val = "48" }, new FontSizeComplexScript { Val = "48" })),
            ParagraphStyle("Heading1", "heading 1",
                new BasedOn { Val = "Normal" },
                new NextParagraphStyle { Val = "Normal" },
                new UIPriority { Val = 9 },
                new PrimaryStyle(),
                new StyleParagraphProperties(
                    new KeepNext(),
                    new KeepLines(),
                    new SpacingBetweenLines { Before = "360", After = "120" },
                    new OutlineLevel { Val = 0 }),
                new StyleRunProperties(new Bold(), new Color { Val = "2F5496" }, new FontSize { Val = "32" }, new FontSizeComplexScript { Val = "32" })),
            ParagraphStyle("Heading2", "heading 2",
                new BasedOn { Val = "Normal" },
                new NextParagraphStyle { Val = "Normal" },
                new UIPriority { Val = 9 },
                new UnhideWhenUsed(),
                new PrimaryStyle(),
                new StyleParagraphProperties(
                    new KeepNext(),
                    new KeepLines(),
                    new SpacingBetweenLines { Before = "240", After = "80" },
                    new OutlineLevel { Val = 1 }),
                new StyleRunProperties(new Bold(), new Color { Val = "2F5496" }, new FontSize { Val = "26" }, new FontSizeComplexScript { Val = "26" })),
            ParagraphStyle("ListParagraph", "List Paragraph",
                new BasedOn { Val = "Normal" },
                new UIPriority { Val = 34 },
                new PrimaryStyle(),
                new StyleParagraphProperties(
                    new SpacingBetweenLines { After = "60" },
                    new Indentation { Left = "720" },
                    new ContextualSpacing())),
            ParagraphStyle("Code", "Code",
                new BasedOn { Val = "Normal" },
                new UIPriority { Val = 99 },
                new StyleParagraphProperties(
                    new Shading { Val = ShadingPatternValues.Clear, Color = "auto", Fill = "F2F2F2" },
                    new SpacingBetweenLines { After = "60", Line = "240", LineRule = LineSpacingRuleValues.Auto },
                    new Indentation { Left = "720" }),
                new StyleRunProperties(
                    new RunFonts { Ascii = "Consolas", HighAnsi = "Consolas", ComplexScript = "Consolas" },
                    new FontSize { Val = "19" })),
            new Style(
                new StyleName { Val = "Table Grid" },
                new UIPriority { Val = 39 },
                new StyleTableProperties(
                    new TableBorders(
                        new TopBorder { Val = BorderValues.Single, Size = 4U, Space = 0U, Color = "auto" },
                        new LeftBorder { Val = BorderValues.Single, Size = 4U, Space = 0U, Color = "auto" },
                        new BottomBorder { Val = BorderValues.Single, Size = 4U, Space = 0U, Color = "auto" },
                        new RightBorder { Val = BorderValues.Single, Size = 4U, Space = 0U, Color = "auto" },
                        new InsideHorizontalBorder { Val = BorderValues.Single, Size = 4U, Space = 0U, Color = "auto" },
                        new InsideVerticalBorder { Val = BorderValues.Single, Size = 4U, Space = 0U, Color = "auto" }),
                    new TableCellMarginDefault(
                        new TopMargin { Width = "0", Type = TableWidthUnitValues.Dxa },
                        new TableCellLeftMargin { Width = 108, Type = TableWidthValues.Dxa },
                        new BottomMargin { Width = "0", Type = TableWidthUnitValues.Dxa },
                        new TableCellRightMargin { Width = 108, Type = TableWidthValues.Dxa })))
            { Type = StyleValues.Table, StyleId = "TableGrid" });
    }

    private Numbering Numbering()
    {
        var numbering = new Numbering(
            new AbstractNum(
                new MultiLevelType { Val = MultiLevelValues.HybridMultilevel },
                new Level(
                    new StartNumberingValue { Val = 1 },
                    new NumberingFormat { Val = NumberFormatValues.Bullet },
                    new LevelText { Val = "\u2022" },
                    new LevelJustification { Val = LevelJustificationValues.Left },
                    new PreviousParagraphProperties(new Indentation { Left = "720", Hanging = "360" }))
                { LevelIndex = 0 })
            { AbstractNumberId = BulletAbstractId },
            new AbstractNum(
                new MultiLevelType { Val = MultiLevelValues.HybridMultilevel },
                new Level(
                    new StartNumberingValue { Val = 1 },
                    new NumberingFormat { Val = NumberFormatValues.Decimal },
                    new LevelText { Val = "%1." },
                    new LevelJustification { Val = LevelJustificationValues.Left },
                    new PreviousParagraphProperties(new Indentation { Left = "720", Hanging = "360" }))
                { LevelIndex = 0 })
            { AbstractNumberId = DecimalAbstractId });

        numbering.Append(new NumberingInstance(new AbstractNumId { Val = BulletAbstractId }) { NumberID = BulletNumId });
        for (var numId = BulletNumId + 1; numId < _nextNumId; numId++)
        {
            numbering.Append(new NumberingInstance(
                new AbstractNumId { Val = DecimalAbstractId },
                new LevelOverride(new StartOverrideNumberingValue { Val = 1 }) { LevelIndex = 0 })
            { NumberID = numId });
        }
        return numbering;
    }
}
