using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Presentation;
using A = DocumentFormat.OpenXml.Drawing;

namespace KnowledgePortal.Core.Demo.Builders;

/// <summary>
/// Writes a small, valid 16:9 PresentationML deck: one slide master with a theme, a "Title Slide" and a
/// "Title and Content" layout, a notes master, slides with title / bullet placeholders, tables as
/// graphic frames and speaker notes. Output is deterministic.
/// </summary>
internal sealed class PptxBuilder(string title, string language)
{
    private const long SlideWidth = 12192000;
    private const long SlideHeight = 6858000;
    private const long ContentX = 838200;
    private const long ContentY = 1825625;
    private const long ContentWidth = 10515600;
    private const long ContentHeight = 4351338;
    private const long TableRowHeight = 420000;
    private const string TableStyleMedium2Accent1 = "{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}";

    private sealed record SlideSpec(
        bool IsTitleSlide,
        string Title,
        string? Subtitle,
        string[] Bullets,
        string[]? TableHeader,
        string[][]? TableRows,
        string? Notes);

    private readonly List<SlideSpec> _slides = [];

    public PptxBuilder TitleSlide(string slideTitle, string subtitle, string? notes = null)
    {
        _slides.Add(new SlideSpec(true, slideTitle, subtitle, [], null, null, notes));
        return this;
    }

    /// <summary>A title and a bulleted body; a bullet that starts with two spaces is a second-level bullet.</summary>
    public PptxBuilder ContentSlide(string slideTitle, string[] bullets, string? notes = null)
    {
        _slides.Add(new SlideSpec(false, slideTitle, null, bullets, null, null, notes));
        return this;
    }

    public PptxBuilder TableSlide(string slideTitle, string[] header, string[][] rows, string? notes = null)
    {
        if (rows.Any(r => r.Length != header.Length))
            throw new ArgumentException("Every table row needs as many cells as the header.");
        _slides.Add(new SlideSpec(false, slideTitle, null, [], header, rows, notes));
        return this;
    }

    public byte[] Build()
    {
        using var stream = new MemoryStream();
        using (var document = PresentationDocument.Create(stream, PresentationDocumentType.Presentation))
        {
            var presentationPart = document.AddNewPart<PresentationPart>(
                "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml", "rId1");
            PackageFinisher.AddCoreProperties(document, "rId2", title, language);

            var masterPart = presentationPart.AddNewPart<SlideMasterPart>("rId1");
            var titleLayoutPart = masterPart.AddNewPart<SlideLayoutPart>("rId1");
            var contentLayoutPart = masterPart.AddNewPart<SlideLayoutPart>("rId2");
            var themePart = masterPart.AddNewPart<ThemePart>("rId3");
            FeedTheme(themePart);
            titleLayoutPart.AddPart(masterPart, "rId1");
            contentLayoutPart.AddPart(masterPart, "rId1");
            masterPart.SlideMaster = SlideMaster();
            titleLayoutPart.SlideLayout = TitleLayout();
            contentLayoutPart.SlideLayout = ContentLayout();

            var notesMasterPart = presentationPart.AddNewPart<NotesMasterPart>("rId2");
            FeedTheme(notesMasterPart.AddNewPart<ThemePart>("rId1"));
            notesMasterPart.NotesMaster = NotesMaster();

            presentationPart.AddPart(themePart, "rId3");
            presentationPart.AddNewPart<TableStylesPart>("rId4").TableStyleList =
                new A.TableStyleList { Default = TableStyleMedium2Accent1 };

            var slideIds = new SlideIdList();
            for (var i = 0; i < _slides.Count; i++)
            {
                var spec = _slides[i];
                var relationshipId = $"rId{i + 5}";
                var slidePart = presentationPart.AddNewPart<SlidePart>(relationshipId);
                slidePart.AddPart(spec.IsTitleSlide ? titleLayoutPart : contentLayoutPart, "rId1");
                slidePart.Slide = Slide(spec);
                if (spec.Notes is not null)
                {
                    var notesPart = slidePart.AddNewPart<NotesSlidePart>("rId2");
                    notesPart.AddPart(notesMasterPart, "rId1");
                    notesPart.AddPart(slidePart, "rId2");
                    notesPart.NotesSlide = NotesSlide(spec.Notes);
                }
                slideIds.Append(new SlideId { Id = (uint)(256 + i), RelationshipId = relationshipId });
            }

            presentationPart.Presentation = new Presentation(
                new SlideMasterIdList(new SlideMasterId { Id = 2147483648U, RelationshipId = "rId1" }),
                new NotesMasterIdList(new NotesMasterId { Id = "rId2" }),
                slideIds,
                new SlideSize { Cx = (int)SlideWidth, Cy = (int)SlideHeight },
                new NotesSize { Cx = 6858000, Cy = 9144000 })
            { SaveSubsetFonts = true };
        }
        return PackageFinisher.Normalize(stream.ToArray());
    }

    // ---- slides ----------------------------------------------------------------------------------

    private Slide Slide(SlideSpec spec)
    {
        var tree = NewShapeTree();
        if (spec.IsTitleSlide)
        {
            tree.Append(PlaceholderShape(2, "Title 1", new PlaceholderShape { Type = PlaceholderValues.CenteredTitle }, null, Paragraphs([spec.Title])));
            tree.Append(PlaceholderShape(3, "Subtitle 2", new PlaceholderShape { Type = PlaceholderValues.SubTitle, Index = 1U }, null, Paragraphs([spec.Subtitle ?? ""])));
        }
        else
        {
            tree.Append(PlaceholderShape(2, "Title 1", new PlaceholderShape { Type = PlaceholderValues.Title }, null, Paragraphs([spec.Title])));
            if (spec.Bullets.Length > 0)
                tree.Append(PlaceholderShape(3, "Content Placeholder 2", new PlaceholderShape { Index = 1U }, null, Paragraphs(spec.Bullets)));
            if (spec.TableHeader is not null)
                tree.Append(TableFrame(spec.Bullets.Length > 0 ? 4U : 3U, spec.TableHeader, spec.TableRows ?? []));
        }
        return new Slide(new CommonSlideData(tree), new ColorMapOverride(new A.MasterColorMapping()));
    }

    private NotesSlide NotesSlide(string notes)
    {
        var tree = NewShapeTree();
        tree.Append(new Shape(
            new NonVisualShapeProperties(
                new NonVisualDrawingProperties { Id = 2U, Name = "Slide Image Placeholder 1" },
                new NonVisualShapeDrawingProperties(new A.ShapeLocks { NoGrouping = true, NoRotation = true, NoChangeAspect = true }),
                new ApplicationNonVisualDrawingProperties(new PlaceholderShape { Type = PlaceholderValues.SlideImage })),
            new ShapeProperties()));
        tree.Append(PlaceholderShape(3, "Notes Placeholder 2", new PlaceholderShape { Type = PlaceholderValues.Body, Index = 1U }, null,
            Paragraphs(notes.Split('\n'))));
        return new NotesSlide(new CommonSlideData(tree), new ColorMapOverride(new A.MasterColorMapping()));
    }

    private GraphicFrame TableFrame(uint id, string[] header, string[][] rows)
    {
        var columnWidth = ContentWidth / header.Length;
        var table = new A.Table(
            new A.TableProperties(new A.TableStyleId(TableStyleMedium2Accent1)) { FirstRow = true, BandRow = true },
            new A.TableGrid(header.Select(_ => new A.GridColumn { Width = columnWidth })));
        foreach (var (cells, isHeader) in rows.Select(r => (r, false)).Prepend((header, true)))
        {
            var row = new A.TableRow { Height = TableRowHeight };
            foreach (var cell in cells)
            {
                row.Append(new A.TableCell(
                    new A.TextBody(new A.BodyProperties(), new A.ListStyle(), new A.Paragraph(TextRun(cell, size: 1600, bold: isHeader))),
                    new A.TableCellProperties()));
            }
            table.Append(row);
        }

        return new GraphicFrame(
            new NonVisualGraphicFrameProperties(
                new NonVisualDrawingProperties { Id = id, Name = $"Table {id - 1}" },
                new NonVisualGraphicFrameDrawingProperties(new A.GraphicFrameLocks { NoGrouping = true }),
                new ApplicationNonVisualDrawingProperties()),
            new Transform(
                new A.Offset { X = ContentX, Y = ContentY },
                new A.Extents { Cx = ContentWidth, Cy = TableRowHeight * (rows.Length + 1) }),
            new A.Graphic(new A.GraphicData(table) { Uri = "http://schemas.openxmlformats.org/drawingml/2006/table" }));
    }

    private A.Run TextRun(string text, int? size = null, bool bold = false)
    {
        var properties = new A.RunProperties { Language = LanguageOf(text), Dirty = false };
        if (size is not null) properties.FontSize = size;
        if (bold) properties.Bold = true;
        return new A.Run(properties, new A.Text(text));
    }

    private TextBody Paragraphs(IEnumerable<string> lines)
    {
        var body = new TextBody(new A.BodyProperties(), new A.ListStyle());
        foreach (var line in lines)
        {
            var paragraph = new A.Paragraph();
            var text = line;
            if (text.StartsWith("  ", StringComparison.Ordinal))
            {
                paragraph.Append(new A.ParagraphProperties { Level = 1 });
                text = text.TrimStart();
            }
            paragraph.Append(TextRun(text));
            body.Append(paragraph);
        }
        return body;
    }

    private string LanguageOf(string text) =>
        text.Any(c => c is >= '\u3040' and <= '\u30FF' or >= '\u4E00' and <= '\u9FFF') ? "ja-JP" : language;

    // ---- masters and layouts ---------------------------------------------------------------------

    private static ShapeTree NewShapeTree() =>
        new(
            new NonVisualGroupShapeProperties(
                new NonVisualDrawingProperties { Id = 1U, Name = "" },
                new NonVisualGroupShapeDrawingProperties(),
                new ApplicationNonVisualDrawingProperties()),
            new GroupShapeProperties(new A.TransformGroup(
                new A.Offset { X = 0L, Y = 0L }, new A.Extents { Cx = 0L, Cy = 0L },
                new A.ChildOffset { X = 0L, Y = 0L }, new A.ChildExtents { Cx = 0L, Cy = 0L })));

    private static Shape PlaceholderShape(uint id, string name, PlaceholderShape placeholder, (long X, long Y, long Cx, long Cy)? frame, TextBody? text)
    {
        var properties = new ShapeProperties();
        if (frame is { } f)
            properties.Append(new A.Transform2D(new A.Offset { X = f.X, Y = f.Y }, new A.Extents { Cx = f.Cx, Cy = f.Cy }));

        var shape = new Shape(
            new NonVisualShapeProperties(
                new NonVisualDrawingProperties { Id = id, Name = name },
                new NonVisualShapeDrawingProperties(new A.ShapeLocks { NoGrouping = true }),
                new ApplicationNonVisualDrawingProperties(placeholder)),
            properties);
        shape.Append(text ?? new TextBody(new A.BodyProperties(), new A.ListStyle(), new A.Paragraph(new A.EndParagraphRunProperties { Language = "en-US" })));
        return shape;
    }

    private static SlideMaster SlideMaster()
    {
        var tree = NewShapeTree();
        tree.Append(PlaceholderShape(2, "Title Placeholder 1", new PlaceholderShape { Type = PlaceholderValues.Title },
            (ContentX, 365125, ContentWidth, 1325563), null));
        tree.Append(PlaceholderShape(3, "Text Placeholder 2", new PlaceholderShape { Type = PlaceholderValues.Body, Index = 1U },
            (ContentX, ContentY, ContentWidth, ContentHeight), null));

        static A.Level1ParagraphProperties TitleLevel() => new(
            new A.LineSpacing(new A.SpacingPercent { Val = 90000 }),
            new A.SpaceBefore(new A.SpacingPercent { Val = 0 }),
            new A.NoBullet(),
            DefaultRun(4000, "+mj-lt", "+mj-ea", "tx1"))
        { Alignment = A.TextAlignmentTypeValues.Left };

        static A.DefaultRunProperties DefaultRun(int size, string latin, string eastAsian, string color) =>
            new(
                new A.SolidFill(new A.SchemeColor { Val = color == "tx1" ? A.SchemeColorValues.Text1 : A.SchemeColorValues.Accent1 }),
                new A.LatinFont { Typeface = latin },
                new A.EastAsianFont { Typeface = eastAsian },
                new A.ComplexScriptFont { Typeface = latin })
            { FontSize = size, Kerning = 1200 };

        static A.Level1ParagraphProperties BodyLevel1() => new(
            new A.LineSpacing(new A.SpacingPercent { Val = 90000 }),
            new A.SpaceBefore(new A.SpacingPoints { Val = 1000 }),
            new A.BulletFont { Typeface = "Arial", PitchFamily = 34, CharacterSet = 0 },
            new A.CharacterBullet { Char = "\u2022" },
            DefaultRun(2400, "+mn-lt", "+mn-ea", "tx1"))
        { LeftMargin = 228600, Indent = -228600, Alignment = A.TextAlignmentTypeValues.Left };

        static A.Level2ParagraphProperties BodyLevel2() => new(
            new A.LineSpacing(new A.SpacingPercent { Val = 90000 }),
            new A.SpaceBefore(new A.SpacingPoints { Val = 500 }),
            new A.BulletFont { Typeface = "Arial", PitchFamily = 34, CharacterSet = 0 },
            new A.CharacterBullet { Char = "\u2013" },
            DefaultRun(2000, "+mn-lt", "+mn-ea", "tx1"))
        { LeftMargin = 685800, Indent = -228600, Alignment = A.TextAlignmentTypeValues.Left };

        return new SlideMaster(
            new CommonSlideData(
                new Background(new BackgroundStyleReference(new A.SchemeColor { Val = A.SchemeColorValues.Background1 }) { Index = 1001U }),
                tree),
            MasterColorMap(),
            new SlideLayoutIdList(
                new SlideLayoutId { Id = 2147483649U, RelationshipId = "rId1" },
                new SlideLayoutId { Id = 2147483650U, RelationshipId = "rId2" }),
            new TextStyles(
                new TitleStyle(TitleLevel()),
                new BodyStyle(BodyLevel1(), BodyLevel2()),
                new OtherStyle(new A.Level1ParagraphProperties(new A.DefaultRunProperties { Language = "en-US" }))));
    }

    private static ColorMap MasterColorMap() =>
        new()
        {
            Background1 = A.ColorSchemeIndexValues.Light1,
            Text1 = A.ColorSchemeIndexValues.Dark1,
            Background2 = A.ColorSchemeIndexValues.Light2,
            Text2 = A.ColorSchemeIndexValues.Dark2,
            Accent1 = A.ColorSchemeIndexValues.Accent1,
            Accent2 = A.ColorSchemeIndexValues.Accent2,
            Accent3 = A.ColorSchemeIndexValues.Accent3,
            Accent4 = A.ColorSchemeIndexValues.Accent4,
            Accent5 = A.ColorSchemeIndexValues.Accent5,
            Accent6 = A.ColorSchemeIndexValues.Accent6,
            Hyperlink = A.ColorSchemeIndexValues.Hyperlink,
            FollowedHyperlink = A.ColorSchemeIndexValues.FollowedHyperlink,
        };

    private static SlideLayout TitleLayout()
    {
        var tree = NewShapeTree();
        tree.Append(PlaceholderShape(2, "Title 1", new PlaceholderShape { Type = PlaceholderValues.CenteredTitle },
            (1524000, 1122363, 9144000, 2387600), null));
        tree.Append(PlaceholderShape(3, "Subtitle 2", new PlaceholderShape { Type = PlaceholderValues.SubTitle, Index = 1U },
            (1524000, 3602038, 9144000, 1655762), null));
        return new SlideLayout(new CommonSlideData(tree) { Name = "Title Slide" }, new ColorMapOverride(new A.MasterColorMapping()))
        {
            Type = SlideLayoutValues.Title,
            Preserve = true,
        };
    }

    private static SlideLayout ContentLayout()
    {
        var tree = NewShapeTree();
        tree.Append(PlaceholderShape(2, "Title 1", new PlaceholderShape { Type = PlaceholderValues.Title }, null, null));
        tree.Append(PlaceholderShape(3, "Content Placeholder 2", new PlaceholderShape { Index = 1U }, null, null));
        return new SlideLayout(new CommonSlideData(tree) { Name = "Title and Content" }, new ColorMapOverride(new A.MasterColorMapping()))
        {
            Type = SlideLayoutValues.ObjectText,
            Preserve = true,
        };
    }

    private static NotesMaster NotesMaster()
    {
        var tree = NewShapeTree();
        tree.Append(new Shape(
            new NonVisualShapeProperties(
                new NonVisualDrawingProperties { Id = 2U, Name = "Slide Image Placeholder 1" },
                new NonVisualShapeDrawingProperties(new A.ShapeLocks { NoGrouping = true, NoRotation = true, NoChangeAspect = true }),
                new ApplicationNonVisualDrawingProperties(new PlaceholderShape { Type = PlaceholderValues.SlideImage, Index = 2U })),
            new ShapeProperties(new A.Transform2D(new A.Offset { X = 685800L, Y = 1143000L }, new A.Extents { Cx = 5486400L, Cy = 3086100L }))));
        tree.Append(PlaceholderShape(3, "Notes Placeholder 2", new PlaceholderShape { Type = PlaceholderValues.Body, Index = 3U },
            (685800, 4400550, 5486400, 3600450), null));
        return new NotesMaster(
            new CommonSlideData(
                new Background(new BackgroundStyleReference(new A.SchemeColor { Val = A.SchemeColorValues.Background1 }) { Index = 1001U }),
                tree),
            MasterColorMap(),
            new NotesStyle(new A.Level1ParagraphProperties(new A.DefaultRunProperties(
                new A.SolidFill(new A.SchemeColor { Val = A.SchemeColorValues.Text1 }),
                new A.LatinFont { Typeface = "+mn-lt" },
                new A.EastAsianFont { Typeface = "+mn-ea" },
                new A.ComplexScriptFont { Typeface = "+mn-cs" })
            { FontSize = 1200 })
            { LeftMargin = 0, Alignment = A.TextAlignmentTypeValues.Left }));
    }

    private static void FeedTheme(ThemePart part)
    {
        static string Solid(string color) => $"<a:solidFill><a:{color}/></a:solidFill>";
        var placeholderFill = Solid("schemeClr val=\"phClr\"");
        var xml =
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>" +
            "<a:theme xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" name=\"Contoso\">" +
            "<a:themeElements>" +
            "<a:clrScheme name=\"Contoso\">" +
            "<a:dk1><a:sysClr val=\"windowText\" lastClr=\"000000\"/></a:dk1>" +
            "<a:lt1><a:sysClr val=\"window\" lastClr=\"FFFFFF\"/></a:lt1>" +
            "<a:dk2><a:srgbClr val=\"1F3864\"/></a:dk2>" +
            "<a:lt2><a:srgbClr val=\"E7E6E6\"/></a:lt2>" +
            "<a:accent1><a:srgbClr val=\"2F5597\"/></a:accent1>" +
            "<a:accent2><a:srgbClr val=\"ED7D31\"/></a:accent2>" +
            "<a:accent3><a:srgbClr val=\"A5A5A5\"/></a:accent3>" +
            "<a:accent4><a:srgbClr val=\"FFC000\"/></a:accent4>" +
            "<a:accent5><a:srgbClr val=\"5B9BD5\"/></a:accent5>" +
            "<a:accent6><a:srgbClr val=\"70AD47\"/></a:accent6>" +
            "<a:hlink><a:srgbClr val=\"0563C1\"/></a:hlink>" +
            "<a:folHlink><a:srgbClr val=\"954F72\"/></a:folHlink>" +
            "</a:clrScheme>" +
            "<a:fontScheme name=\"Contoso\">" +
            "<a:majorFont><a:latin typeface=\"Calibri Light\"/><a:ea typeface=\"Yu Gothic\"/><a:cs typeface=\"\"/></a:majorFont>" +
            "<a:minorFont><a:latin typeface=\"Calibri\"/><a:ea typeface=\"Yu Gothic\"/><a:cs typeface=\"\"/></a:minorFont>" +
            "</a:fontScheme>" +
            "<a:fmtScheme name=\"Contoso\">" +
            "<a:fillStyleLst>" + placeholderFill + placeholderFill + placeholderFill + "</a:fillStyleLst>" +
            "<a:lnStyleLst>" +
            "<a:ln w=\"6350\">" + placeholderFill + "</a:ln>" +
            "<a:ln w=\"12700\">" + placeholderFill + "</a:ln>" +
            "<a:ln w=\"19050\">" + placeholderFill + "</a:ln>" +
            "</a:lnStyleLst>" +
            "<a:effectStyleLst>" +
            "<a:effectStyle><a:effectLst/></a:effectStyle>" +
            "<a:effectStyle><a:effectLst/></a:effectStyle>" +
            "<a:effectStyle><a:effectLst/></a:effectStyle>" +
            "</a:effectStyleLst>" +
            "<a:bgFillStyleLst>" + placeholderFill + placeholderFill + placeholderFill + "</a:bgFillStyleLst>" +
            "</a:fmtScheme>" +
            "</a:themeElements>" +
            "<a:objectDefaults/>" +
            "<a:extraClrSchemeLst/>" +
            "</a:theme>";
        using var stream = part.GetStream(FileMode.Create);
        stream.Write(System.Text.Encoding.UTF8.GetBytes(xml));
    }
}
