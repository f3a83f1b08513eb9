using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using KnowledgePortal.Core.Domain;
using A = DocumentFormat.OpenXml.Drawing;
using P = DocumentFormat.OpenXml.Presentation;

namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>Presentations: slides in presentation order; title, shape text, tables and speaker notes per slide.</summary>
internal static class PptxExtractor
{
    public static ExtractionResult Extract(byte[] content, string detectedType, ExtractionSink sink)
    {
        using var doc = PresentationDocument.Open(OoxmlCommon.ReadOnlyStream(content), false, OoxmlCommon.Settings(sink.Limits));
        var presentationPart = doc.PresentationPart
                               ?? throw new ExtractionException(ExtractionFailure.Corrupt, ZipGuard.CorruptMessage);
        var slideIds = presentationPart.Presentation?.SlideIdList?.Elements<P.SlideId>().ToList() ?? [];
        string? firstTitle = null;
        var number = 0;
        foreach (var slideId in slideIds)
        {
            sink.CancellationToken.ThrowIfCancellationRequested();
            number++;
            if (slideId.RelationshipId?.Value is not { } relId) continue;
            SlidePart slidePart;
            try
            {
                if (presentationPart.GetPartById(relId) is not SlidePart sp) continue;
                slidePart = sp;
            }
            catch (ArgumentOutOfRangeException)
            {
                sink.Warn($"slide {number}: missing from the file, skipped");
                continue;
            }
            var title = ExtractSlide(slidePart, number, sink);
            firstTitle ??= title;
        }
        return sink.ToResult(slideIds.Count, detectedType, OoxmlCommon.Title(doc) ?? firstTitle);
    }

    private static string? ExtractSlide(SlidePart slidePart, int number, ExtractionSink sink)
    {
        var locator = new SourceLocator(Slide: number);
        var tree = slidePart.Slide?.CommonSlideData?.ShapeTree;
        var shapes = tree is null ? [] : Shapes(tree).ToList();

        var titleShape = shapes.OfType<P.Shape>().FirstOrDefault(s => PlaceholderType(s) is "title" or "ctrTitle");
        var title = titleShape is null ? null : TextNormalizer.Clean(string.Join(" ", Paragraphs(titleShape.TextBody)));
        if (string.IsNullOrEmpty(title)) title = null;
        if (title is not null) sink.Add(title, locator, title);

        foreach (var shape in shapes)
        {
            if (ReferenceEquals(shape, titleShape)) continue;
            switch (shape)
            {
                case P.Shape sp when PlaceholderType(sp) is not ("sldNum" or "dt" or "ftr" or "hdr"):
                    foreach (var paragraph in Paragraphs(sp.TextBody)) sink.Add(paragraph, locator, title);
                    break;
                case P.GraphicFrame frame:
                    foreach (var table in frame.Descendants<A.Table>()) EmitTable(table, locator, title, sink);
                    break;
            }
        }

        var notes = slidePart.NotesSlidePart?.NotesSlide?.CommonSlideData?.ShapeTree;
        if (notes is not null)
        {
            var noteText = string.Join(" ", Shapes(notes).OfType<P.Shape>()
                .Where(s => PlaceholderType(s) is "body" || (PlaceholderType(s) is null && s.TextBody is not null))
                .SelectMany(s => Paragraphs(s.TextBody)));
            if (!string.IsNullOrWhiteSpace(noteText)) sink.Add("Notes: " + noteText, locator, title);
        }
        return title;
    }

    /// <summary>Shapes of a tree in document order, descending into groups and alternate content.</summary>
    private static IEnumerable<OpenXmlElement> Shapes(OpenXmlElement container)
    {
        OoxmlCommon.EnsureStack();
        foreach (var child in container.ChildElements)
        {
            switch (child)
            {
                case P.Shape or P.GraphicFrame:
                    yield return child;
                    break;
                case P.GroupShape group:
                    foreach (var nested in Shapes(group)) yield return nested;
                    break;
                default:
                    if (OoxmlCommon.IsAlternateContent(child) && OoxmlCommon.PreferredBranch(child) is { } branch)
                        foreach (var nested in Shapes(branch)) yield return nested;
                    break;
            }
        }
    }

    private static string? PlaceholderType(P.Shape shape)
    {
        var ph = shape.NonVisualShapeProperties?.ApplicationNonVisualDrawingProperties?.PlaceholderShape;
        if (ph is null) return null;
        return ph.Type?.InnerText is { Length: > 0 } t ? t : "body"; // a placeholder without a type is a body placeholder
    }

    private static IEnumerable<string> Paragraphs(OpenXmlElement? textBody)
    {
        if (textBody is null) yield break;
        foreach (var p in textBody.Elements<A.Paragraph>())
        {
            var text = ParagraphText(p);
            if (!string.IsNullOrWhiteSpace(text)) yield return text;
        }
    }

    private static string ParagraphText(A.Paragraph p)
    {
        var sb = new StringBuilder();
        foreach (var child in p.ChildElements)
        {
            switch (child)
            {
                case A.Run run:
                    sb.Append(run.Text?.Text);
                    break;
                case A.Field field:
                    sb.Append(field.Text?.Text);
                    break;
                case A.Break:
                    sb.Append('\n');
                    break;
                default:
                    if (OoxmlCommon.IsAlternateContent(child) && OoxmlCommon.PreferredBranch(child) is { } branch)
                        foreach (var t in branch.Descendants<A.Text>()) sb.Append(t.Text);
                    break;
            }
        }
        return sb.ToString();
    }

    private static void EmitTable(A.Table table, SourceLocator locator, string? title, ExtractionSink sink)
    {
        var rows = table.Elements<A.TableRow>()
            .Select(r => (IReadOnlyList<string>)r.Elements<A.TableCell>()
                .Select(c => TextNormalizer.Clean(string.Join(" ", Paragraphs(c.TextBody))))
                .ToList())
            .ToList();
        if (rows.Count == 0) return;
        var firstRowFlag = table.TableProperties?.FirstRow?.Value ?? false;
        IReadOnlyList<string>? headers = null;
        var start = 0;
        if (rows.Count > 1 && rows[0].Count(c => c.Length > 0) >= 1
            && (firstRowFlag || TableText.LooksLikeHeader(rows[0], rows.Skip(1))))
        {
            headers = rows[0];
            start = 1;
        }
        for (var i = start; i < rows.Count; i++) sink.Add(TableText.FormatRow(headers, rows[i]), locator, title);
    }
}
