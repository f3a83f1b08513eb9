using System.Globalization;
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using KnowledgePortal.Core.Domain;

namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>HTML via AngleSharp: scripts and styles stripped, h1–h6 build the heading path, paragraphs / list items / table rows become blocks.</summary>
internal static class HtmlExtractor
{
    private static readonly HashSet<string> Skipped = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "noscript", "template", "head", "svg", "math", "iframe", "object", "embed", "canvas",
        "select", "button", "input", "textarea",
    };

    private static readonly HashSet<string> BlockElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "section", "article", "main", "header", "footer", "nav", "aside", "body", "html", "ul", "ol", "dl",
        "dt", "dd", "pre", "blockquote", "form", "fieldset", "figure", "figcaption", "details", "summary", "address",
        "hr", "center", "caption", "legend",
    };

    public static ExtractionResult Extract(string html, string detectedType, ExtractionSink sink)
    {
        var parser = new HtmlParser(new HtmlParserOptions { IsScripting = false });
        using var document = parser.ParseDocument(html);
        foreach (var element in document.QuerySelectorAll("script, style, noscript, template").ToList()) element.Remove();

        var walker = new Walker(sink);
        if (document.Body is { } body) walker.Walk(body);
        walker.Flush();
        var title = document.Title;
        return sink.ToResult(1, detectedType, string.IsNullOrWhiteSpace(title) ? null : title);
    }

    private sealed class Walker(ExtractionSink sink)
    {
        private readonly string?[] _headings = new string?[6];
        private readonly StringBuilder _inline = new();

        private string? Path
        {
            get
            {
                var parts = _headings.Where(h => !string.IsNullOrEmpty(h)).ToArray();
                return parts.Length == 0 ? null : string.Join(" > ", parts);
            }
        }

        public void Walk(INode node)
        {
            OoxmlCommon.EnsureStack();
            foreach (var child in node.ChildNodes)
            {
                if (child.NodeType == NodeType.Text)
                {
                    _inline.Append(child.TextContent);
                    if (_inline.Length > sink.Remaining) throw ExtractionSink.TooMuchText(sink.Limits);
                    continue;
                }
                if (child is not IElement element) continue;
                var name = element.LocalName;
                if (Skipped.Contains(name) || element.HasAttribute("hidden")) continue;

                if (HeadingLevel(name) is { } level)
                {
                    Flush();
                    var text = TextNormalizer.Clean(InlineText(element));
                    if (text.Length == 0) continue;
                    _headings[level - 1] = text;
                    for (var i = level; i < _headings.Length; i++) _headings[i] = null;
                    var path = Path;
                    sink.Add(text, new SourceLocator(HeadingPath: path), path);
                    continue;
                }

                switch (name)
                {
                    case "br":
                        _inline.Append('\n');
                        break;
                    case "li":
                        Flush();
                        _inline.Append(ListPrefix(element));
                        Walk(element);
                        Flush();
                        break;
                    case "table":
                        Flush();
                        EmitTable(element);
                        break;
                    default:
                        if (BlockElements.Contains(name))
                        {
                            Flush();
                            Walk(element);
                            Flush();
                        }
                        else
                        {
                            Walk(element);
                        }
                        break;
                }
            }
        }

        public void Flush()
        {
            if (_inline.Length == 0) return;
            var text = _inline.ToString();
            _inline.Clear();
            if (text.Trim() is "•" or "") return;
            var path = Path;
            sink.Add(text, new SourceLocator(HeadingPath: path), path);
        }

        private static string ListPrefix(IElement li)
        {
            if (li.ParentElement is { LocalName: "ol" } ol)
            {
                var start = int.TryParse(ol.GetAttribute("start"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : 1;
                var index = ol.Children.Where(c => c.LocalName == "li").TakeWhile(c => !ReferenceEquals(c, li)).Count();
                return (start + index).ToString(CultureInfo.InvariantCulture) + ". ";
            }
            return "• ";
        }

        private void EmitTable(IElement table)
        {
            var rows = new List<(List<string> Cells, bool AllHeader, bool InHead)>();
            foreach (var row in Rows(table))
            {
                var cells = new List<string>();
                var allHeader = true;
                foreach (var cell in row.Children.Where(c => c.LocalName is "td" or "th"))
                {
                    allHeader &= cell.LocalName == "th";
                    cells.Add(TextNormalizer.Clean(InlineText(cell)));
                    var span = int.TryParse(cell.GetAttribute("colspan"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var cs) ? cs : 1;
                    for (var i = 1; i < Math.Clamp(span, 1, 64); i++) cells.Add(string.Empty);
                }
                if (cells.Count > 0) rows.Add((cells, allHeader, row.ParentElement?.LocalName == "thead"));
            }
            if (rows.Count == 0) return;

            List<string>? headers = null;
            var start = 0;
            if (rows.Count > 1 && (rows[0].AllHeader || rows[0].InHead))
            {
                headers = rows[0].Cells;
                start = 1;
            }
            var path = Path;
            for (var i = start; i < rows.Count; i++)
                sink.Add(TableText.FormatRow(headers, rows[i].Cells), new SourceLocator(HeadingPath: path), path);
        }

        /// <summary>Rows of this table only (not of nested tables).</summary>
        private static IEnumerable<IElement> Rows(IElement table)
        {
            foreach (var child in table.Children)
            {
                if (child.LocalName == "tr") yield return child;
                else if (child.LocalName is "thead" or "tbody" or "tfoot")
                    foreach (var tr in child.Children.Where(c => c.LocalName == "tr")) yield return tr;
            }
        }

        private static string InlineText(INode node)
        {
            var sb = new StringBuilder();
            Append(node, sb);
            return sb.ToString();

            static void Append(INode n, StringBuilder sb)
            {
                OoxmlCommon.EnsureStack();
                foreach (var child in n.ChildNodes)
                {
                    if (child.NodeType == NodeType.Text) sb.Append(child.TextContent);
                    else if (child is IElement e && !Skipped.Contains(e.LocalName))
                    {
                        var block = e.LocalName == "br" || BlockElements.Contains(e.LocalName) || e.LocalName is "li" or "td" or "th" or "tr";
                        if (block) sb.Append(' ');
                        Append(e, sb);
                        if (block) sb.Append(' ');
                    }
                }
            }
        }

        private static int? HeadingLevel(string name) =>
            name.Length == 2 && name[0] is 'h' or 'H' && name[1] is >= '1' and <= '6' ? name[1] - '0' : null;
    }
}
