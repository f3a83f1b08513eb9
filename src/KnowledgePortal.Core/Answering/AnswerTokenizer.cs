using System.Text;

namespace KnowledgePortal.Core.Answering;

/// <summary>
/// Small tokenizer for the answering path (sentence scoring, follow-up detection):
/// Latin/digit words and CJK bigrams over Han/Katakana runs (Hiragana is treated as a separator,
/// since it mostly carries particles and inflections).
/// Deliberately private to this folder; retrieval has its own tokenizer.
/// </summary>
internal static class AnswerTokenizer
{
    private static readonly HashSet<string> EnglishStopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did",
        "of", "to", "in", "on", "for", "and", "or", "but", "with", "without", "what", "which", "who", "whom",
        "whose", "how", "when", "where", "why", "can", "could", "should", "would", "will", "shall", "may",
        "might", "must", "i", "we", "you", "he", "she", "me", "us", "my", "our", "your", "his", "her", "it",
        "its", "this", "that", "these", "those", "they", "them", "their", "there", "here", "about", "from",
        "by", "at", "as", "if", "any", "some", "have", "has", "had", "not", "no", "yes", "please", "tell",
        "explain", "than", "then", "so", "also", "into", "per", "all", "more", "most", "much", "many",
        "get", "got", "let", "know", "need", "want", "like",
    };

    public static bool IsHiragana(char ch) => ch is >= '\u3040' and <= '\u309F';

    public static bool IsKatakana(char ch) =>
        ch is >= '\u30A0' and <= '\u30FF' or >= '\u31F0' and <= '\u31FF' or >= '\uFF66' and <= '\uFF9F';

    public static bool IsHan(char ch) =>
        ch is >= '\u4E00' and <= '\u9FFF' or >= '\u3400' and <= '\u4DBF' or >= '\uF900' and <= '\uFAFF' or '\u3005';

    public static bool IsCjk(char ch) => IsHiragana(ch) || IsKatakana(ch) || IsHan(ch);

    /// <summary>NFKC + lower case (invariant).</summary>
    public static string Normalize(string text) =>
        text.Normalize(NormalizationForm.FormKC).ToLowerInvariant();

    public static bool IsStopWord(string word) => EnglishStopWords.Contains(word);

    /// <summary>Scoring tokens: Latin words (no stop words) and CJK bigrams (single Han characters alone).</summary>
    public static List<string> Tokens(string text)
    {
        var tokens = new List<string>();
        foreach (var (run, isCjk) in Runs(Normalize(text)))
        {
            if (!isCjk)
            {
                if (!IsStopWord(run) && (run.Length >= 2 || char.IsDigit(run[0])))
                    tokens.Add(run);
                continue;
            }
            if (run.Length == 1)
            {
                if (IsHan(run[0]))
                    tokens.Add(run);
                continue;
            }
            for (var i = 0; i + 1 < run.Length; i++)
                tokens.Add(run.Substring(i, 2));
        }
        return tokens;
    }

    /// <summary>Key terms: Latin words (no stop words) and whole Han/Katakana runs, in order, without duplicates.</summary>
    public static List<string> KeyTerms(string text)
    {
        var terms = new List<string>();
        foreach (var (run, isCjk) in Runs(Normalize(text)))
        {
            var keep = isCjk
                ? run.Length >= 2 || IsHan(run[0])
                : !IsStopWord(run) && (run.Length >= 2 || char.IsDigit(run[0]));
            if (keep && !terms.Contains(run))
                terms.Add(run);
        }
        return terms;
    }

    /// <summary>
    /// Splits normalised text into runs: Latin/digit words (apostrophes and inner hyphens dropped as separators)
    /// and Han/Katakana runs. Hiragana, punctuation and spaces separate runs.
    /// </summary>
    private static IEnumerable<(string Run, bool IsCjk)> Runs(string text)
    {
        var sb = new StringBuilder();
        bool? current = null;
        foreach (var ch in text)
        {
            bool? kind = IsHan(ch) || IsKatakana(ch) ? true
                : !IsHiragana(ch) && char.IsLetterOrDigit(ch) ? false
                : null;
            if (kind != current && sb.Length > 0)
            {
                yield return (sb.ToString(), current == true);
                sb.Clear();
            }
            current = kind;
            if (kind is not null)
                sb.Append(ch);
        }
        if (sb.Length > 0)
            yield return (sb.ToString(), current == true);
    }

    /// <summary>Counts of CJK (with and without Kana) and Latin letters, for language detection.</summary>
    public static (int Kana, int Han, int Latin) CountScripts(string text)
    {
        int kana = 0, han = 0, latin = 0;
        foreach (var ch in text)
        {
            if (IsHiragana(ch) || IsKatakana(ch)) kana++;
            else if (IsHan(ch)) han++;
            else if ((char.IsLetter(ch) && ch < '\u0250') || ch is >= '\uFF21' and <= '\uFF3A' or >= '\uFF41' and <= '\uFF5A') latin++;
        }
        return (kana, han, latin);
    }
}
