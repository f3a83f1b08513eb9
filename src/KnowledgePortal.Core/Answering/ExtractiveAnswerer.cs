using System.Text;
using System.Text.RegularExpressions;

namespace KnowledgePortal.Core.Answering;

/// <summary>
/// Offline answer used when no language model is configured: quotes the sentences of the top sources that best
/// overlap the question, each cited as [n].
/// </summary>
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

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"^(?:#{1,6}\s+|>\s*|[-*+•・]\s+|\d{1,3}[.)]\s+)+")]
    private static partial Regex LeadingMarkup();

    /// <summary>
    /// Builds the extractive answer. <paramref name="sources"/> must be in citation order (the first is [1]) and
    /// best first. Returns the label followed by up to <paramref name="maxSentences"/> bullet points, or a plain
    /// "nothing found" sentence when there are no sources.
    /// </summary>
    public static string Answer(string question, IReadOnlyList<RetrievedPassage> sources, string language, int maxSentences = 3)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSentences, 1);

        var japanese = PromptText.IsJapanese(language);
        if (sources.Count == 0)
            return japanese ? JapaneseNoSources : EnglishNoSources;

        var questionTokens = AnswerTokenizer.Tokens(question).ToHashSet(StringComparer.Ordinal);
        var candidates = new List<Candidate>();
        for (var s = 0; s < Math.Min(sources.Count, MaxSourcesConsidered); s++)
        {
            var sentences = SplitSentences(sources[s].Text);
            for (var i = 0; i < sentences.Count; i++)
            {
                var tokens = AnswerTokenizer.Tokens(sentences[i]);
                if (tokens.Count == 0)
                    continue;
                var overlap = tokens.Distinct(StringComparer.Ordinal).Count(questionTokens.Contains);
                candidates.Add(new Candidate(s + 1, i, sentences[i], overlap));
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var picked = candidates
            .Where(c => c.Overlap > 0)
            .OrderByDescending(c => c.Overlap)
            .ThenBy(c => c.Number)
            .ThenBy(c => c.Position)
            .Where(c => seen.Add(c.Sentence))
            .Take(maxSentences)
            .ToList();

        if (picked.Count == 0)
        {
            // Nothing overlaps word for word (e.g. the passages were found by meaning): lead with the top sources.
            picked = candidates
                .GroupBy(c => c.Number)
                .Select(g => g.First())
                .Take(maxSentences)
                .ToList();
        }

        var sb = new StringBuilder(japanese ? JapaneseLabel : EnglishLabel).Append("\n\n");
        foreach (var c in picked)
            sb.Append("- ").Append(c.Sentence).Append(" [").Append(c.Number).Append("]\n");
        return sb.ToString().TrimEnd();
    }

    /// <summary>
    /// Splits on 。！？．!? and on "." followed by white space, and on line breaks. Sentences are cleaned:
    /// white space collapsed, leading list/heading markers and bracketed citation-like numbers removed, long ones cut.
    /// </summary>
    internal static List<string> SplitSentences(string text)
    {
        var sentences = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            var end = ch is '。' or '！' or '？' or '．' or '!' or '?' or '\n'
                      || (ch == '.' && (i + 1 == text.Length || char.IsWhiteSpace(text[i + 1])));
            if (!end)
                continue;
            Add(text[start..(ch == '\n' ? i : i + 1)]);
            start = i + 1;
        }
        if (start < text.Length)
            Add(text[start..]);
        return sentences;

        void Add(string raw)
        {
            var sentence = Whitespace().Replace(raw, " ").Trim();
            sentence = LeadingMarkup().Replace(sentence, string.Empty);
            sentence = CitationMapper.StripUnknown(sentence, 0).Trim();
            if (sentence.Length > MaxSentenceLength)
                sentence = sentence[..MaxSentenceLength].TrimEnd() + "…";
            if (sentence.Length > 0)
                sentences.Add(sentence);
        }
    }

    private sealed record Candidate(int Number, int Position, string Sentence, int Overlap);
}
