using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using Ganss.Xss;
using KnowledgePortal.Core.Answering;
using Markdig;

namespace KnowledgePortal.Web.Components.Shared;

/// <summary>
/// Renders model output (Markdown) to HTML that is safe to inject: raw HTML is never interpreted, only basic
/// formatting tags survive, links and images are dropped (their text is kept), and [n] citations become the only
/// links, pointing where <c>citationHref</c> says.
/// </summary>
public static partial class AnswerMarkdown
{
    // Citations are swapped for private-use placeholders before Markdown parsing, so that Markdown cannot turn
    // them into links (e.g. via a hostile "[1]: javascript:…" reference definition) or mangle them.
    private const char PlaceholderOpen = '\uE000';
    private const char PlaceholderClose = '\uE001';

    [GeneratedRegex("\uE000([0-9]+)\uE001")]
    private static partial Regex Placeholder();

    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UsePipeTables()
        .Build();

    private static readonly string[] AllowedTagNames =
    [
        "p", "ul", "ol", "li", "strong", "em", "code", "pre", "blockquote",
        "h1", "h2", "h3", "h4", "h5", "h6",
        "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
        "br",
    ];

    /// <summary>
    /// Markdown → sanitised HTML. <paramref name="citationHref"/> maps a citation number to its link target; when it
    /// returns null (or an unsafe URL: only relative and http(s) URLs are accepted), "[n]" stays plain text.
    /// Citations inside code stay plain text.
    /// </summary>
    public static string ToSafeHtml(string markdown, Func<int, string?> citationHref)
    {
        ArgumentNullException.ThrowIfNull(citationHref);
        if (string.IsNullOrEmpty(markdown))
            return string.Empty;

        var html = Markdown.ToHtml(ProtectCitations(markdown), Pipeline);

        var sanitizer = new HtmlSanitizer(new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(AllowedTagNames, StringComparer.OrdinalIgnoreCase),
            AllowedAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase),
            AllowedCssProperties = new HashSet<string>(StringComparer.OrdinalIgnoreCase),
            AllowedAtRules = new HashSet<AngleSharp.Css.Dom.CssRuleType>(),
            AllowedSchemes = new HashSet<string>(StringComparer.OrdinalIgnoreCase),
            AllowedClasses = new HashSet<string>(StringComparer.OrdinalIgnoreCase),
        })
        {
            // Links and unknown formatting tags are unwrapped, leaving their text.
            KeepChildNodes = true,
            AllowDataAttributes = false,
        };
        sanitizer.PostProcessDom += (_, e) => InsertCitationLinks(e.Document, citationHref);
        return sanitizer.Sanitize(html);
    }

    /// <summary>Accepts relative URLs and absolute http(s) URLs; rejects everything else (javascript:, data:, //host…).</summary>
    public static bool IsSafeHref(string? href)
    {
        if (string.IsNullOrEmpty(href) || href != href.Trim() || href.Any(char.IsControl))
            return false;
        if (href.StartsWith("//", StringComparison.Ordinal) || href.StartsWith('\\'))
            return false;

        var colon = href.IndexOf(':');
        var delimiter = href.IndexOfAny(['/', '?', '#']);
        if (colon < 0 || (delimiter >= 0 && delimiter < colon))
            return true;

        return Uri.TryCreate(href, UriKind.Absolute, out var uri)
               && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
    }

    private static string ProtectCitations(string markdown)
    {
        var text = markdown.Replace(PlaceholderOpen.ToString(), string.Empty, StringComparison.Ordinal)
                           .Replace(PlaceholderClose.ToString(), string.Empty, StringComparison.Ordinal);
        var groups = CitationMapper.FindGroups(text);
        if (groups.Count == 0)
            return text;

        var sb = new StringBuilder(text.Length + 8);
        var position = 0;
        foreach (var group in groups)
        {
            sb.Append(text, position, group.Index - position);
            foreach (var n in group.Numbers)
                sb.Append(PlaceholderOpen).Append(n.ToString(CultureInfo.InvariantCulture)).Append(PlaceholderClose);
            position = group.Index + group.Length;
        }
        sb.Append(text, position, text.Length - position);
        return sb.ToString();
    }

    private static void InsertCitationLinks(IDocument document, Func<int, string?> citationHref)
    {
        var texts = new List<IText>();
        Collect(document.Body ?? (INode)document, texts);

        foreach (var textNode in texts)
        {
            var parent = textNode.Parent;
            if (parent is null)
                continue;

            var data = textNode.Data;
            var inCode = InsideCode(textNode);
            var position = 0;
            foreach (Match match in Placeholder().Matches(data))
            {
                if (match.Index > position)
                    parent.InsertBefore(document.CreateTextNode(data[position..match.Index]), textNode);
                position = match.Index + match.Length;

                var label = $"[{match.Groups[1].Value}]";
                var href = !inCode && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                    ? citationHref(n)
                    : null;
                if (!IsSafeHref(href))
                {
                    parent.InsertBefore(document.CreateTextNode(label), textNode);
                    continue;
                }

                var anchor = document.CreateElement("a");
                anchor.SetAttribute("class", "kp-cite");
                anchor.SetAttribute("href", href);
                anchor.SetAttribute("data-cite", match.Groups[1].Value);
                anchor.TextContent = label;
                parent.InsertBefore(anchor, textNode);
            }
            if (position < data.Length)
                parent.InsertBefore(document.CreateTextNode(data[position..]), textNode);
            parent.RemoveChild(textNode);
        }
    }

    private static void Collect(INode node, List<IText> texts)
    {
        foreach (var child in node.ChildNodes)
        {
            if (child is IText text)
            {
                if (text.Data.Contains(PlaceholderOpen))
                    texts.Add(text);
            }
            else
            {
                Collect(child, texts);
            }
        }
    }

    private static bool InsideCode(INode node)
    {
        for (var current = node.Parent; current is not null; current = current.Parent)
            if (current is IElement { LocalName: "code" or "pre" })
                return true;
        return false;
    }
}
