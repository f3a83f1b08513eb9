using KnowledgePortal.Core.Text;

namespace KnowledgePortal.Core.Ingestion.Chunking;

/// <summary>
/// Rule-based sentence splitter for English and Japanese (and mixed) text.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Line breaks are hard breaks: a sentence never spans two lines.</item>
/// <item>Japanese terminators 。 ！ ？ ． (and ｡) end a sentence immediately, with no following space required.
/// Closing quotes and brackets right after a terminator (」 』 ） 】 " ” ’ …) stay with the sentence, as do repeated
/// terminators ("！？", "…").</item>
/// <item>A terminator inside a 「…」, 『…』, （…） or 【…】 quotation does not split it, unless the quotation is longer
/// than <see cref="MaxProtectedQuoteLength"/> characters (then it is treated as running text).</item>
/// <item>English . ! ? end a sentence when followed by whitespace and then something that is not a lower-case letter
/// (or by the end of the line, or directly by Japanese text). A period does not end a sentence after a known
/// abbreviation ("Mr.", "Dr.", "e.g.", "i.e.", "vs.", "Fig.", "No.", …), after dotted initialisms ("U.S.", "Ph.D."),
/// after a single capital initial ("J. Smith") or after a list number at the start of a line ("1. Scope").
/// A period between non-spaces ("3.14", "file.txt", "U.S") never splits.</item>
/// </list>
/// Returned sentences are trimmed and never empty.
/// </remarks>
public static class SentenceSplitter
{
    /// <summary>Quotations longer than this (in UTF-16 units) may be split inside.</summary>
    public const int MaxProtectedQuoteLength = 200;

    private static readonly HashSet<string> Abbreviations = new(StringComparer.Ordinal)
    {
        "mr", "mrs", "ms", "mx", "dr", "prof", "sr", "jr", "st", "mt", "ft", "rev", "gen", "col", "lt", "sgt", "capt",
        "gov", "sen", "rep", "hon", "messrs", "vs", "v", "cf", "viz", "approx", "appx", "dept", "est", "inc", "ltd",
        "co", "corp", "llc", "plc", "no", "nos", "fig", "figs", "vol", "vols", "pp", "p", "ch", "sec", "art", "para",
        "ed", "eds", "al", "ref", "min", "max", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
        "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "tel", "ext", "attn",
    };

    /// <summary>Splits <paramref name="text"/> into trimmed, non-empty sentences in reading order.</summary>
    public static IReadOnlyList<string> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var spans = SplitSpans(text, 0, text.Length);
        var result = new string[spans.Count];
        for (int i = 0; i < spans.Count; i++) result[i] = text.Substring(spans[i].Start, spans[i].Length);
        return result;
    }

    /// <summary>Sentence spans (trimmed, non-empty) of <c>text[start..end)</c>, as offsets into <paramref name="text"/>.</summary>
    internal static List<(int Start, int Length)> SplitSpans(string text, int start, int end)
    {
        var result = new List<(int Start, int Length)>();
        if (end <= start) return result;
        var isProtected = FindProtectedQuotes(text, start, end);

        int segStart = start;
        int i = start;
        while (i < end)
        {
            char c = text[i];
            if (IsLineBreak(c))
            {
                Emit(text, segStart, i, result);
                segStart = i + 1;
                i++;
                continue;
            }
            if (isProtected is not null && isProtected[i - start])
            {
                i++;
                continue;
            }

            int splitAt = -1;
            if (IsCjkTerminator(c))
            {
                splitAt = SkipTrailers(text, i + 1, end);
            }
            else if (c is '!' or '?' or '.' or '…' or '‼' or '⁇' or '⁈' or '⁉')
            {
                int j = SkipTrailers(text, i + 1, end);
                if (ShouldSplitLatin(text, start, segStart, i, j, end)) splitAt = j;
                else i = Math.Max(i, j - 1);
            }

            if (splitAt >= 0)
            {
                Emit(text, segStart, splitAt, result);
                segStart = splitAt;
                i = splitAt;
                continue;
            }
            i++;
        }
        Emit(text, segStart, end, result);
        return result;
    }

    private static bool ShouldSplitLatin(string text, int rangeStart, int segStart, int i, int j, int end)
    {
        char c = text[i];
        bool prevCjk = i > rangeStart && CjkText.IsCjk(text[i - 1]);
        if (j >= end || IsLineBreak(text[j])) return true;

        if (!char.IsWhiteSpace(text[j]))
        {
            // Directly followed by text: split only at a Japanese/Latin seam ("です.次に", "OK!次へ"); keep "3.14",
            // "U.S", "file.txt", "a?b", "第3.5条".
            char n = text[j];
            if (c == '.')
            {
                bool prevAsciiAlnum = i > rangeStart && char.IsAsciiLetterOrDigit(text[i - 1]);
                return (prevCjk && !char.IsAsciiDigit(n)) || (CjkText.IsCjk(n) && !prevAsciiAlnum);
            }
            return prevCjk || CjkText.IsCjk(n);
        }

        int k = j;
        while (k < end && char.IsWhiteSpace(text[k]) && !IsLineBreak(text[k])) k++;
        if (k >= end || IsLineBreak(text[k])) return true;
        char next = text[k];
        if (char.IsLower(next)) return false;
        if (c != '.' || j - i > 1) return true; // ! ? and ellipses

        // A single period followed by whitespace and a non-lower-case character.
        int w = i;
        while (w > segStart && (char.IsLetterOrDigit(text[w - 1]) || text[w - 1] == '.')) w--;
        if (w == i) return true; // e.g. ") . Next"
        string word = text[w..i];
        if (word.Contains('.')) return false;                              // U.S. / e.g. / Ph.D.
        if (word.Length == 1 && char.IsUpper(word[0])) return false;       // initial: "J. Smith"
        if (Abbreviations.Contains(word.ToLowerInvariant())) return false; // Mr. / Fig. / No.
        if (word.Length <= 3 && word.All(char.IsAsciiDigit) && IsBlank(text, segStart, w)) return false; // "1. Scope"
        return true;
    }

    private static bool IsBlank(string text, int from, int to)
    {
        for (int x = from; x < to; x++)
            if (!char.IsWhiteSpace(text[x])) return false;
        return true;
    }

    /// <summary>Moves past further terminators and closing quotes/brackets that belong to the sentence just ended.</summary>
    private static int SkipTrailers(string text, int j, int end)
    {
        while (j < end && (IsCjkTerminator(text[j]) || text[j] is '!' or '?' or '.' or '…' or '‼' or '⁇' or '⁈' or '⁉' || IsCloser(text[j])))
            j++;
        return j;
    }

    private static bool IsCjkTerminator(char c) => c is '。' or '！' or '？' or '．' or '｡';

    private static bool IsCloser(char c) =>
        c is '」' or '』' or '）' or ')' or '】' or '〕' or '〉' or '》' or '］' or ']' or '｣' or '"' or '\'' or '”' or '’' or '»' or '〟';

    private static bool IsLineBreak(char c) => c is '\n' or '\r' or '\u2028' or '\u2029' or '\u0085' or '\f' or '\v';

    private static char? MatchingClose(char c) => c switch
    {
        '「' => '」',
        '『' => '』',
        '（' => '）',
        '【' => '】',
        '｢' => '｣',
        _ => null,
    };

    /// <summary>Marks positions inside short Japanese quotations/brackets, where terminators must not split.</summary>
    private static bool[]? FindProtectedQuotes(string text, int start, int end)
    {
        bool[]? marks = null;
        for (int i = start; i < end; i++)
        {
            if (MatchingClose(text[i]) is not { } close) continue;
            char open = text[i];
            int depth = 0;
            int limit = Math.Min(end, i + MaxProtectedQuoteLength + 1);
            int found = -1;
            for (int k = i; k < limit; k++)
            {
                char ch = text[k];
                if (IsLineBreak(ch)) break;
                if (ch == open) depth++;
                else if (ch == close && --depth == 0)
                {
                    found = k;
                    break;
                }
            }
            if (found < 0) continue; // unbalanced or very long: running text, splits allowed inside
            marks ??= new bool[end - start];
            for (int k = i + 1; k < found; k++) marks[k - start] = true;
            i = found;
        }
        return marks;
    }

    private static void Emit(string text, int from, int to, List<(int Start, int Length)> result)
    {
        while (from < to && char.IsWhiteSpace(text[from])) from++;
        while (to > from && char.IsWhiteSpace(text[to - 1])) to--;
        if (to > from) result.Add((from, to - from));
    }
}
