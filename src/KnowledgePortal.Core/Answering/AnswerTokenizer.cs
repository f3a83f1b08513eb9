using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using KnowledgePortal.Core.Text;

namespace KnowledgePortal.Core.Answering;

/// <summary>
/// Small tokenizer for the answering path (sentence scoring, follow-up detection):
/// Latin/digit words and CJK bigrams over Han/Katakana runs (Hiragana is treated as a separator,
/// since it mostly carries particles and inflections).
/// Deliberately private to this folder; retrieval has its own tokenizer.
/// </summary>
internal static partial class AnswerTokenizer
{

    /// <summary>Japanese script (Hiragana, Katakana, Han); unlike <see cref="CjkText.IsCjk(char)"/>, not Hangul.</summary>
    public static bool IsCjk(char ch) => CjkText.IsHiragana(ch) || CjkText.IsKatakana(ch) || CjkText.IsHan(ch);

    /// <summary>NFKC + lower case (invariant).</summary>
    public static string Normalize(string text) =>
        text.Normalize(NormalizationForm.FormKC).ToLowerInvariant();

    public static bool IsStopWord(string word) => StopWords.EnglishForAnswers.Contains(word);

    /// <summary>
    /// Scoring tokens: Latin words (no stop words, lightly stemmed, so "taxis" meets "taxi"), CJK bigrams (single Han
    /// characters alone), and one <c>dateMMDD</c> token per calendar date however it is written ("6 May", "May 6th",
    /// "2026-05-06", "5月6日"), replacing the date's parts, so "6 May" meets the row dated 2026-05-06.
    /// </summary>
    public static List<string> Tokens(string text) => Terms(text).SelectMany(t => t).ToList();

    /// <summary>
    /// The tokens of <see cref="Tokens"/> grouped by the word they come from: one token for a Latin word or a date,
    /// the bigrams of one Han/Katakana run together ("慶弔休暇" → 慶弔, 弔休, 休暇), so a long compound weighs as one
    /// word, not three. Runs opening with an interrogative (何日, 何時, 誰) ask rather than name: left out when
    /// <paramref name="dropInterrogatives"/>.
    /// </summary>
    public static List<string[]> Terms(string text, bool dropInterrogatives = false)
    {
        var terms = new List<string[]>();
        var normalized = DateMentions().Replace(Normalize(text), m => $" {DateToken(m)} ");
        foreach (var (run, isCjk) in Runs(normalized))
        {
            if (!isCjk)
            {
                if (!IsStopWord(run) && (run.Length >= 2 || char.IsDigit(run[0])))
                    terms.Add([Stem(run)]);
                continue;
            }
            if (dropInterrogatives && run[0] is '何' or '誰' or '幾')
                continue;
            if (run.Length == 1)
            {
                if (CjkText.IsHan(run[0]))
                    terms.Add([run]);
                continue;
            }
            var grams = new string[run.Length - 1];
            for (var i = 0; i + 1 < run.Length; i++)
                grams[i] = run.Substring(i, 2);
            terms.Add(grams);
        }
        return terms;
    }

    /// <summary>
    /// A light suffix stripper (plural and -ing/-ed forms), applied alike to questions and sentences: consistency
    /// matters more here than linguistics.
    /// </summary>
    public static string Stem(string word)
    {
        if (word.Length < 4 || !char.IsAsciiLetterLower(word[^1])) return word;
        if (word.EndsWith("ies", StringComparison.Ordinal) && word.Length > 4) return word[..^3] + "y";
        if (word.EndsWith("sses", StringComparison.Ordinal)) return word[..^2];
        if (word.EndsWith("ing", StringComparison.Ordinal) && word.Length > 5) return word[..^3];
        if (word.EndsWith("ed", StringComparison.Ordinal) && word.Length > 4 && !word.EndsWith("eed", StringComparison.Ordinal)) return word[..^2];
        if (word.EndsWith("es", StringComparison.Ordinal) && word.Length > 4 && (word[^3] is 's' or 'x' or 'z' || word.EndsWith("ches", StringComparison.Ordinal) || word.EndsWith("shes", StringComparison.Ordinal)))
            return word[..^2];
        if (word[^1] == 's' && word[^2] is not ('s' or 'u' or 'i')) return word[..^1];
        return word;
    }

    private static readonly string[] Months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    // On normalised (NFKC, lower-case) text: ISO and slashed dates, Japanese 月日, "6 may" and "may 6th".
    [GeneratedRegex(@"(?<!\d)(?:(?<y>\d{4})[-/.](?<m>\d{1,2})[-/.](?<d>\d{1,2})(?!\d)|(?:(?<y>\d{4})年)?(?<m>\d{1,2})月(?<d>\d{1,2})日|(?<d>\d{1,2})(?:st|nd|rd|th)?\s+(?<mn>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?(?![a-z])|(?<mn>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?(?![a-z])\s+(?<d>\d{1,2})(?:st|nd|rd|th)?(?![\d:]))")]
    private static partial Regex DateMentions();

    private static string DateToken(Match m)
    {
        var month = m.Groups["m"].Success ? int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture)
            : Array.IndexOf(Months, m.Groups["mn"].Value[..3]) + 1;
        var day = int.Parse(m.Groups["d"].Value, CultureInfo.InvariantCulture);
        return month is >= 1 and <= 12 && day is >= 1 and <= 31
            ? $"date{month:D2}{day:D2}"
            : m.Value;
    }

    /// <summary>Key terms: Latin words (no stop words) and whole Han/Katakana runs, in order, without duplicates.</summary>
    public static List<string> KeyTerms(string text)
    {
        var terms = new List<string>();
        foreach (var (run, isCjk) in Runs(Normalize(text)))
        {
            var keep = isCjk
                ? run.Length >= 2 || CjkText.IsHan(run[0])
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
            bool? kind = CjkText.IsHan(ch) || CjkText.IsKatakana(ch) ? true
                : !CjkText.IsHiragana(ch) && char.IsLetterOrDigit(ch) ? false
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
            if (CjkText.IsHiragana(ch) || CjkText.IsKatakana(ch)) kana++;
            else if (CjkText.IsHan(ch)) han++;
            else if ((char.IsLetter(ch) && ch < '\u0250') || ch is >= '\uFF21' and <= '\uFF3A' or >= '\uFF41' and <= '\uFF5A') latin++;
        }
        return (kana, han, latin);
    }
}
