using System.Text.RegularExpressions;
using KnowledgePortal.Core.Ingestion.Extraction;

namespace KnowledgePortal.Core.Ingestion;

/// <summary>The title a document is shown under: its own, not a file-name slug. Pure.</summary>
public static partial class DocumentTitles
{
    public const int MaxLength = 200;

    /// <summary>
    /// The title recorded in the file (Office core properties dc:title, PDF Info Title) unless it is a placeholder;
    /// else the first heading (a heading-styled paragraph, a Word Title line, a slide title); else, for a PDF, a short
    /// first line of page 1 that does not read like a sentence; else the file name without its extension.
    /// </summary>
    public static string Choose(string? embeddedTitle, IReadOnlyList<ExtractedBlock> blocks, string fileName)
    {
        var stem = Path.GetFileNameWithoutExtension(fileName);
        if (Usable(embeddedTitle, fileName) is { } own) return own;
        foreach (var block in blocks.Take(50))
        {
            if (IsHeading(block) && Usable(block.Text, fileName) is { } heading) return heading;
        }
        if (blocks.Count > 0 && blocks[0].Locator.Page == 1 && LooksLikeTitleLine(blocks[0].Text) && Usable(blocks[0].Text, fileName) is { } line)
            return line;
        return Trim(stem.Length == 0 ? fileName : stem);
    }

    /// <summary>A manager's title: cleaned like extracted text and capped; null when nothing is left.</summary>
    public static string? Clean(string? title)
    {
        var clean = TextNormalizer.Clean(title);
        return clean.Length == 0 ? null : Trim(clean);
    }

    private static string? Usable(string? candidate, string fileName)
    {
        var clean = Clean(candidate);
        if (clean is null) return null;
        var stem = Path.GetFileNameWithoutExtension(fileName);
        if (string.Equals(clean, fileName, StringComparison.OrdinalIgnoreCase) || string.Equals(clean, stem, StringComparison.OrdinalIgnoreCase))
            return null;
        return Placeholder().IsMatch(clean) ? null : clean;
    }

    /// <summary>The block is its own heading: the last part of its heading path (or a slide title) is its text.</summary>
    private static bool IsHeading(ExtractedBlock b)
    {
        var path = b.Locator.HeadingPath ?? (b.Locator.Slide is not null ? b.Context : null);
        return path is { Length: > 0 } && string.Equals(path.Split(" > ")[^1].Trim(), b.Text.Trim(), StringComparison.Ordinal);
    }

    private static bool LooksLikeTitleLine(string text)
    {
        var t = text.Trim();
        return t.Length is > 2 and <= 100 && t.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length <= 12
               && t[^1] is not ('.' or '。' or ',' or '、' or ':' or ';');
    }

    private static string Trim(string s) => s.Length <= MaxLength ? s : s[..MaxLength].TrimEnd() + "…";

    /// <summary>What authoring tools write when nobody typed a title.</summary>
    [GeneratedRegex(@"^(untitled|no title|title|document\d*|presentation\d*|book\d*|workbook\d*|slide \d+|powerpoint presentation|microsoft (word|excel|powerpoint) - .*|.*\.(docx?|xlsx?|pptx?|pdf|txt|md))$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
