using System.Security.Cryptography;
using System.Text;
using KnowledgePortal.Core.Ingestion.Extraction;

namespace KnowledgePortal.Core.Ingestion.Chunking;

/// <summary>
/// Turns extracted blocks into embedding-sized chunks. Pure: the output depends only on the arguments.
/// </summary>
/// <remarks>
/// <para><b>Sections.</b> Consecutive blocks that share the same <see cref="SourceLocator.BoundaryKey"/> (page, slide,
/// sheet), the same <see cref="SourceLocator.HeadingPath"/> and the same context form a section. A chunk never spans two
/// sections, so a chunk never crosses a page, slide or sheet boundary and a new chunk starts whenever the heading path
/// changes. Blocks whose text is blank are skipped.</para>
/// <para><b>Packing.</b> Within a section whole blocks are packed greedily, in order, while the chunk stays within
/// <see cref="ChunkingOptions.MaxTokens"/>; blocks of one chunk are joined with a line break. A block larger than
/// <c>MaxTokens</c> is split on sentence boundaries (<see cref="SentenceSplitter"/>) and its sentences are packed the
/// same way (they may share a chunk with neighbouring blocks); a single sentence larger than <c>MaxTokens</c> is cut
/// by token count as a last resort, preferring a whitespace position near the cut. Every chunk's
/// <see cref="ChunkDraft.TokenCount"/> (the exact count of its text) is ≤ <c>MaxTokens</c>.</para>
/// <para><b>Overlap.</b> When a section continues into another chunk, that chunk starts with the trailing sentences of
/// the previous chunk whose token total is ≤ <see cref="ChunkingOptions.OverlapTokens"/> (capped at half of
/// <c>MaxTokens</c>); overlap sentences are dropped (oldest first) when they would push the chunk over the limit.
/// There is no overlap across sections, and none in sections made of spreadsheet rows (blocks with a
/// <see cref="SourceLocator.CellRange"/>): rows are self-contained records and repeating them would blur the cited
/// cell range.</para>
/// <para><b>Locator and context.</b> A chunk takes the locator of its first block; when its blocks carry cell ranges
/// the chunk's <see cref="SourceLocator.CellRange"/> is their merge (<see cref="CellRange.Merge(string?, string?)"/>),
/// e.g. rows "A5:D5" and "A6:D9" give "A5:D9". <see cref="ChunkDraft.Context"/> is the section's
/// <see cref="ExtractedBlock.Context"/>, falling back to the heading path, then the sheet name.</para>
/// <para>Ordinals run 0..n-1 over the whole document.</para>
/// </remarks>
public static class Chunker
{
    /// <summary>Smallest accepted <see cref="ChunkingOptions.MaxTokens"/> (one character always fits).</summary>
    public const int MinMaxTokens = 8;

    /// <summary>A trimmed span of one block's text with its token count.</summary>
    private readonly record struct Piece(int Block, int Start, int End, int Tokens);

    /// <summary>Chunks <paramref name="blocks"/> (in reading order). See the type remarks for the rules.</summary>
    public static IReadOnlyList<ChunkDraft> Chunk(IReadOnlyList<ExtractedBlock> blocks, ChunkingOptions options, ITokenCounter counter)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(counter);
        if (options.MaxTokens < MinMaxTokens)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxTokens, $"MaxTokens must be at least {MinMaxTokens}.");
        if (options.OverlapTokens < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.OverlapTokens, "OverlapTokens must not be negative.");

        var drafts = new List<ChunkDraft>();
        int i = 0;
        while (i < blocks.Count)
        {
            var key = SectionKey(blocks[i]);
            int j = i + 1;
            while (j < blocks.Count && SectionKey(blocks[j]) == key) j++;
            // A section holding only its own heading (a chapter title directly followed by a sub-heading) adds no
            // passage of its own: the heading lives on in the sub-sections' context.
            if (!(j - i == 1 && IsOwnHeading(blocks[i]) && j < blocks.Count && blocks[j].Locator.BoundaryKey == blocks[i].Locator.BoundaryKey))
                new SectionChunker(blocks, i, j, options, counter, drafts).Run();
            i = j;
        }
        return drafts.Select((d, n) => d with { Ordinal = n }).ToList();
    }

    private static bool IsOwnHeading(ExtractedBlock b) =>
        b.Locator.HeadingPath is { Length: > 0 } path
        && string.Equals(path.Split(" > ")[^1].Trim(), b.Text.Trim(), StringComparison.Ordinal);

    private static (string Boundary, string Heading, string Context) SectionKey(ExtractedBlock b) =>
        (b.Locator.BoundaryKey, b.Locator.HeadingPath ?? "", ContextOf(b) ?? "");

    private static string? ContextOf(ExtractedBlock b) =>
        NullIfBlank(b.Context) ?? NullIfBlank(b.Locator.HeadingPath) ?? NullIfBlank(b.Locator.Sheet);

    private static string? NullIfBlank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    /// <summary>Lower-case hex SHA-256 of UTF-8 <c>(context ?? "") + "\n" + text</c>.</summary>
    public static string ComputeContentHash(string? context, string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes((context ?? "") + "\n" + text)));

    private sealed class SectionChunker(
        IReadOnlyList<ExtractedBlock> blocks, int from, int to, ChunkingOptions options, ITokenCounter counter, List<ChunkDraft> output)
    {
        private readonly int _max = options.MaxTokens;
        private readonly List<Piece> _pieces = [];

        public void Run()
        {
            bool tabular = false;
            for (int b = from; b < to; b++)
            {
                var text = blocks[b].Text ?? "";
                var (s, e) = Trim(text, 0, text.Length);
                if (e <= s) continue;
                if (blocks[b].Locator.CellRange is not null) tabular = true;
                AddPieces(b, text, s, e);
            }
            if (_pieces.Count == 0) return;

            int overlapBudget = tabular ? 0 : Math.Min(options.OverlapTokens, _max / 2);
            var current = new List<Piece>();
            int overlapCount = 0;
            int estimate = 0;
            int p = 0;
            while (p < _pieces.Count || current.Count > overlapCount)
            {
                if (p == _pieces.Count)
                {
                    // Last chunk of the section. Emit may hand pieces back (p decreases) when the exact token count
                    // exceeds the estimate; they are then packed into a further chunk.
                    var last = Emit(current, overlapCount, ref p);
                    current = p < _pieces.Count ? BuildOverlap(last, overlapBudget) : [];
                    overlapCount = current.Count;
                    estimate = Estimate(current);
                    continue;
                }

                var piece = _pieces[p];
                int candidate = estimate + Separator(current, piece) + piece.Tokens;
                if (current.Count == 0 || candidate <= _max)
                {
                    current.Add(piece);
                    estimate = candidate;
                    p++;
                    continue;
                }
                if (current.Count == overlapCount)
                {
                    // Only carried-over sentences so far: shed them (oldest first) until the next piece fits.
                    current.RemoveAt(0);
                    overlapCount--;
                    estimate = Estimate(current);
                    continue;
                }
                var emitted = Emit(current, overlapCount, ref p);
                current = BuildOverlap(emitted, overlapBudget);
                overlapCount = current.Count;
                estimate = Estimate(current);
            }
        }

        private void AddPieces(int block, string text, int s, int e)
        {
            int tokens = counter.Count(text[s..e]);
            if (tokens <= _max)
            {
                _pieces.Add(new Piece(block, s, e, tokens));
                return;
            }
            foreach (var (start, length) in SentenceSplitter.SplitSpans(text, s, e))
            {
                int t = counter.Count(text.Substring(start, length));
                if (t <= _max) _pieces.Add(new Piece(block, start, start + length, t));
                else HardSplit(block, text, start, start + length);
            }
        }

        /// <summary>Cuts an over-long sentence into pieces of at most MaxTokens, preferring whitespace cut points.</summary>
        private void HardSplit(int block, string text, int s, int e)
        {
            int pos = s;
            while (pos < e)
            {
                while (pos < e && char.IsWhiteSpace(text[pos])) pos++;
                if (pos >= e) break;

                int hi = AlignEnd(text, Math.Min(e, pos + _max * 16), e);
                int best;
                if (counter.Count(text[pos..hi]) <= _max)
                {
                    best = hi;
                }
                else
                {
                    best = -1;
                    int lo = pos + 1, h = hi - 1;
                    while (lo <= h)
                    {
                        int mid = lo + (h - lo) / 2;
                        int m = AlignEnd(text, mid, e);
                        if (counter.Count(text[pos..m]) <= _max)
                        {
                            best = m;
                            lo = mid + 1;
                        }
                        else
                        {
                            h = mid - 1;
                        }
                    }
                    if (best < 0) best = AlignEnd(text, pos + 1, e);
                }

                int cut = best;
                if (best < e)
                {
                    int minBreak = pos + (best - pos) * 2 / 3;
                    for (int w = best; w > minBreak; w--)
                    {
                        if (char.IsWhiteSpace(text[w - 1]))
                        {
                            cut = w;
                            break;
                        }
                    }
                }

                var (ps, pe) = Trim(text, pos, cut);
                int t = counter.Count(text[ps..pe]);
                while (t > _max && pe - ps > 1)
                {
                    pe -= char.IsLowSurrogate(text[pe - 1]) && pe - 2 > ps ? 2 : 1;
                    cut = pe;
                    t = counter.Count(text[ps..pe]);
                }
                if (pe > ps) _pieces.Add(new Piece(block, ps, pe, t));
                pos = Math.Max(cut, pos + 1);
            }
        }

        /// <summary>Moves an exclusive end index past a low surrogate so a surrogate pair is never cut.</summary>
        private static int AlignEnd(string text, int m, int e) =>
            m < e && m > 0 && char.IsLowSurrogate(text[m]) && char.IsHighSurrogate(text[m - 1]) ? m + 1 : m;

        /// <summary>Emits the chunk, first shrinking it if the exact token count exceeds the estimate's promise.</summary>
        private List<Piece> Emit(List<Piece> current, int overlapCount, ref int p)
        {
            string text = Render(current);
            int tokens = counter.Count(text);
            while (tokens > _max && current.Count > 1)
            {
                if (current.Count - overlapCount > 1)
                {
                    current.RemoveAt(current.Count - 1);
                    p--; // the removed piece goes back to the queue
                }
                else
                {
                    current.RemoveAt(0);
                    overlapCount--;
                }
                text = Render(current);
                tokens = counter.Count(text);
            }

            var first = blocks[current[0].Block];
            string? context = ContextOf(first);
            var locator = first.Locator;
            string? merged = null;
            double? ocrConfidence = null;
            int lastBlock = -1;
            foreach (var piece in current)
            {
                if (piece.Block == lastBlock) continue;
                lastBlock = piece.Block;
                merged = CellRange.Merge(merged, blocks[piece.Block].Locator.CellRange);
                if (blocks[piece.Block].OcrConfidence is { } c) ocrConfidence = Math.Min(c, ocrConfidence ?? c);
            }
            if (merged is not null && merged != locator.CellRange) locator = locator with { CellRange = merged };

            output.Add(new ChunkDraft(output.Count, text, context, locator, tokens, ComputeContentHash(context, text), ocrConfidence));
            return [.. current];
        }

        /// <summary>Trailing sentences of the emitted chunk totalling ≤ <paramref name="budget"/> tokens.</summary>
        private List<Piece> BuildOverlap(List<Piece> emitted, int budget)
        {
            var result = new List<Piece>();
            if (budget <= 0) return result;
            int total = 0;
            for (int k = emitted.Count - 1; k >= 0; k--)
            {
                var pc = emitted[k];
                var text = blocks[pc.Block].Text;
                var sentences = SentenceSplitter.SplitSpans(text, pc.Start, pc.End);
                for (int si = sentences.Count - 1; si >= 0; si--)
                {
                    var (start, length) = sentences[si];
                    int t = counter.Count(text.Substring(start, length));
                    int add = t + (result.Count == 0 || result[0].Block == pc.Block ? 0 : 1);
                    if (total + add > budget) return result;
                    result.Insert(0, new Piece(pc.Block, start, start + length, t));
                    total += add;
                }
            }
            return result;
        }

        private static int Separator(List<Piece> current, Piece next) =>
            current.Count == 0 ? 0 : current[^1].Block == next.Block ? 0 : 1;

        private static int Estimate(List<Piece> pieces)
        {
            int total = 0;
            for (int k = 0; k < pieces.Count; k++)
                total += pieces[k].Tokens + (k > 0 && pieces[k - 1].Block != pieces[k].Block ? 1 : 0);
            return total;
        }

        /// <summary>Original text of each block's run of pieces; runs joined by a line break.</summary>
        private string Render(List<Piece> pieces)
        {
            var sb = new StringBuilder();
            int k = 0;
            while (k < pieces.Count)
            {
                var first = pieces[k];
                int last = k;
                while (last + 1 < pieces.Count && pieces[last + 1].Block == first.Block && pieces[last + 1].Start >= pieces[last].End)
                    last++;
                if (sb.Length > 0) sb.Append('\n');
                sb.Append(blocks[first.Block].Text, first.Start, pieces[last].End - first.Start);
                k = last + 1;
            }
            return sb.ToString();
        }

        private static (int Start, int End) Trim(string text, int s, int e)
        {
            while (s < e && char.IsWhiteSpace(text[s])) s++;
            while (e > s && char.IsWhiteSpace(text[e - 1])) e--;
            return (s, e);
        }
    }
}
