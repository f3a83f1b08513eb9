using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using KnowledgePortal.Core.Answering;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion.Chunking;

namespace KnowledgePortal.Web.Components.Shared;

/// <summary>A passage as HTML with the part that answers marked, and, for a spreadsheet, the cell range of that row.</summary>
/// <param name="Html">HTML-encoded passage text; the best sentence, slide line or row is wrapped in &lt;mark&gt;.</param>
/// <param name="CellRange">The marked row's range ("A5:D5") when the passage is spreadsheet rows; else null.</param>
public sealed record PassageHighlight(string Html, string? CellRange);

/// <summary>Marks the sentence, slide line or spreadsheet row of a passage that best matches the answer, HTML-encoding everything else.</summary>
public static partial class PassageHighlighter
{
    public static string ToHtml(string passage, string reference) => Highlight(passage, reference, new SourceLocator()).Html;

    /// <summary>
    /// Picks the unit of <paramref name="passage"/> that shares the most distinctive terms with <paramref name="reference"/>
    /// (the answer sentences that cite it). Units are lines (a slide bullet, a spreadsheet row) and, outside spreadsheets,
    /// the sentences within a line, so a slide or a table never lights up whole. Terms every unit shares ("Date", "Holiday")
    /// weigh least, so the row with the matching date wins.
    /// </summary>
    public static PassageHighlight Highlight(string passage, string reference, SourceLocator locator)
    {
        ArgumentNullException.ThrowIfNull(passage);
        var spreadsheet = locator.Sheet is not null;
        var lines = Lines(passage);
        var units = spreadsheet ? lines : lines.SelectMany(l => Sentences(passage, l)).ToList();
        var refTerms = Terms(CitationMapper.StripUnknown(reference ?? "", 0));
        var unitTerms = units.Select(u => Terms(passage.Substring(u.Start, u.Length))).ToList();
        var documentFrequency = unitTerms.SelectMany(t => t).GroupBy(t => t).ToDictionary(g => g.Key, g => g.Count());
        var best = -1;
        var bestScore = 0.0;
        for (var i = 0; i < units.Count; i++)
        {
            var score = unitTerms[i].Where(refTerms.Contains).Sum(t => Math.Log(1 + units.Count / (double)documentFrequency[t]));
            if (score > bestScore + 1e-9) (best, bestScore) = (i, score);
        }

        var sb = new StringBuilder(passage.Length + 16);
        var position = 0;
        if (best >= 0)
        {
            var (start, length) = units[best];
            sb.Append(WebUtility.HtmlEncode(passage[..start]));
            sb.Append("<mark>").Append(WebUtility.HtmlEncode(passage.Substring(start, length))).Append("</mark>");
            position = start + length;
        }
        sb.Append(WebUtility.HtmlEncode(passage[position..]));
        var row = spreadsheet && best >= 0 ? RowRange(locator.CellRange, best, lines.Count) : null;
        return new PassageHighlight(sb.ToString(), row);
    }

    /// <summary>
    /// The range of the <paramref name="line"/>-th row of a chunk of <paramref name="lineCount"/> rows covering
    /// <paramref name="chunkRange"/> ("A2:D12", line 3 → "A5:D5"). Null when the rows cannot be told apart (the
    /// chunk skipped empty rows, so lines and rows no longer line up): the chunk's own range is shown instead.
    /// </summary>
    public static string? RowRange(string? chunkRange, int line, int lineCount)
    {
        if (!CellRange.TryParse(chunkRange, out var r) || r.Row2 - r.Row1 + 1 != lineCount || line < 0 || line >= lineCount) return null;
        var row = (r.Row1 + line).ToString(CultureInfo.InvariantCulture);
        var first = CellRange.ColumnName(r.Col1) + row;
        return r.Col1 == r.Col2 ? first : first + ":" + CellRange.ColumnName(r.Col2) + row;
    }

    /// <summary>
    /// The sentences of <paramref name="answer"/> that cite [<paramref name="number"/>], without their citations: what the
    /// passage should be compared with. The whole answer when no sentence cites it (e.g. a chip opened while streaming).
    /// </summary>
    public static string ReferenceFor(string answer, int number)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var citing = SentenceSplitter.Split(answer).Where(s => CitationMapper.Parse(s).Contains(number)).ToList();
        return citing.Count == 0 ? answer : string.Join("\n", citing);
    }

    /// <summary>Non-blank lines as (start, length), trimmed.</summary>
    private static List<(int Start, int Length)> Lines(string text)
    {
        var lines = new List<(int, int)>();
        var start = 0;
        while (start <= text.Length)
        {
            var end = text.IndexOf('\n', start);
            if (end < 0) end = text.Length;
            var s = start;
            var e = end;
            while (s < e && char.IsWhiteSpace(text[s])) s++;
            while (e > s && char.IsWhiteSpace(text[e - 1])) e--;
            if (e > s) lines.Add((s, e - s));
            start = end + 1;
        }
        return lines;
    }

    /// <summary>The sentences of one line, located in the passage (the splitter returns trimmed substrings in order).</summary>
    private static IEnumerable<(int Start, int Length)> Sentences(string passage, (int Start, int Length) line)
    {
        var text = passage.Substring(line.Start, line.Length);
        var position = 0;
        foreach (var sentence in SentenceSplitter.Split(text))
        {
            var at = text.IndexOf(sentence, position, StringComparison.Ordinal);
            if (at < 0) { yield return line; yield break; } // the splitter normalised something: fall back to the line
            yield return (line.Start + at, sentence.Length);
            position = at + sentence.Length;
        }
    }

    /// <summary>Latin words and numbers, and CJK bigrams, lower-cased: enough to find the overlapping sentence in either language.</summary>
    private static HashSet<string> Terms(string text)
    {
        var set = new HashSet<string>();
        foreach (Match m in Word().Matches(text.ToLowerInvariant()))
        {
            var w = m.Value;
            if (w.All(c => c > 0x2E80))
            {
                if (w.Length == 1) set.Add(w);
                for (var i = 0; i + 1 < w.Length; i++) set.Add(w.Substring(i, 2));
            }
            else if (w.Length > 2 || (w.Length == 2 && w.All(char.IsAsciiDigit))) set.Add(w);
        }
        return set;
    }

    // CJK runs and other letter/digit runs apart, so "18階" gives "18" and "階".
    [GeneratedRegex(@"[\u3040-\u30FF\u3400-\u9FFF\uF900-\uFAFF]+|[\p{L}\p{N}-[\u3040-\u30FF\u3400-\u9FFF\uF900-\uFAFF]]+")]
    private static partial Regex Word();
}
