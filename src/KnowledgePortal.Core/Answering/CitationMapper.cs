using System.Text;
using System.Text.RegularExpressions;
using KnowledgePortal.Core.Domain;

namespace KnowledgePortal.Core.Answering;

/// <summary>One bracketed citation in an answer, e.g. "[1]", "[1, 3]", "[2-4]" or "［１］".</summary>
/// <param name="Index">Start of the group in the text.</param>
/// <param name="Length">Length of the group in the text (brackets included).</param>
/// <param name="Numbers">Cited numbers in written order, without duplicates; ranges are expanded.</param>
public sealed record CitationGroup(int Index, int Length, IReadOnlyList<int> Numbers);

/// <summary>
/// Finds the [n] citations a model wrote and maps them onto the passages that were actually sent.
/// </summary>
/// <remarks>
/// Recognised forms: [n], [n, m], [n,m;k], [n][m], [n-m] (ranges up to <see cref="MaxRangeSpan"/> wide),
/// the Japanese list comma (、) and full-width brackets and digits (［１］, ［１，２］).
/// Rewritten text always uses the canonical form: one ASCII "[n]" per number, e.g. "[1, 3]" → "[1][3]".
/// </remarks>
public static partial class CitationMapper
{
    /// <summary>Widest range that is expanded; "[1-500]" is read as the two numbers 1 and 500.</summary>
    public const int MaxRangeSpan = 20;

    // Horizontal spaces only: a citation never spans lines.
    [GeneratedRegex(@"[\[［][ \t\u3000]*[0-9０-９]{1,4}(?:[ \t\u3000]*(?:[,，、;；]|[-–—~〜～])[ \t\u3000]*[0-9０-９]{1,4})*[ \t\u3000]*[\]］]")]
    private static partial Regex GroupPattern();

    [GeneratedRegex(@"[0-9０-９]+|[-–—~〜～]")]
    private static partial Regex PartPattern();

    /// <summary>Every citation group in <paramref name="text"/>, in order.</summary>
    public static IReadOnlyList<CitationGroup> FindGroups(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var groups = new List<CitationGroup>();
        foreach (Match match in GroupPattern().Matches(text))
            groups.Add(new CitationGroup(match.Index, match.Length, ReadNumbers(match.Value)));
        return groups;
    }

    /// <summary>The cited numbers, in order of first appearance, without duplicates.</summary>
    public static IReadOnlyList<int> Parse(string answerText)
    {
        var seen = new HashSet<int>();
        var numbers = new List<int>();
        foreach (var group in FindGroups(answerText))
            foreach (var n in group.Numbers)
                if (seen.Add(n))
                    numbers.Add(n);
        return numbers;
    }

    /// <summary>
    /// Keeps only citations of passages that were sent (1..<c>sent.Count</c>), removes the others from the text,
    /// and lists the cited passages in order of first appearance, without duplicates.
    /// </summary>
    public static (string CleanText, IReadOnlyList<(int Number, RetrievedPassage Passage)> Citations) Map(
        string answerText, IReadOnlyList<RetrievedPassage> sent)
    {
        ArgumentNullException.ThrowIfNull(sent);
        var clean = StripUnknown(answerText, sent.Count);

        var citations = new List<(int Number, RetrievedPassage Passage)>();
        foreach (var n in Parse(clean))
            citations.Add((n, sent[n - 1]));
        return (clean, citations);
    }

    /// <summary>
    /// Removes citations of numbers outside 1..<paramref name="sentCount"/> and rewrites the others canonically.
    /// Safe on streamed text: apply it to the whole text received so far; an unfinished trailing "[1" is left
    /// untouched until its closing bracket arrives. Idempotent.
    /// </summary>
    public static string StripUnknown(string partialText, int sentCount)
    {
        ArgumentNullException.ThrowIfNull(partialText);
        ArgumentOutOfRangeException.ThrowIfNegative(sentCount);
        return Rewrite(partialText, n => n >= 1 && n <= sentCount ? n : null);
    }

    /// <summary>
    /// What the reader sees: citations numbered 1, 2, 3… in order of first appearance in <paramref name="text"/>, in the
    /// text and in the returned list alike, each still pointing at its passage ("[4] … [1][4]" → "[1] … [2][1]").
    /// Numbers without a citation are removed; citations the text never mentions are left out. Stored answers keep the
    /// numbers as sent (so history can re-check every passage); this runs at display, live and on reload alike.
    /// On streamed text the numbers already given never change as more text arrives (first appearance is stable).
    /// </summary>
    public static (string Text, IReadOnlyList<AnswerCitation> Citations) ForDisplay(string text, IReadOnlyList<AnswerCitation> citations)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(citations);
        var byNumber = new Dictionary<int, AnswerCitation>();
        foreach (var c in citations) byNumber.TryAdd(c.Number, c);
        var display = new Dictionary<int, int>();
        foreach (var n in Parse(text))
            if (byNumber.ContainsKey(n)) display[n] = display.Count + 1;
        var shown = display.OrderBy(d => d.Value).Select(d => byNumber[d.Key] with { Number = d.Value }).ToList();
        return (Rewrite(text, n => display.TryGetValue(n, out var d) ? d : null), shown);
    }

    /// <summary>Rewrites every group canonically through <paramref name="map"/>; a number mapped to null is dropped.</summary>
    private static string Rewrite(string partialText, Func<int, int?> map)
    {
        var groups = FindGroups(partialText);
        if (groups.Count == 0)
            return partialText;

        var sb = new StringBuilder(partialText.Length);
        var position = 0;
        foreach (var group in groups)
        {
            sb.Append(partialText, position, group.Index - position);
            position = group.Index + group.Length;

            var kept = group.Numbers.Select(map).OfType<int>().Distinct().ToList();
            if (kept.Count > 0)
            {
                foreach (var n in kept)
                    sb.Append('[').Append(n).Append(']');
                continue;
            }

            // Dropped entirely: also drop the space that separated it from the claim ("claim [9]." → "claim.").
            var next = position < partialText.Length ? partialText[position] : '\n';
            if (sb.Length == 0 || sb[^1] is '\n')
            {
                // At the start of a line: drop the following space instead.
                while (position < partialText.Length && IsHorizontalSpace(partialText[position]))
                    position++;
            }
            else if (IsHorizontalSpace(next) || IsClosingPunctuation(next) || next is '\n' or '\r')
            {
                while (sb.Length > 0 && IsHorizontalSpace(sb[^1]))
                    sb.Length--;
            }
        }
        sb.Append(partialText, position, partialText.Length - position);
        return sb.ToString();
    }

    /// <summary>
    /// The part of streamed text that may be shown now: <see cref="StripUnknown"/> without a trailing unfinished
    /// citation ("[7", "[1, ") and without trailing horizontal space (which dropping a citation that follows would
    /// remove). The result for a text is always a prefix of the result for any longer text, so what was shown never
    /// has to be taken back; the held-back tail is <see cref="StripUnknown"/> of the final text beyond it.
    /// </summary>
    public static string Settled(string partialText, int sentCount)
    {
        var text = StripUnknown(partialText, sentCount);
        var pending = PendingGroupPattern().Match(text);
        var end = pending.Success ? pending.Index : text.Length;
        while (end > 0 && IsHorizontalSpace(text[end - 1]))
            end--;
        return text[..end];
    }

    [GeneratedRegex(@"[\[［][0-9０-９ \t\u3000,，、;；\-–—~〜～]*\z")]
    private static partial Regex PendingGroupPattern();

    private static IReadOnlyList<int> ReadNumbers(string group)
    {
        var numbers = new List<int>();
        var pendingRange = false;
        foreach (Match part in PartPattern().Matches(group))
        {
            if (!char.IsAsciiDigit(part.Value[0]) && !IsFullWidthDigit(part.Value[0]))
            {
                pendingRange = numbers.Count > 0;
                continue;
            }

            var value = ParseDigits(part.Value);
            if (pendingRange && numbers[^1] < value && value - numbers[^1] <= MaxRangeSpan)
            {
                for (var n = numbers[^1] + 1; n <= value; n++)
                    numbers.Add(n);
            }
            else
            {
                numbers.Add(value);
            }
            pendingRange = false;
        }
        return numbers.Distinct().ToList();
    }

    private static int ParseDigits(string digits)
    {
        var value = 0;
        foreach (var ch in digits)
            value = value * 10 + (IsFullWidthDigit(ch) ? ch - '０' : ch - '0');
        return value;
    }

    private static bool IsFullWidthDigit(char ch) => ch is >= '０' and <= '９';

    private static bool IsHorizontalSpace(char ch) => ch is ' ' or '\t' or '\u3000';

    private static bool IsClosingPunctuation(char ch) =>
        ch is '.' or ',' or ';' or ':' or '!' or '?' or ')' or '。' or '、' or '，' or '．' or '！' or '？' or '）' or '」' or '』';
}
