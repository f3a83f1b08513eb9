using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace KnowledgePortal.Web.Components.Shared;

/// <summary>Marks the sentence of a passage that best matches the answer, HTML-encoding everything else.</summary>
public static partial class PassageHighlighter
{
    public static string ToHtml(string passage, string reference)
    {
        var sentences = SentenceEnd().Split(passage).Where(s => s.Length > 0).ToList();
        var refTerms = Terms(reference);
        var best = sentences.Select((s, i) => (i, score: Terms(s).Count(refTerms.Contains))).OrderByDescending(x => x.score).FirstOrDefault();
        var sb = new StringBuilder();
        for (var i = 0; i < sentences.Count; i++)
        {
            var encoded = WebUtility.HtmlEncode(sentences[i]);
            sb.Append(i == best.i && best.score > 0 ? $"<mark>{encoded}</mark>" : encoded);
        }
        return sb.ToString();
    }

    /// <summary>Latin words and CJK bigrams, lower-cased: enough to find the overlapping sentence in either language.</summary>
    private static HashSet<string> Terms(string text)
    {
        var set = new HashSet<string>();
        foreach (Match m in Word().Matches(text.ToLowerInvariant()))
        {
            var w = m.Value;
            if (w.Length > 0 && w.All(c => c > 0x2E80))
                for (var i = 0; i + 1 < w.Length; i++) set.Add(w.Substring(i, 2));
            else if (w.Length > 2) set.Add(w);
        }
        return set;
    }

    [GeneratedRegex(@"(?<=[.!?。！？])\s*")] private static partial Regex SentenceEnd();
    [GeneratedRegex(@"[\p{L}\p{N}]+")] private static partial Regex Word();
}
