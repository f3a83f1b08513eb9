using System.Text.RegularExpressions;

namespace KnowledgePortal.Core.Answering;

/// <summary>Helpers that make untrusted text safe to embed inside prompt delimiters.</summary>
internal static partial class PromptText
{
    /// <summary>Tag names the prompts use as delimiters, plus chat-template role markers.</summary>
    [GeneratedRegex(@"<(\s*/?\s*)(sources?|conversation|question|system|user|assistant|instructions?)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DelimiterLike();

    [GeneratedRegex(@"<\|")]
    private static partial Regex ChatTemplateMarker();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    /// <summary>
    /// Replaces the "&lt;" of anything that looks like one of our delimiters (e.g. "&lt;/source&gt;", "&lt; source id=9&gt;",
    /// "&lt;|im_start|&gt;") with "‹", so embedded text cannot close or open a block. Everything else is kept.
    /// </summary>
    public static string Neutralize(string text)
    {
        var result = DelimiterLike().Replace(text, "‹$1$2");
        return ChatTemplateMarker().Replace(result, "‹|");
    }

    /// <summary>A single-line, neutralised, length-capped label (titles, file names).</summary>
    public static string Label(string? text, int maxLength = 200)
    {
        var single = Whitespace().Replace(text ?? string.Empty, " ").Trim();
        if (single.Length > maxLength)
            single = single[..maxLength].TrimEnd() + "…";
        return Neutralize(single);
    }

    /// <summary>"ja…" → "Japanese (日本語)", anything else → "English".</summary>
    public static bool IsJapanese(string? language) =>
        language is not null && language.Trim().StartsWith("ja", StringComparison.OrdinalIgnoreCase);

    public static string LanguageName(string? language) => IsJapanese(language) ? "Japanese (日本語)" : "English";
}
