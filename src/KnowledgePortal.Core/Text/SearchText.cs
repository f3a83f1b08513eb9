using System.Text;

namespace KnowledgePortal.Core.Text;

/// <summary>
/// Prepares text for PostgreSQL full-text search with the <c>simple</c> configuration, which does not segment
/// Japanese (or any CJK) text. Both the indexed text and the query are turned into the same kind of lexemes:
/// <list type="bullet">
/// <item>Words of space-delimited scripts (Latin, Cyrillic, …, and digits): NFKC-normalised, lower-cased, with
/// punctuation removed ("Wi-Fi" → "wi fi", "３．１４" → "3 14").</item>
/// <item>Runs of Han, Hiragana, Katakana (incl. ー) and Hangul: overlapping character bigrams
/// ("有給休暇" → "有給 給休 休暇"); a one-character run is kept as a unigram.</item>
/// </list>
/// The database stems English words (text search configuration <c>portal</c>): store
/// <c>portal_search_vector(ToIndexText(context), ToIndexText(text))</c>, and derive query lexemes with
/// <c>to_tsvector('portal', ToQueryText(query))</c>.
/// </summary>
public static class SearchText
{
    /// <summary>Words longer than this (UTF-16 units) are ignored: they are hashes, base64 or garbage, not words.</summary>
    public const int MaxWordLength = 100;




    /// <summary>
    /// Space-separated lower-case lexemes for <c>to_tsvector('simple', …)</c>: words as they are, CJK runs as
    /// overlapping bigrams (a single character as a unigram). Stop words are kept. Empty input gives "".
    /// </summary>
    public static string ToIndexText(string text)
    {
        if (string.IsNullOrEmpty(text)) return string.Empty;
        var sb = new StringBuilder(text.Length * 2);
        foreach (var (token, isCjk) in CjkText.Tokenize(CjkText.Normalize(text)))
        {
            if (isCjk)
            {
                foreach (var gram in CjkBigrams(token))
                {
                    if (sb.Length > 0) sb.Append(' ');
                    sb.Append(gram);
                }
            }
            else if (token.Length <= MaxWordLength)
            {
                if (sb.Length > 0) sb.Append(' ');
                sb.Append(token);
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// The query in index form, for <c>to_tsvector('portal', …)</c> on the query side of BM25 (so English words are
    /// stemmed exactly as the index was), or null when nothing searchable remains.
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item>The query and each expansion are tokenised like <see cref="ToIndexText"/>: words lower-cased, CJK runs as
    /// overlapping bigrams, so every query lexeme is a lexeme the index can hold.</item>
    /// <item>Common English stop words ("the", "a", "of", "what", …) are dropped, unless written in capitals ("IT",
    /// "US") or unless nothing else remains. They carry almost no BM25 weight but would match nearly every chunk.</item>
    /// <item>At most <see cref="MaxQueryTerms"/> distinct lexemes are kept, query before expansions.</item>
    /// </list>
    /// </remarks>
    public static string? ToQueryText(string query, IEnumerable<string>? expansions = null)
    {
        var terms = new List<string>();
        AddQueryLexemes(query, terms);
        foreach (var expansion in expansions ?? []) AddQueryLexemes(expansion, terms);
        return terms.Count == 0 ? null : string.Join(' ', terms);
    }

    /// <summary>Upper bound on distinct lexemes of one query (question plus expansions).</summary>
    public const int MaxQueryTerms = 64;

    private static void AddQueryLexemes(string? text, List<string> terms)
    {
        if (string.IsNullOrWhiteSpace(text)) return;
        var tokens = CjkText.Tokenize(CjkText.NormalizeKc(text)).ToList(); // case kept for "IT" vs "it"
        var kept = QueryLexemes(tokens, dropStopWords: true).ToList();
        if (kept.Count == 0) kept = QueryLexemes(tokens, dropStopWords: false).ToList();
        foreach (var lexeme in kept)
        {
            if (terms.Count >= MaxQueryTerms) return;
            if (!terms.Contains(lexeme)) terms.Add(lexeme);
        }
    }

    private static IEnumerable<string> QueryLexemes(List<(string Token, bool IsCjk)> tokens, bool dropStopWords)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var (token, isCjk) = tokens[i];
            if (isCjk)
            {
                foreach (var gram in CjkBigrams(token)) yield return gram;
                continue;
            }
            if (token.Length > MaxWordLength) continue;
            var lower = token.ToLowerInvariant();
            if (dropStopWords && StopWords.English.Contains(lower) && !IsShouted(token) && !IsMonthInDate(tokens, i, lower)) continue;
            yield return lower;
        }
    }

    /// <summary>
    /// The query's CJK bigrams that name nothing (see <see cref="QueryBigrams"/>): they still rank, as every bigram does,
    /// but the relevance gate does not count them, so a question's particles and endings do not make a covered question
    /// look uncovered. Empty when nothing else would be left.
    /// </summary>
    public static IReadOnlySet<string> GateIgnored(string query)
    {
        var all = new HashSet<string>(StringComparer.Ordinal);
        var content = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (token, isCjk) in CjkText.Tokenize(CjkText.Normalize(query ?? "")))
        {
            if (!isCjk) { content.Add(token); continue; }
            all.UnionWith(CjkBigrams(token));
            content.UnionWith(QueryBigrams(token));
        }
        all.ExceptWith(content);
        return content.Count == 0 ? new HashSet<string>() : all;
    }

    /// <summary>
    /// The bigrams of a CJK query run that name something. Not counted by the relevance gate, as English stop words are not searched: question words (何時,
    /// 誰が), hiragana-only bigrams (から, です: endings and particles), and bigrams that join a word to a particle
    /// (付は in 受付は, を連 in を連れ) when that word has a bigram of its own; so 犬を stays, since 犬 has
    /// no other bigram.
    /// </summary>
    internal static List<string> QueryBigrams(string run)
    {
        var chars = run.EnumerateRunes().Select(r => r.ToString()).ToArray();
        if (chars.Length == 1) return [chars[0]];
        var grams = new List<string>(chars.Length - 1);
        for (var i = 0; i + 1 < chars.Length; i++)
        {
            string a = chars[i], b = chars[i + 1];
            if (a is "何" or "誰" or "幾") continue;
            if (IsKana(a) && IsKana(b)) continue;
            if (IsWord(a) && IsParticle(b) && i > 0 && IsWord(chars[i - 1])) continue;
            if (IsKana(a) && IsWord(b) && i + 2 < chars.Length) continue; // b+c carries the word
            grams.Add(a + b);
        }
        return grams;
    }

    private static bool IsKana(string c) => c.Length == 1 && CjkText.IsHiragana(c[0]);

    private static bool IsParticle(string c) => c is "は" or "が" or "を" or "に" or "で" or "と" or "の" or "も" or "へ" or "や" or "か";

    /// <summary>Han or Katakana (a surrogate pair is a Han extension character).</summary>
    private static bool IsWord(string c) => c.Length == 2 || (c.Length == 1 && (CjkText.IsHan(c[0]) || CjkText.IsKatakana(c[0])));

    /// <summary>"May" next to a day number ("6 May", "May 6") is the month, not the modal verb.</summary>
    private static bool IsMonthInDate(List<(string Token, bool IsCjk)> tokens, int i, string lower) =>
        lower == "may" && ((i > 0 && IsDayNumber(tokens[i - 1])) || (i + 1 < tokens.Count && IsDayNumber(tokens[i + 1])));

    private static bool IsDayNumber((string Token, bool IsCjk) t) =>
        !t.IsCjk && t.Token.Length <= 4 && char.IsAsciiDigit(t.Token[0]) && t.Token.All(char.IsAsciiLetterOrDigit);

    private static bool IsShouted(string token) => token.Length >= 2 && token.All(c => !char.IsLetter(c) || char.IsUpper(c)) && token.Any(char.IsLetter);

    /// <summary>Overlapping character bigrams of a CJK run (by Unicode scalar); a one-character run gives itself.</summary>
    internal static List<string> CjkBigrams(string run)
    {
        var runes = run.EnumerateRunes().Select(r => r.ToString()).ToArray();
        var grams = new List<string>(Math.Max(1, runes.Length - 1));
        if (runes.Length == 1) grams.Add(runes[0]);
        for (int i = 0; i + 1 < runes.Length; i++) grams.Add(runes[i] + runes[i + 1]);
        return grams;
    }
}
