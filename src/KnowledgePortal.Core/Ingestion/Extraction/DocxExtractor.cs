using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using KnowledgePortal.Core.Domain;

namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>
/// Word documents: headings (with heading path), paragraphs, lists, tables, text boxes and footnotes. Every block is
/// located by its paragraph number; by its page when the file records page breaks (Word's rendered breaks, else
/// explicit ones); and, where no heading style applies, by the nearest Title-style or bold line as its heading.
/// </summary>
internal static partial class DocxExtractor
{
    private const string W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    private const string MathNs = "http://schemas.openxmlformats.org/officeDocument/2006/math";

    public static ExtractionResult Extract(byte[] content, string detectedType, ExtractionSink sink)
    {
        using var doc = WordprocessingDocument.Open(OoxmlCommon.ReadOnlyStream(content), false,
            OoxmlCommon.Settings(sink.Limits));
        var main = doc.MainDocumentPart
                   ?? throw new ExtractionException(ExtractionFailure.Corrupt, ZipGuard.CorruptMessage);
        var body = main.Document?.Body;
        var walker = new Walker(sink, StyleMap.Load(main.StyleDefinitionsPart), Numbering.Load(main.NumberingDefinitionsPart),
            body is null ? PageBreaks.None : FindPageBreaks(body));
        if (body is not null) walker.WalkContainer(body);
        walker.EmitNotes(main.FootnotesPart?.Footnotes, "Footnote");
        walker.EmitNotes(main.EndnotesPart?.Endnotes, "Endnote");
        return sink.ToResult(walker.PageCount, detectedType, OoxmlCommon.Title(doc));
    }

    /// <summary>Which page breaks count: Word's rendered ones (they include explicit breaks) or, without them, explicit ones.</summary>
    internal enum PageBreaks { None, Rendered, Explicit }

    private static PageBreaks FindPageBreaks(OpenXmlElement body)
    {
        var explicitBreaks = false;
        foreach (var e in body.Descendants())
        {
            if (e.NamespaceUri != W) continue;
            if (e.LocalName == "lastRenderedPageBreak") return PageBreaks.Rendered;
            if ((e is Break br && br.Type?.Value == BreakValues.Page) || (e is PageBreakBefore pb && (pb.Val is null || pb.Val.Value)))
                explicitBreaks = true;
        }
        return explicitBreaks ? PageBreaks.Explicit : PageBreaks.None;
    }

    private sealed class Walker(ExtractionSink sink, StyleMap styles, Numbering numbering, PageBreaks pageBreaks)
    {
        private readonly string?[] _headings = new string?[9];
        private int _page = 1;
        private int _pagesAfterParagraph;
        private int _paragraph;
        private bool _paragraphHasText;
        /// <summary>The last Title-style or bold line: the heading of what follows while no heading style applies.</summary>
        private string? _softHeading;

        public int PageCount => pageBreaks == PageBreaks.None ? 1 : _page;

        private string? HeadingPath
        {
            get
            {
                var parts = _headings.Where(h => !string.IsNullOrEmpty(h)).ToArray();
                return parts.Length == 0 ? null : string.Join(" > ", parts);
            }
        }

        private void Add(string text, string? path)
        {
            path ??= _softHeading;
            sink.Add(text, new SourceLocator(Page: pageBreaks == PageBreaks.None ? null : _page, HeadingPath: path, Paragraph: _paragraph), path);
        }

        /// <summary>Page breaks met inside a paragraph after its first text move the next paragraph to the next page.</summary>
        private void EndParagraph()
        {
            _page += _pagesAfterParagraph;
            _pagesAfterParagraph = 0;
            _paragraphHasText = false;
        }

        private void PageBreak()
        {
            if (_paragraphHasText) _pagesAfterParagraph++;
            else _page++;
        }


        /// <summary>Walks a block container (body, cell, text box, sdt content) in document order.</summary>
        public void WalkContainer(OpenXmlElement container)
        {
            OoxmlCommon.EnsureStack();
            foreach (var child in container.ChildElements)
            {
                switch (child)
                {
                    case Paragraph p:
                        EmitParagraph(p);
                        break;
                    case Table t:
                        EmitTable(t);
                        break;
                    case SectionProperties:
                        break;
                    default:
                        if (OoxmlCommon.IsAlternateContent(child))
                        {
                            if (OoxmlCommon.PreferredBranch(child) is { } branch) WalkContainer(branch);
                        }
                        else if (!IsExcluded(child) && child.HasChildren)
                        {
                            WalkContainer(child);
                        }
                        break;
                }
            }
        }

        private void EmitParagraph(Paragraph p)
        {
            if (pageBreaks == PageBreaks.Explicit && p.ParagraphProperties?.PageBreakBefore is { } before && (before.Val is null || before.Val.Value))
                _page++;
            var boxes = new List<OpenXmlElement>();
            var text = ParagraphText(p, boxes);
            var level = HeadingLevel(p);
            if (!string.IsNullOrWhiteSpace(text)) _paragraph++;
            if (level is { } l && !string.IsNullOrWhiteSpace(text))
            {
                var clean = TextNormalizer.Clean(text);
                _headings[l - 1] = clean;
                for (var i = l; i < _headings.Length; i++) _headings[i] = null;
                Add(text, HeadingPath);
            }
            else
            {
                var prefix = ListPrefix(p);
                if (!string.IsNullOrWhiteSpace(text) && HeadingPath is null && prefix.Length == 0 && IsSoftHeading(p, text))
                    _softHeading = TextNormalizer.Clean(text);
                if (!string.IsNullOrWhiteSpace(text)) Add(prefix + text, HeadingPath);
            }
            EndParagraph();

            foreach (var box in boxes) WalkContainer(box);
        }

        /// <summary>A Title-style paragraph, or a short line whose every run is bold and that does not end like a sentence.</summary>
        private bool IsSoftHeading(Paragraph p, string text)
        {
            if (styles.IsTitle(p.ParagraphProperties?.ParagraphStyleId?.Val?.Value)) return true;
            var trimmed = text.Trim();
            if (trimmed.Length > 120 || trimmed[^1] is '.' or '。' or ':' or '：' or ',' or '、') return false;
            var runs = p.Descendants<Run>().Where(r => r.Descendants<DocumentFormat.OpenXml.Wordprocessing.Text>().Any(t => !string.IsNullOrWhiteSpace(t.Text))).ToList();
            return runs.Count > 0 && runs.All(r => r.RunProperties?.Bold is { } b && (b.Val is null || b.Val.Value));
        }

        private void EmitTable(Table table)
        {
            OoxmlCommon.EnsureStack();
            var rows = new List<(List<string> Cells, bool IsHeader)>();
            foreach (var row in Rows(table))
            {
                var cells = new List<string>();
                foreach (var cell in Cells(row))
                {
                    var span = cell.TableCellProperties?.GridSpan?.Val?.Value ?? 1;
                    cells.Add(CellText(cell));
                    for (var i = 1; i < Math.Clamp(span, 1, 64); i++) cells.Add(string.Empty);
                }
                var isHeader = row.TableRowProperties?.GetFirstChild<TableHeader>() is { } th
                               && (th.Val is null || th.Val.Value == OnOffOnlyValues.On);
                rows.Add((cells, isHeader));
            }
            if (rows.Count == 0) { EndParagraph(); return; }

            var path = HeadingPath;
            List<string>? headers = null;
            var start = 0;
            if (rows.Count > 1 && (rows[0].IsHeader || TableText.LooksLikeHeader(rows[0].Cells, rows.Skip(1).Select(r => r.Cells))))
            {
                headers = rows[0].Cells.Select(TextNormalizer.Clean).ToList();
                start = 1;
                // Repeated header rows (tblHeader on several rows) describe the same columns.
                while (start < rows.Count && rows[start].IsHeader) start++;
            }
            for (var i = start; i < rows.Count; i++)
            {
                _paragraph++;
                Add(TableText.FormatRow(headers, rows[i].Cells), path);
            }
            if (headers is not null && start >= rows.Count)
                Add(TableText.FormatRow(null, headers), path);
            EndParagraph();
        }

        private static IEnumerable<TableRow> Rows(OpenXmlElement table)
        {
            foreach (var child in table.ChildElements)
            {
                if (child is TableRow row) yield return row;
                else if (child is not TableProperties and not TableGrid && child.HasChildren)
                    foreach (var nested in Rows(child)) yield return nested; // sdt / customXml wrappers
            }
        }

        private static IEnumerable<TableCell> Cells(OpenXmlElement row)
        {
            foreach (var child in row.ChildElements)
            {
                if (child is TableCell cell) yield return cell;
                else if (child is not TableRowProperties and not TablePropertyExceptions && child.HasChildren)
                    foreach (var nested in Cells(child)) yield return nested;
            }
        }

        /// <summary>Text of a table cell: its paragraphs (with list prefixes), nested tables and text boxes, space-separated.</summary>
        private string CellText(OpenXmlElement container)
        {
            OoxmlCommon.EnsureStack();
            var sb = new StringBuilder();
            foreach (var child in container.ChildElements)
            {
                string? piece = null;
                switch (child)
                {
                    case Paragraph p:
                        var boxes = new List<OpenXmlElement>();
                        var text = ParagraphText(p, boxes);
                        piece = string.IsNullOrWhiteSpace(text) ? null : ListPrefix(p) + text;
                        foreach (var box in boxes) Append(sb, CellText(box));
                        break;
                    case Table t:
                        piece = string.Join(" ", Rows(t).Select(r => string.Join(" ", Cells(r).Select(CellText))));
                        break;
                    case TableCellProperties:
                        break;
                    default:
                        if (OoxmlCommon.IsAlternateContent(child))
                        {
                            if (OoxmlCommon.PreferredBranch(child) is { } branch) piece = CellText(branch);
                        }
                        else if (!IsExcluded(child) && child.HasChildren)
                        {
                            piece = CellText(child);
                        }
                        break;
                }
                Append(sb, piece);
            }
            return sb.ToString();

            static void Append(StringBuilder sb, string? piece)
            {
                if (string.IsNullOrWhiteSpace(piece)) return;
                if (sb.Length > 0) sb.Append(' ');
                sb.Append(piece);
            }
        }

        /// <summary>Visible text of a paragraph; text boxes found inside are returned separately.</summary>
        private string ParagraphText(Paragraph p, List<OpenXmlElement> boxes)
        {
            var sb = new StringBuilder();
            CollectRunText(p, sb, boxes);
            sink.EnsureRoomFor(sb.Length);
            return sb.ToString();
        }

        private void CollectRunText(OpenXmlElement element, StringBuilder sb, List<OpenXmlElement> boxes)
        {
            OoxmlCommon.EnsureStack();
            foreach (var child in element.ChildElements)
            {
                if (child.NamespaceUri == W)
                {
                    switch (child.LocalName)
                    {
                        case "t":
                            sb.Append(child.InnerText);
                            if (!_paragraphHasText && !string.IsNullOrWhiteSpace(child.InnerText)) _paragraphHasText = true;
                            continue;
                        case "lastRenderedPageBreak":
                            if (pageBreaks == PageBreaks.Rendered) PageBreak();
                            continue;
                        case "tab" or "ptab":
                            sb.Append('\t');
                            continue;
                        case "br" or "cr":
                            if (pageBreaks == PageBreaks.Explicit && child is Break { Type.Value: var type } && type == BreakValues.Page) PageBreak();
                            sb.Append('\n');
                            continue;
                        case "noBreakHyphen":
                            sb.Append('-');
                            continue;
                        case "txbxContent":
                            boxes.Add(child);
                            continue;
                    }
                    if (IsExcluded(child)) continue;
                }
                else if (child.NamespaceUri == MathNs && child.LocalName == "t")
                {
                    sb.Append(child.InnerText);
                    continue;
                }
                else if (OoxmlCommon.IsAlternateContent(child))
                {
                    if (OoxmlCommon.PreferredBranch(child) is { } branch) CollectRunText(branch, sb, boxes);
                    continue;
                }

                if (child.HasChildren) CollectRunText(child, sb, boxes);
                if (sb.Length > sink.Remaining) throw ExtractionSink.TooMuchText(sink.Limits);
            }
        }

        /// <summary>Markup whose text is not part of the visible document: deletions, moved-from text, ruby readings, field codes, properties.</summary>
        private static bool IsExcluded(OpenXmlElement e) =>
            e.NamespaceUri == W && e.LocalName is "del" or "moveFrom" or "delText" or "instrText" or "delInstrText"
                or "rt" or "pPr" or "rPr" or "sectPr" or "tblPr" or "trPr" or "tcPr" or "rubyPr" or "fldData"
                or "customXmlDelRangeStart" or "footnoteReference" or "endnoteReference" or "commentReference";

        private int? HeadingLevel(Paragraph p)
        {
            var props = p.ParagraphProperties;
            if (props?.OutlineLevel?.Val?.Value is { } direct) return direct is >= 0 and <= 8 ? direct + 1 : null;
            return styles.HeadingLevel(props?.ParagraphStyleId?.Val?.Value);
        }

        private string ListPrefix(Paragraph p)
        {
            var props = p.ParagraphProperties;
            var numPr = props?.NumberingProperties;
            var numId = numPr?.NumberingId?.Val?.Value;
            var level = numPr?.NumberingLevelReference?.Val?.Value;
            if (numId is null)
            {
                var fromStyle = styles.Numbering(props?.ParagraphStyleId?.Val?.Value);
                numId = fromStyle.NumId;
                level ??= fromStyle.Level;
            }
            if (numId is null or 0) return string.Empty;
            return numbering.NextPrefix(numId.Value, level ?? 0);
        }

        public void EmitNotes(OpenXmlElement? notes, string label)
        {
            if (notes is null) return;
            var n = 0;
            foreach (var note in notes.ChildElements)
            {
                if (note.LocalName is not ("footnote" or "endnote")) continue;
                var type = note.GetAttributes().FirstOrDefault(a => a.LocalName == "type").Value;
                if (type is not null and not "normal") continue; // separators, continuation notices
                var text = CellText(note);
                if (string.IsNullOrWhiteSpace(text)) continue;
                n++;
                var context = label + "s";
                sink.Add($"{label} {n}: {text}", new SourceLocator(HeadingPath: context), context);
            }
        }
    }

    /// <summary>Paragraph styles: heading level (style name "heading N" or outline level) and list numbering, resolved through basedOn.</summary>
    private sealed partial class StyleMap
    {
        private readonly Dictionary<string, (string? Name, string? BasedOn, int? Outline, int? NumId, int? Level)> _styles = new(StringComparer.Ordinal);

        public static StyleMap Load(StyleDefinitionsPart? part)
        {
            var map = new StyleMap();
            var styles = part?.Styles;
            if (styles is null) return map;
            foreach (var style in styles.Elements<Style>())
            {
                var id = style.StyleId?.Value;
                if (id is null || (style.Type?.Value is { } t && t != StyleValues.Paragraph)) continue;
                var ppr = style.StyleParagraphProperties;
                map._styles[id] = (style.StyleName?.Val?.Value, style.BasedOn?.Val?.Value,
                    ppr?.OutlineLevel?.Val?.Value, ppr?.NumberingProperties?.NumberingId?.Val?.Value,
                    ppr?.NumberingProperties?.NumberingLevelReference?.Val?.Value);
            }
            return map;
        }

        /// <summary>Word's built-in Title style (by name or id).</summary>
        public bool IsTitle(string? styleId) =>
            styleId is not null && (styleId == "Title"
                || (_styles.TryGetValue(styleId, out var s) && string.Equals(s.Name, "Title", StringComparison.OrdinalIgnoreCase)));

        public int? HeadingLevel(string? styleId)
        {
            for (var depth = 0; styleId is not null && depth < 20; depth++)
            {
                if (!_styles.TryGetValue(styleId, out var s))
                {
                    // Missing styles part: fall back on Word's built-in ids.
                    var idMatch = HeadingId().Match(styleId);
                    return idMatch.Success ? int.Parse(idMatch.Groups[1].Value, CultureInfo.InvariantCulture) : null;
                }
                if (s.Name is not null)
                {
                    var m = HeadingName().Match(s.Name);
                    if (m.Success) return int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                }
                if (s.Outline is { } o) return o is >= 0 and <= 8 ? o + 1 : null;
                styleId = s.BasedOn;
            }
            return null;
        }

        public (int? NumId, int? Level) Numbering(string? styleId)
        {
            for (var depth = 0; styleId is not null && depth < 20 && _styles.TryGetValue(styleId, out var s); depth++)
            {
                if (s.NumId is not null) return (s.NumId, s.Level);
                styleId = s.BasedOn;
            }
            return (null, null);
        }

        [GeneratedRegex(@"^\s*heading\s*([1-9])\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
        private static partial Regex HeadingName();

        [GeneratedRegex(@"^Heading([1-9])$", RegexOptions.CultureInvariant)]
        private static partial Regex HeadingId();
    }

    /// <summary>List numbering: "• " for bullets, "1. " / "a) " etc. from lvlText with running counters.</summary>
    private sealed class Numbering
    {
        private readonly Dictionary<int, int> _numToAbstract = [];
        private readonly Dictionary<(int Abstract, int Level), (string Format, string Text, int Start)> _levels = [];
        private readonly Dictionary<int, int[]> _counters = [];

        public static Numbering Load(NumberingDefinitionsPart? part)
        {
            var n = new Numbering();
            var root = part?.Numbering;
            if (root is null) return n;
            foreach (var abs in root.Elements<AbstractNum>())
            {
                if (abs.AbstractNumberId?.Value is not { } absId) continue;
                foreach (var lvl in abs.Elements<Level>())
                {
                    var ilvl = lvl.LevelIndex?.Value ?? 0;
                    n._levels[(absId, ilvl)] = (lvl.NumberingFormat?.Val?.InnerText ?? "decimal",
                        lvl.LevelText?.Val?.Value ?? $"%{ilvl + 1}.", lvl.StartNumberingValue?.Val?.Value ?? 1);
                }
            }
            foreach (var num in root.Elements<NumberingInstance>())
            {
                if (num.NumberID?.Value is { } numId && num.AbstractNumId?.Val?.Value is { } absId)
                    n._numToAbstract[numId] = absId;
            }
            return n;
        }

        public string NextPrefix(int numId, int level)
        {
            level = Math.Clamp(level, 0, 8);
            if (!_numToAbstract.TryGetValue(numId, out var absId)) return "• ";
            if (!_levels.TryGetValue((absId, level), out var def)) return "• ";
            if (def.Format == "none") return string.Empty;
            if (def.Format == "bullet") return "• ";

            if (!_counters.TryGetValue(numId, out var counters))
            {
                counters = new int[9];
                for (var i = 0; i < 9; i++) counters[i] = Start(absId, i) - 1;
                _counters[numId] = counters;
            }
            counters[level]++;
            for (var i = level + 1; i < 9; i++) counters[i] = Start(absId, i) - 1;

            var text = def.Text;
            for (var i = 0; i <= level; i++)
            {
                var placeholder = "%" + (i + 1).ToString(CultureInfo.InvariantCulture);
                if (!text.Contains(placeholder, StringComparison.Ordinal)) continue;
                var format = _levels.TryGetValue((absId, i), out var d) ? d.Format : "decimal";
                text = text.Replace(placeholder, FormatNumber(Math.Max(counters[i], Start(absId, i)), format), StringComparison.Ordinal);
            }
            return text.Length == 0 ? string.Empty : text + " ";
        }

        private int Start(int absId, int level) => _levels.TryGetValue((absId, level), out var d) ? d.Start : 1;

        private static string FormatNumber(int n, string format) => format switch
        {
            "lowerLetter" => Letters(n).ToLowerInvariant(),
            "upperLetter" => Letters(n),
            "lowerRoman" => Roman(n).ToLowerInvariant(),
            "upperRoman" => Roman(n),
            _ => n.ToString(CultureInfo.InvariantCulture),
        };

        private static string Letters(int n)
        {
            if (n <= 0) return n.ToString(CultureInfo.InvariantCulture);
            var letter = (char)('A' + (n - 1) % 26);
            return new string(letter, (n - 1) / 26 + 1);
        }

        private static string Roman(int n)
        {
            if (n is <= 0 or >= 4000) return n.ToString(CultureInfo.InvariantCulture);
            ReadOnlySpan<int> values = [1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1];
            string[] symbols = ["M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"];
            var sb = new StringBuilder();
            for (var i = 0; i < values.Length; i++)
                while (n >= values[i]) { sb.Append(symbols[i]); n -= values[i]; }
            return sb.ToString();
        }
    }
}
