using System.Text;
using KnowledgePortal.Core.Text;

namespace KnowledgePortal.Core.Retrieval;

/// <summary>
/// Prepares text for PostgreSQL full-text search with the <c>simple</c> configuration, which does not segment
/// Japanese (or any CJK) text. Both the indexed text and the query are turned into the same kind of lexemes:
/// <list type="bullet">
/// <item>Words of space-delimited scripts (Latin, Cyrillic, …, and digits): NFKC-normalised, lower-cased, with
/// punctuation removed ("Wi-Fi" → "wi fi", "３．１４" → "3 14").</item>
/// <item>Runs of Han, Hiragana, Katakana (incl. ー) and Hangul: overlapping character bigrams
/// ("有給休暇" → "有給 給休 休暇"); a one-character run is kept as a unigram.</item>
/// </list>
/// Store <c>to_tsvector('simple', ToIndexText(text))</c> and search with
/// <c>to_tsquery('simple', ToTsQuery(query))</c>.
/// </summary>
public static class SearchText
{
    /// <summary>Words longer than this (UTF-16 units) are ignored: they are hashes, base64 or garbage, not words.</summary>
    public const int MaxWordLength = 100;

    /// <summary>Upper bound on OR-ed groups in one tsquery (query terms plus expansions).</summary>
    public const int MaxGroups = 32;

    /// <summary>Upper bound on AND-ed lexemes inside one group (long CJK terms are truncated).</summary>
    public const int MaxLexemesPerGroup = 32;

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "of", "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "doing",
        "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "to", "in", "on", "at", "for", "with",
        "by", "from", "into", "onto", "about", "as", "and", "or", "but", "if", "so", "than", "then", "that", "this",
        "these", "those", "there", "here", "it", "its", "i", "me", "my", "we", "us", "our", "you", "your", "he", "she",
        "his", "her", "they", "them", "their", "can", "could", "should", "would", "will", "shall", "may", "might",
        "must", "have", "has", "had", "any", "some", "please", "s", "t", "d", "ll", "re", "ve", "m",
    };

    private static readonly char[] TermSeparators = [',', ';', '、', '，', '；', '。', '｡'];

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
    /// Builds the argument of <c>to_tsquery('simple', …)</c> from free user input, or null when nothing searchable
    /// remains.
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item>The query is NFKC-normalised and split into terms at whitespace and at , ; 、 ， ； 。.</item>
    /// <item>Each term becomes one group: its lexemes (see <see cref="ToIndexText"/>) AND-ed with <c>&amp;</c>; so a
    /// CJK term must match all of its bigrams ("有給休暇" → <c>('有給' &amp; '給休' &amp; '休暇')</c>) and "wi-fi"
    /// becomes <c>('wi' &amp; 'fi')</c>. A one-character CJK run becomes a prefix match (<c>'今':*</c>) so that it
    /// also matches the bigrams that start with it.</item>
    /// <item>Groups are OR-ed with <c>|</c>; each expansion (synonym, possibly several words) is one more OR-ed group
    /// whose words are AND-ed. Duplicate groups are removed; at most <see cref="MaxGroups"/> groups are kept.</item>
    /// <item>Common English stop words ("the", "a", "of", "is", "what", …) are dropped, unless written in capitals
    /// ("IT", "US") or unless the query consists of nothing else.</item>
    /// <item>Only letters, digits and combining marks survive, each lexeme is single-quoted, so no input can inject
    /// tsquery operators or break its syntax.</item>
    /// </list>
    /// </remarks>
    public static string? ToTsQuery(string query, IEnumerable<string>? expansions = null)
    {
        var groups = new List<string>();
        AddGroups(query, groups);
        if (expansions is not null)
        {
            foreach (var expansion in expansions)
            {
                if (groups.Count >= MaxGroups) break;
                var group = BuildGroup(expansion, fallbackToStopWords: true);
                if (group is not null && !groups.Contains(group)) groups.Add(group);
            }
        }
        return groups.Count == 0 ? null : string.Join(" | ", groups);
    }

    private static void AddGroups(string? query, List<string> groups)
    {
        if (string.IsNullOrWhiteSpace(query)) return;
        var terms = SplitTerms(CjkText.NormalizeKc(query));
        var lexemeLists = terms.Select(t => TermLexemes(t, dropStopWords: true)).ToList();
        if (lexemeLists.All(l => l.Count == 0))
            lexemeLists = terms.Select(t => TermLexemes(t, dropStopWords: false)).ToList();
        foreach (var lexemes in lexemeLists)
        {
            if (groups.Count >= MaxGroups) break;
            var group = FormatGroup(lexemes);
            if (group is not null && !groups.Contains(group)) groups.Add(group);
        }
    }

    /// <summary>An expansion is one group: all its words AND-ed (stop words dropped unless nothing else remains).</summary>
    private static string? BuildGroup(string? expansion, bool fallbackToStopWords)
    {
        if (string.IsNullOrWhiteSpace(expansion)) return null;
        var text = CjkText.NormalizeKc(expansion);
        var lexemes = TermLexemes(text, dropStopWords: true);
        if (lexemes.Count == 0 && fallbackToStopWords) lexemes = TermLexemes(text, dropStopWords: false);
        return FormatGroup(lexemes);
    }

    private static List<string> SplitTerms(string normalized) =>
        normalized
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(t => t.Split(TermSeparators, StringSplitOptions.RemoveEmptyEntries))
            .SelectMany(SplitAtHiragana)
            .ToList();

    /// <summary>
    /// Japanese questions have no spaces: "有給休暇の申請はいつまでに" would otherwise be one term whose bigrams must all
    /// match. Hiragana runs (particles, okurigana) separate the content words (kanji / katakana / Latin) instead.
    /// A term written only in hiragana stays whole.
    /// </summary>
    private static IEnumerable<string> SplitAtHiragana(string term)
    {
        static bool IsHiragana(char c) => c is >= '\u3041' and <= '\u309F';
        if (term.All(IsHiragana) || !term.Any(IsHiragana)) { yield return term; yield break; }
        var start = -1;
        for (var i = 0; i <= term.Length; i++)
        {
            var boundary = i == term.Length || IsHiragana(term[i]);
            if (!boundary && start < 0) start = i;
            else if (boundary && start >= 0) { yield return term[start..i]; start = -1; }
        }
    }

    /// <summary>The OR-ed groups of <see cref="ToTsQuery"/>, one tsquery each, so retrieval can weight rare terms higher.</summary>
    public static IReadOnlyList<string> ToTsQueryGroups(string query, IEnumerable<string>? expansions = null) =>
        ToTsQuery(query, expansions) is { } q ? q.Split(" | ") : [];

    /// <summary>Lexemes of one term; CJK single characters are marked as prefix lexemes with a trailing ":*".</summary>
    private static List<string> TermLexemes(string term, bool dropStopWords)
    {
        var lexemes = new List<string>();
        foreach (var (token, isCjk) in CjkText.Tokenize(term))
        {
            if (isCjk)
            {
                var grams = CjkBigrams(token);
                if (grams.Count == 1 && grams[0].EnumerateRunes().Count() == 1) lexemes.Add(Quote(grams[0]) + ":*");
                else lexemes.AddRange(grams.Select(Quote));
                continue;
            }
            if (token.Length > MaxWordLength) continue;
            var lower = token.ToLowerInvariant();
            if (dropStopWords && StopWords.Contains(lower) && !IsShouted(token)) continue;
            lexemes.Add(LightStem(lower) is { } stem ? Quote(stem) + ":*" : Quote(lower));
        }
        return lexemes;
    }

    /// <summary>Suffixes stripped by <see cref="LightStem"/>, longest first, with the shortest stem each may leave.</summary>
    private static readonly (string Suffix, int MinStem)[] EnglishSuffixes =
        [("ments", 4), ("ment", 4), ("ings", 4), ("ing", 4), ("ies", 3), ("ed", 4), ("es", 3), ("ly", 4), ("s", 3)];

    /// <summary>
    /// The index keeps words as written, so an English query word of four letters or more is searched as a prefix of
    /// its light stem ("employees" → <c>'employee':*</c>, "leaving" → <c>'leav':*</c>, "policies" → <c>'polic':*</c>):
    /// it finds the other inflections without re-indexing, at the price of some over-matching that the vector side and
    /// idf weighting absorb. Null for words left exact (short, non-ASCII, with digits).
    /// </summary>
    internal static string? LightStem(string lower)
    {
        if (lower.Length < 4 || !lower.All(char.IsAsciiLetterLower)) return null;
        if (lower.EndsWith("ss", StringComparison.Ordinal)) return lower; // business, class
        foreach (var (suffix, minStem) in EnglishSuffixes)
        {
            if (!lower.EndsWith(suffix, StringComparison.Ordinal) || lower.Length - suffix.Length < minStem) continue;
            var stem = lower[..^suffix.Length];
            // "es" is a suffix only after a sibilant (boxes, matches, classes); "notes" is "note" + "s".
            if (suffix == "es" && !(stem.EndsWith('s') || stem.EndsWith('x') || stem.EndsWith('z') || stem.EndsWith("ch") || stem.EndsWith("sh"))) continue;
            return stem;
        }
        return lower;
    }

    private static bool IsShouted(string token) => token.Length >= 2 && token.All(c => !char.IsLetter(c) || char.IsUpper(c)) && token.Any(char.IsLetter);

    private static string? FormatGroup(List<string> lexemes)
    {
        var distinct = lexemes.Distinct(StringComparer.Ordinal).Take(MaxLexemesPerGroup).ToList();
        return distinct.Count switch
        {
            0 => null,
            1 => distinct[0],
            _ => "(" + string.Join(" & ", distinct) + ")",
        };
    }

    /// <summary>
    /// Single-quoted tsquery operand. Lexemes only ever contain letters, digits and marks, but quotes and
    /// backslashes are escaped anyway so the output is valid whatever the input.
    /// </summary>
    private static string Quote(string lexeme) =>
        "'" + lexeme.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'";

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
