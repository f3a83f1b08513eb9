using System.Text;
using System.Text.RegularExpressions;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion.Chunking;

namespace KnowledgePortal.Core.Answering;

/// <summary>
/// Offline answer used when no language model is configured (and when one fails): quotes the sentences or table rows
/// of the top sources that best answer the question, best first, each cited as [n].
/// </summary>
/// <remarks>
/// Every sentence (split by <see cref="SentenceSplitter"/>, so "e.g." or "K.K." never cut one) and every table row
/// ("header: value; …") of the top sources is scored against the question:
/// <list type="bullet">
/// <item>the share of the question's idf mass it contains, idf taken over all candidate units (rare words weigh most);</item>
/// <item>a bonus when it holds what the question asks for: a time for "what time" / 何時, a number for "how many" /
/// 何日, a date for "when" / いつ (<see cref="AnswerType"/>);</item>
/// <item>a small prior for the retrieval score of its passage.</item>
/// </list>
/// Headings (the passage's heading path, a slide title, a short label line) are never quoted on their own.
/// </remarks>
public static partial class ExtractiveAnswerer
{
    public const string EnglishLabel = "Extractive answer (no language model configured) — the most relevant passages:";
    public const string JapaneseLabel = "抽出回答（言語モデル未設定）— 関連する箇所:";
    public const string EnglishNoSources = "No passages in the documents available to you match this question.";
    public const string JapaneseNoSources = "閲覧可能な資料に、この質問に該当する箇所は見つかりませんでした。";

    /// <summary>Only the best-ranked sources are searched for sentences.</summary>
    public const int MaxSourcesConsidered = 8;

    /// <summary>Longer sentences are cut (with "…").</summary>
    public const int MaxSentenceLength = 300;

    /// <summary>Added to a unit's score when it holds the kind of value the question asks for.</summary>
    public const double AnswerTypeBonus = 0.25;

    /// <summary>Weight of the passage's retrieval score (relative to the best passage's) in a unit's score.</summary>
    public const double RetrievalPrior = 0.15;

    /// <summary>Further units are quoted only when they score at least this share of the best one.</summary>
    public const double RelativeFloor = 0.6;

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"^(?:#{1,6}\s+|>\s*|[-*+•・]\s+|\d{1,3}[.)]\s+)+")]
    private static partial Regex LeadingMarkup();

    // "Header: value; Header: value" as TableText writes rows (also a single "Label: value" line).
    [GeneratedRegex(@"^[^:;：\n]{1,60}[:：]\s*\S.*$")]
    private static partial Regex TableRow();

    /// <summary>
    /// Builds the extractive answer. <paramref name="sources"/> must be in citation order (the first is [1]) and
    /// best first. Returns the label followed by up to <paramref name="maxSentences"/> bullet points, best first, or a
    /// plain "nothing found" sentence when there are no sources.
    /// </summary>
    public static string Answer(string question, IReadOnlyList<RetrievedPassage> sources, string language, int maxSentences = 3)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSentences, 1);

        var japanese = PromptText.IsJapanese(language);
        if (sources.Count == 0)
            return japanese ? JapaneseNoSources : EnglishNoSources;

        var picked = Pick(question, sources, maxSentences);
        var sb = new StringBuilder(japanese ? JapaneseLabel : EnglishLabel).Append("\n\n");
        foreach (var c in picked)
            sb.Append("- ").Append(c.Text).Append(" [").Append(c.Number).Append("]\n");
        return sb.ToString().TrimEnd();
    }

    /// <summary>The quoted units, best first: (source number, text, score).</summary>
    internal static IReadOnlyList<(int Number, string Text, double Score)> Pick(string question, IReadOnlyList<RetrievedPassage> sources, int maxSentences)
    {
        var units = new List<Unit>();
        var considered = Math.Min(sources.Count, MaxSourcesConsidered);
        for (var s = 0; s < considered; s++)
            foreach (var text in Units(sources[s]))
                units.Add(new Unit(s + 1, units.Count, text, AnswerTokenizer.Tokens(text).ToHashSet(StringComparer.Ordinal)));
        if (units.Count == 0)
            return [];

        // Each question word (a CJK compound as one) weighs its idf over the candidate units: rare words weigh most.
        var questionTerms = AnswerTokenizer.Terms(question, dropInterrogatives: true)
            .DistinctBy(t => string.Join('|', t), StringComparer.Ordinal)
            .Select(t => (Tokens: t, Weight: t.Average(token => Idf(units, token))))
            .ToList();
        var mass = questionTerms.Sum(t => t.Weight);
        var expected = AnswerType.Of(question);
        var topScore = sources.Take(considered).Max(p => p.Score);

        var scored = units
            .Select(u =>
            {
                var matched = questionTerms.Sum(t => t.Weight * t.Tokens.Count(u.Tokens.Contains) / t.Tokens.Length);
                if (matched <= 0 || mass <= 0) return (Unit: u, Score: 0.0);
                var score = matched / mass
                            + (expected.Holds(u.Text) ? AnswerTypeBonus : 0)
                            + (topScore > 0 ? RetrievalPrior * Math.Max(0, sources[u.Number - 1].Score) / topScore : 0);
                return (Unit: u, Score: score);
            })
            .Where(x => x.Score > 0)
            .OrderByDescending(x => x.Score)
            .ThenBy(x => x.Unit.Number)
            .ThenBy(x => x.Unit.Position)
            .ToList();

        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (scored.Count == 0)
        {
            // Nothing overlaps word for word (the passages were found by meaning): lead with each top source's first unit.
            return units.GroupBy(u => u.Number).Select(g => g.First()).Where(u => seen.Add(u.Text)).Take(maxSentences)
                .Select(u => (u.Number, u.Text, 0.0)).ToList();
        }

        var best = scored[0].Score;
        return scored
            .Where(x => x.Score >= best * RelativeFloor)
            .Where(x => seen.Add(x.Unit.Text))
            .Take(maxSentences)
            .Select(x => (x.Unit.Number, x.Unit.Text, x.Score))
            .ToList();
    }

    private static double Idf(List<Unit> units, string token)
    {
        var df = units.Count(u => u.Tokens.Contains(token));
        return Math.Log(1 + (units.Count - df + 0.5) / (df + 0.5));
    }

    /// <summary>
    /// The quotable units of a passage in reading order: table rows whole, other lines split into sentences; headings,
    /// the slide or section title and short label lines left out (unless nothing else remains).
    /// </summary>
    internal static IReadOnlyList<string> Units(RetrievedPassage passage)
    {
        var headings = (passage.Locator.HeadingPath ?? string.Empty)
            .Split('>', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Append(passage.DocumentTitle)
            .Select(Key)
            .ToHashSet(StringComparer.Ordinal);

        var lines = passage.Text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        var units = new List<string>();
        var labels = new List<string>();
        for (var i = 0; i < lines.Count; i++)
        {
            var raw = lines[i];
            var line = Clean(raw);
            if (line.Length == 0) continue;
            var heading = raw.StartsWith('#') || headings.Contains(Key(line))
                          || (i == 0 && lines.Count > 1 && IsTitleLike(line))
                          || IsLabel(line);
            if (heading)
            {
                labels.Add(Cut(line));
                continue;
            }
            if (TableRow().IsMatch(line) && !line.Contains(". ", StringComparison.Ordinal))
            {
                units.Add(Cut(line)); // a table row, whole
                continue;
            }
            foreach (var sentence in SentenceSplitter.Split(line))
            {
                var clean = Clean(sentence);
                if (clean.Length > 0 && !IsLabel(clean)) units.Add(Cut(clean));
            }
        }
        return units.Count > 0 ? units : labels;
    }

    /// <summary>Sentences of a text (white space collapsed, list and heading markers removed), for tests and callers that need no scoring.</summary>
    internal static List<string> SplitSentences(string text) =>
        text.Split('\n').SelectMany(line => SentenceSplitter.Split(Clean(line))).Select(Clean).Where(s => s.Length > 0).Select(Cut).ToList();

    private static string Clean(string raw)
    {
        var sentence = Whitespace().Replace(raw, " ").Trim();
        sentence = LeadingMarkup().Replace(sentence, string.Empty);
        return CitationMapper.StripUnknown(sentence, 0).Trim();
    }

    private static string Cut(string sentence) =>
        sentence.Length > MaxSentenceLength ? sentence[..MaxSentenceLength].TrimEnd() + "…" : sentence;

    private static string Key(string text) => AnswerTokenizer.Normalize(Whitespace().Replace(text, " ").Trim().TrimEnd(':', '：'));

    /// <summary>A title line: short, no sentence punctuation, no value after a colon.</summary>
    private static bool IsTitleLike(string line) =>
        line.Length <= 60 && !line.Contains(':') && !line.Contains('：')
        && line[^1] is not ('.' or '。' or '!' or '?' or '！' or '？' or '」' or ')' or '）');

    /// <summary>A bare label ("Annual leave", "慶弔休暇", "Notes"): a few words, no digits, no sentence punctuation.</summary>
    private static bool IsLabel(string line)
    {
        if (!IsTitleLike(line) || line.Any(char.IsDigit)) return false;
        var cjk = line.Count(AnswerTokenizer.IsCjk);
        return cjk > 0 ? cjk <= 8 && line.Length <= 10 : line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length <= 3;
    }

    private sealed record Unit(int Number, int Position, string Text, HashSet<string> Tokens);
}
