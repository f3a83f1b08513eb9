using System.Text;
using System.Text.RegularExpressions;

namespace KnowledgePortal.Core.Lab;

/// <summary>Whether an answer contains one of the expected answers, tolerant of width, case, spacing and citation marks.</summary>
public static partial class ExpectedAnswer
{
    public static bool Matches(string answer, IEnumerable<string> expected)
    {
        var normalizedAnswer = Normalize(answer);
        return expected.Select(Normalize).Any(e => e.Length > 0 && normalizedAnswer.Contains(e, StringComparison.Ordinal));
    }

    /// <summary>NFKC (full-width ↔ half-width), lower case, no [n] citation marks, no whitespace.</summary>
    public static string Normalize(string text)
    {
        var s = Citation().Replace(text.Normalize(NormalizationForm.FormKC), "").ToLowerInvariant();
        var sb = new StringBuilder(s.Length);
        foreach (var c in s) if (!char.IsWhiteSpace(c)) sb.Append(c);
        return sb.ToString();
    }

    [GeneratedRegex(@"\[\d{1,3}\]")] private static partial Regex Citation();
}
