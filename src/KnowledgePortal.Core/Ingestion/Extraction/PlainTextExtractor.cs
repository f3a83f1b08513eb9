using System.Text;
using KnowledgePortal.Core.Domain;

namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>Plain text (paragraphs separated by blank lines) and Markdown (ATX/setext headings build the heading path).</summary>
internal static class PlainTextExtractor
{
    /// <summary>Paragraphs longer than this are split at line breaks so that one block stays a manageable size.</summary>
    private const int MaxParagraphChars = 4000;

    public static ExtractionResult ExtractText(string text, string detectedType, ExtractionSink sink)
    {
        var paragraph = new StringBuilder();
        foreach (var line in Lines(text))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                Flush(paragraph, null, sink);
                continue;
            }
            if (paragraph.Length + line.Length > MaxParagraphChars) Flush(paragraph, null, sink);
            paragraph.Append(line).Append('\n');
        }
        Flush(paragraph, null, sink);
        return sink.ToResult(1, detectedType, null);
    }

    public static ExtractionResult ExtractMarkdown(string text, string detectedType, ExtractionSink sink)
    {
        var headings = new string?[6];
        string? title = null;
        var paragraph = new StringBuilder();
        var paragraphLines = 0;
        string? fence = null;

        string? Path()
        {
            var parts = headings.Where(h => !string.IsNullOrEmpty(h)).ToArray();
            return parts.Length == 0 ? null : string.Join(" > ", parts);
        }

        void SetHeading(int level, string heading)
        {
            var clean = TextNormalizer.Clean(heading);
            if (clean.Length == 0) return;
            headings[level - 1] = clean;
            for (var i = level; i < headings.Length; i++) headings[i] = null;
            if (level == 1) title ??= clean;
            var path = Path();
            sink.Add(clean, new SourceLocator(HeadingPath: path), path);
        }

        foreach (var rawLine in Lines(text))
        {
            var line = rawLine.TrimEnd();
            var trimmed = line.TrimStart();

            // Fenced code blocks: keep as text, never parse headings inside.
            if (fence is not null)
            {
                paragraph.Append(line).Append('\n');
                if (trimmed.StartsWith(fence, StringComparison.Ordinal)) { fence = null; FlushMd(); }
                continue;
            }
            if (trimmed.StartsWith("```", StringComparison.Ordinal) || trimmed.StartsWith("~~~", StringComparison.Ordinal))
            {
                FlushMd();
                fence = trimmed[..3];
                paragraph.Append(line).Append('\n');
                continue;
            }

            if (trimmed.Length == 0)
            {
                FlushMd();
                continue;
            }

            var atx = AtxLevel(trimmed);
            if (atx > 0 && line.Length - trimmed.Length < 4)
            {
                FlushMd();
                SetHeading(atx, trimmed[atx..].Trim().TrimEnd('#').Trim());
                continue;
            }

            // Setext heading: a single paragraph line underlined with === or ---.
            if (paragraphLines == 1 && trimmed.Length >= 2 && (trimmed.All(c => c == '=') || trimmed.All(c => c == '-')))
            {
                var heading = paragraph.ToString();
                paragraph.Clear();
                paragraphLines = 0;
                SetHeading(trimmed[0] == '=' ? 1 : 2, heading);
                continue;
            }

            // Thematic break (---, ***, ___) between paragraphs: no text.
            if (paragraphLines == 0 && trimmed.Length >= 3 && trimmed.Replace(" ", string.Empty) is var rule
                && rule.Length >= 3 && (rule.All(c => c == '-') || rule.All(c => c == '*') || rule.All(c => c == '_')))
                continue;

            // Each list item starts its own block.
            if (IsListItem(trimmed)) FlushMd();
            if (paragraph.Length + line.Length > MaxParagraphChars) FlushMd();
            paragraph.Append(line).Append('\n');
            paragraphLines++;
        }
        FlushMd();
        return sink.ToResult(1, detectedType, title);

        void FlushMd()
        {
            var path = Path();
            Flush(paragraph, path, sink);
            paragraphLines = 0;
        }
    }

    private static int AtxLevel(string trimmed)
    {
        var level = 0;
        while (level < trimmed.Length && trimmed[level] == '#') level++;
        if (level is 0 or > 6) return 0;
        return level == trimmed.Length || trimmed[level] is ' ' or '\t' ? level : 0;
    }

    private static bool IsListItem(string trimmed)
    {
        if (trimmed.Length >= 2 && trimmed[0] is '-' or '*' or '+' && trimmed[1] == ' ') return true;
        var digits = 0;
        while (digits < trimmed.Length && digits < 9 && char.IsAsciiDigit(trimmed[digits])) digits++;
        return digits > 0 && digits + 1 < trimmed.Length && trimmed[digits] is '.' or ')' && trimmed[digits + 1] == ' ';
    }

    private static void Flush(StringBuilder paragraph, string? path, ExtractionSink sink)
    {
        if (paragraph.Length == 0) return;
        sink.Add(paragraph.ToString(), new SourceLocator(HeadingPath: path), path);
        paragraph.Clear();
    }

    internal static IEnumerable<string> Lines(string text)
    {
        using var reader = new StringReader(text);
        while (reader.ReadLine() is { } line) yield return line;
    }
}
