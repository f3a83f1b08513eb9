using System.Security.Cryptography;
using System.Text;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion.Chunking;
using KnowledgePortal.Core.Ingestion.Extraction;

namespace KnowledgePortal.Tests.Chunking;

public class ChunkerTests
{
    /// <summary>One token per whitespace-separated word: makes packing arithmetic obvious.</summary>
    private sealed class WordCounter : ITokenCounter
    {
        public int Count(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
    }

    private static readonly ITokenCounter Tiktoken = TiktokenCounter.Instance;

    private static ExtractedBlock Para(string text, int? page = null, string? heading = null, int? slide = null) =>
        new(text, new SourceLocator(Page: page, Slide: slide, HeadingPath: heading), heading);

    private static ExtractedBlock Row(string text, string sheet, string range) =>
        new(text, new SourceLocator(Sheet: sheet, CellRange: range), sheet);

    private static string Sentences(int count, string prefix = "S") =>
        string.Join(" ", Enumerable.Range(1, count).Select(i => $"{prefix}{i} alpha beta gamma."));

    /// <summary>Words plus 5 per line break: joining blocks costs more than the packer's estimate assumes.</summary>
    private sealed class CostlyNewlineCounter : ITokenCounter
    {
        public int Count(string text) => new WordCounter().Count(text) + 5 * text.Count(c => c == '\n');
    }

    [Fact]
    public void Chunk_CounterNotAdditive_ShrinksChunksAndLosesNothing()
    {
        var blocks = new[] { Para("a b c.", 1), Para("d e f.", 1), Para("g h i.", 1) };

        var chunks = Chunker.Chunk(blocks, new ChunkingOptions { MaxTokens = 10, OverlapTokens = 0 }, new CostlyNewlineCounter());

        Assert.Equal(["a b c.", "d e f.", "g h i."], chunks.Select(c => c.Text));
        Assert.All(chunks, c => Assert.True(c.TokenCount <= 10));
    }

    [Fact]
    public void Chunk_SmallBlocksSameSection_PackedIntoOneChunk()
    {
        var blocks = new[] { Para("First paragraph.", 1, "Intro"), Para("Second paragraph.", 1, "Intro") };

        var chunks = Chunker.Chunk(blocks, new ChunkingOptions(), Tiktoken);

        var chunk = Assert.Single(chunks);
        Assert.Equal("First paragraph.\nSecond paragraph.", chunk.Text);
        Assert.Equal("Intro", chunk.Context);
        Assert.Equal(1, chunk.Locator.Page);
        Assert.Equal(0, chunk.Ordinal);
        Assert.Equal(Tiktoken.Count(chunk.Text), chunk.TokenCount);
    }

    [Fact]
    public void Chunk_DifferentPages_NeverShareChunk()
    {
        var blocks = new[] { Para("Page one text.", 1), Para("More page one.", 1), Para("Page two text.", 2), Para("Page three.", 3) };

        var chunks = Chunker.Chunk(blocks, new ChunkingOptions(), Tiktoken);

        Assert.Equal(3, chunks.Count);
        Assert.Equal([1, 2, 3], chunks.Select(c => c.Locator.Page!.Value));
        Assert.Equal("Page one text.\nMore page one.", chunks[0].Text);
        Assert.Equal("Page two text.", chunks[1].Text);
    }

    [Fact]
    public void Chunk_DifferentSlidesAndSheets_NeverShareChunk()
    {
        var blocks = new[]
        {
            new ExtractedBlock("Title A", new SourceLocator(Slide: 1), "Title A"),
            new ExtractedBlock("Bullet", new SourceLocator(Slide: 1), "Title A"),
            new ExtractedBlock("Title B", new SourceLocator(Slide: 2), "Title B"),
            Row("x | 1", "Prices", "A2:B2"),
            Row("y | 2", "Costs", "A2:B2"),
        };

        var chunks = Chunker.Chunk(blocks, new ChunkingOptions(), Tiktoken);

        Assert.Equal(4, chunks.Count);
        Assert.Equal("Title A\nBullet", chunks[0].Text);
        Assert.Equal("Title A", chunks[0].Context);
        Assert.Equal(2, chunks[1].Locator.Slide);
        Assert.Equal("Title B", chunks[1].Context);
        Assert.Equal("Prices", chunks[2].Locator.Sheet);
        Assert.Equal("Costs", chunks[3].Locator.Sheet);
        Assert.Equal(["Title A\nBullet", "Title B", "x | 1", "y | 2"], chunks.Select(c => c.Text));
    }

    [Fact]
    public void Chunk_HeadingPathChanges_StartsNewChunkWithItsContext()
    {
        var blocks = new[]
        {
            Para("Leave policy overview.", 1, "Leave"),
            Para("Annual leave is 20 days.", 1, "Leave > Annual leave"),
            Para("Carry over up to 5 days.", 1, "Leave > Annual leave"),
            Para("Sick leave needs a note.", 1, "Leave > Sick leave"),
        };

        var chunks = Chunker.Chunk(blocks, new ChunkingOptions(), Tiktoken);

        Assert.Equal(3, chunks.Count);
        Assert.Equal(["Leave", "Leave > Annual leave", "Leave > Sick leave"], chunks.Select(c => c.Context));
        Assert.Equal(["Leave", "Leave > Annual leave", "Leave > Sick leave"], chunks.Select(c => c.Locator.HeadingPath));
        Assert.Equal("Annual leave is 20 days.\nCarry over up to 5 days.", chunks[1].Text);
    }

    [Fact]
    public void Chunk_ContextMissing_FallsBackToHeadingThenSheet()
    {
        var blocks = new[]
        {
            new ExtractedBlock("a", new SourceLocator(Page: 1, HeadingPath: "H1")),
            new ExtractedBlock("b", new SourceLocator(Sheet: "Data", CellRange: "A1:B1")),
            new ExtractedBlock("c", new SourceLocator(Page: 2)),
        };

        var chunks = Chunker.Chunk(blocks, new ChunkingOptions(), Tiktoken);

        Assert.Equal(["H1", "Data", null], chunks.Select(c => c.Context));
    }

    [Fact]
    public void Chunk_LargeEnglishBlock_SplitOnSentenceBoundariesWithinLimit()
    {
        var text = Sentences(60);
        var options = new ChunkingOptions { MaxTokens = 50, OverlapTokens = 0 };

        var chunks = Chunker.Chunk([Para(text, 1)], options, Tiktoken);

        Assert.True(chunks.Count > 3);
        Assert.All(chunks, c =>
        {
            Assert.True(c.TokenCount <= 50, $"{c.TokenCount} tokens");
            Assert.Equal(Tiktoken.Count(c.Text), c.TokenCount);
            Assert.EndsWith(".", c.Text);
            Assert.StartsWith("S", c.Text);
        });
        Assert.Equal(text, string.Join(" ", chunks.Select(c => c.Text)));
    }

    [Fact]
    public void Chunk_LargeJapaneseBlock_SplitOnSentenceBoundariesWithinLimit()
    {
        var text = string.Concat(Enumerable.Range(1, 40).Select(i => $"第{i}条では有給休暇の申請方法を定める。"));
        var options = new ChunkingOptions { MaxTokens = 60, OverlapTokens = 0 };

        var chunks = Chunker.Chunk([Para(text, 1, "規程")], options, Tiktoken);

        Assert.True(chunks.Count > 3);
        Assert.All(chunks, c =>
        {
            Assert.True(c.TokenCount <= 60, $"{c.TokenCount} tokens");
            Assert.EndsWith("。", c.Text);
            Assert.StartsWith("第", c.Text);
            Assert.Equal("規程", c.Context);
        });
        Assert.Equal(text, string.Concat(chunks.Select(c => c.Text)));
    }

    [Fact]
    public void Chunk_OverLongSentence_CutByTokensWithinLimit()
    {
        var words = Enumerable.Range(0, 1500).Select(i => $"word{i}").ToArray();
        var text = string.Join(" ", words); // one "sentence" without terminators
        var options = new ChunkingOptions { MaxTokens = 100, OverlapTokens = 20 };

        var chunks = Chunker.Chunk([Para(text, 1)], options, Tiktoken);

        Assert.True(chunks.Count > 10);
        Assert.All(chunks, c => Assert.True(c.TokenCount <= 100, $"{c.TokenCount} tokens"));
        // Cuts prefer whitespace, so every word survives whole and in order.
        Assert.Equal(words, chunks.SelectMany(c => c.Text.Split(' ')).ToArray());
    }

    [Fact]
    public void Chunk_OverLongCjkRunWithoutTerminators_CutWithinLimit()
    {
        var text = string.Concat(Enumerable.Repeat("有給休暇申請承認手続🙂", 300));
        var options = new ChunkingOptions { MaxTokens = 64, OverlapTokens = 0 };

        var chunks = Chunker.Chunk([Para(text, 1)], options, Tiktoken);

        Assert.All(chunks, c => Assert.True(c.TokenCount <= 64, $"{c.TokenCount} tokens"));
        Assert.Equal(text, string.Concat(chunks.Select(c => c.Text)));
        Assert.All(chunks, c => Assert.False(char.IsLowSurrogate(c.Text[0]) || char.IsHighSurrogate(c.Text[^1])));
    }

    [Fact]
    public void Chunk_Overlap_NextChunkStartsWithTrailingSentences()
    {
        var options = new ChunkingOptions { MaxTokens = 20, OverlapTokens = 8 };

        var chunks = Chunker.Chunk([Para(Sentences(10), 1)], options, new WordCounter());

        Assert.Equal(3, chunks.Count);
        Assert.Equal(Sentences(5), chunks[0].Text);
        Assert.Equal("S4 alpha beta gamma. S5 alpha beta gamma. S6 alpha beta gamma. S7 alpha beta gamma. S8 alpha beta gamma.", chunks[1].Text);
        Assert.Equal("S7 alpha beta gamma. S8 alpha beta gamma. S9 alpha beta gamma. S10 alpha beta gamma.", chunks[2].Text);
        Assert.All(chunks, c => Assert.True(c.TokenCount <= 20));
    }

    [Fact]
    public void Chunk_OverlapAcrossBlocks_RepeatsTrailingSentencesOfPreviousBlock()
    {
        var blocks = new[] { Para("A1 x y. A2 x y.", 1, "H"), Para("B1 x y z w v u t s r.", 1, "H") };
        var options = new ChunkingOptions { MaxTokens = 14, OverlapTokens = 3 };

        var chunks = Chunker.Chunk(blocks, options, new WordCounter());

        Assert.Equal(2, chunks.Count);
        Assert.Equal("A1 x y. A2 x y.", chunks[0].Text);
        Assert.Equal("A2 x y.\nB1 x y z w v u t s r.", chunks[1].Text);
    }

    [Fact]
    public void Chunk_OverlapDoesNotFit_IsDropped()
    {
        var blocks = new[] { Para("A1 x y. A2 x y.", 1), Para("B1 x y z w v u t s r q p.", 1) };
        var options = new ChunkingOptions { MaxTokens = 12, OverlapTokens = 6 };

        var chunks = Chunker.Chunk(blocks, options, new WordCounter());

        Assert.Equal(["A1 x y. A2 x y.", "B1 x y z w v u t s r q p."], chunks.Select(c => c.Text));
    }

    [Fact]
    public void Chunk_Overlap_NeverCrossesPageOrHeading()
    {
        var blocks = new[]
        {
            Para(Sentences(6, "P"), 1, "H"),
            Para(Sentences(6, "Q"), 2, "H"),
            Para(Sentences(6, "R"), 2, "Other"),
        };
        var options = new ChunkingOptions { MaxTokens = 16, OverlapTokens = 8 };

        var chunks = Chunker.Chunk(blocks, options, new WordCounter());

        Assert.All(chunks.Where(c => c.Locator.Page == 1), c => Assert.DoesNotContain("Q1", c.Text));
        var firstOfPage2 = chunks.First(c => c.Locator.Page == 2);
        Assert.StartsWith("Q1 ", firstOfPage2.Text);
        var firstOfOther = chunks.First(c => c.Context == "Other");
        Assert.StartsWith("R1 ", firstOfOther.Text);
        Assert.All(chunks.Where(c => c.Context == "Other"), c => Assert.DoesNotContain("Q", c.Text));
    }

    [Fact]
    public void Chunk_OverlapZero_NoRepeatedText()
    {
        var text = Sentences(30);
        var chunks = Chunker.Chunk([Para(text, 1)], new ChunkingOptions { MaxTokens = 20, OverlapTokens = 0 }, new WordCounter());

        Assert.Equal(text, string.Join(" ", chunks.Select(c => c.Text)));
    }

    [Fact]
    public void Chunk_SheetRows_CellRangesMerged()
    {
        var blocks = Enumerable.Range(2, 9).Select(r => Row($"item{r} | {r * 10} | yen", "Prices", $"A{r}:C{r}")).ToArray();

        var chunk = Assert.Single(Chunker.Chunk(blocks, new ChunkingOptions(), Tiktoken));

        Assert.Equal("A2:C10", chunk.Locator.CellRange);
        Assert.Equal("Prices", chunk.Locator.Sheet);
        Assert.Equal("Prices", chunk.Context);
        Assert.Equal("Prices!A2:C10", chunk.Locator.ToDisplay());
    }

    [Fact]
    public void Chunk_ManySheetRows_ConsecutiveRangesWithoutOverlap()
    {
        var blocks = Enumerable.Range(1, 50).Select(r => Row($"r{r} a b c.", "S", $"A{r}:D{r}")).ToArray();
        var options = new ChunkingOptions { MaxTokens = 20, OverlapTokens = 8 };

        var chunks = Chunker.Chunk(blocks, options, new WordCounter());

        Assert.Equal(13, chunks.Count); // 4 rows (16 words + separators) per chunk
        Assert.Equal("A1:D4", chunks[0].Locator.CellRange);
        Assert.Equal("A5:D8", chunks[1].Locator.CellRange);
        Assert.Equal("A49:D50", chunks[^1].Locator.CellRange);
        Assert.Equal(50, chunks.Sum(c => c.Text.Split('\n').Length)); // no row repeated
    }

    [Fact]
    public void Chunk_Ordinals_AreSequentialAcrossSections()
    {
        var blocks = new[] { Para(Sentences(20), 1), Para(Sentences(20), 2), Row("a | b", "S", "A1:B1") };

        var chunks = Chunker.Chunk(blocks, new ChunkingOptions { MaxTokens = 30, OverlapTokens = 5 }, Tiktoken);

        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(c => c.Ordinal));
    }

    [Fact]
    public void Chunk_ContentHash_IsLowerHexSha256OfContextAndText()
    {
        var chunk = Assert.Single(Chunker.Chunk([Para("本文です。", 1, "見出し")], new ChunkingOptions(), Tiktoken));

        var expected = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes("見出し\n本文です。"))).ToLowerInvariant();
        Assert.Equal(expected, chunk.ContentHash);
        Assert.Equal(Chunker.ComputeContentHash(null, "x"), Convert.ToHexStringLower(SHA256.HashData("\nx"u8)));
    }

    [Fact]
    public void Chunk_BlankBlocks_Skipped()
    {
        var blocks = new[] { Para("  ", 1), Para("", 1), Para("\n", 2), Para("Real text.", 2) };

        var chunk = Assert.Single(Chunker.Chunk(blocks, new ChunkingOptions(), Tiktoken));

        Assert.Equal("Real text.", chunk.Text);
        Assert.Empty(Chunker.Chunk([], new ChunkingOptions(), Tiktoken));
    }

    [Theory]
    [InlineData(7, 0)]
    [InlineData(100, -1)]
    public void Chunk_InvalidOptions_Throws(int max, int overlap)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            Chunker.Chunk([Para("x", 1)], new ChunkingOptions { MaxTokens = max, OverlapTokens = overlap }, Tiktoken));
    }

    [Theory]
    [InlineData(1, 32, 8)]
    [InlineData(2, 64, 16)]
    [InlineData(3, 128, 60)]
    [InlineData(4, 400, 60)]
    [InlineData(5, 16, 16)]
    public void Chunk_RandomDocuments_InvariantsHold(int seed, int maxTokens, int overlap)
    {
        var random = new Random(seed);
        string[] english = ["The request is approved.", "Submit the form by Friday!", "Is the U.S. office open?", "Pi is 3.14 exactly.",
            "Contact Mr. Tanaka e.g. by mail.", "A very long clause with many words that goes on and on without stopping for a while"];
        string[] japanese = ["有給休暇を申請する。", "承認者は部長です！", "「はい。」と答えた。", "サーバーの再起動手順を確認してください？", "詳細は別紙を参照。"];
        var blocks = new List<ExtractedBlock>();
        for (int i = 0; i < 60; i++)
        {
            int sentences = random.Next(1, 40);
            var sb = new StringBuilder();
            for (int s = 0; s < sentences; s++)
            {
                sb.Append(random.Next(2) == 0 ? english[random.Next(english.Length)] + " " : japanese[random.Next(japanese.Length)]);
                if (random.Next(15) == 0) sb.Append('\n');
            }
            int page = 1 + i / 7;
            blocks.Add(random.Next(6) == 0
                ? Row(sb.ToString(), "Sheet" + page, $"A{i + 1}:F{i + 1}")
                : Para(sb.ToString(), page, "H" + (i / 3)));
        }

        var chunks = Chunker.Chunk(blocks, new ChunkingOptions { MaxTokens = maxTokens, OverlapTokens = overlap }, Tiktoken);

        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(c => c.Ordinal));
        Assert.All(chunks, c =>
        {
            Assert.InRange(c.TokenCount, 1, maxTokens);
            Assert.Equal(Tiktoken.Count(c.Text), c.TokenCount);
            Assert.Equal(Chunker.ComputeContentHash(c.Context, c.Text), c.ContentHash);
            // Every line of a chunk comes from a block of the chunk's own boundary and heading.
            foreach (var line in c.Text.Split('\n'))
                Assert.Contains(blocks, b => b.Locator.BoundaryKey == c.Locator.BoundaryKey
                    && b.Locator.HeadingPath == c.Locator.HeadingPath && b.Text.Contains(line.Trim()));
        });
        // Nothing is lost: every sentence of every block appears in some chunk of its section.
        foreach (var block in blocks)
        {
            foreach (var sentence in SentenceSplitter.Split(block.Text))
            {
                var own = chunks.Where(c => c.Locator.BoundaryKey == block.Locator.BoundaryKey && c.Locator.HeadingPath == block.Locator.HeadingPath);
                var joined = string.Concat(own.Select(c => c.Text.Replace("\n", "")));
                var compact = sentence.Replace(" ", "");
                Assert.Contains(compact, joined.Replace(" ", ""));
            }
        }
    }

    [Fact]
    public void TiktokenCounter_Count_MatchesCl100k()
    {
        Assert.Equal(2, TiktokenCounter.Instance.Count("hello world"));
        Assert.Equal(0, TiktokenCounter.Instance.Count(""));
        Assert.True(TiktokenCounter.Instance.Count("有給休暇の申請方法") > 0);
    }

    [Fact]
    public void TiktokenCounter_ConcurrentUse_SameResults()
    {
        var text = Sentences(50) + string.Concat(Enumerable.Repeat("日本語の文章です。", 50));
        int expected = TiktokenCounter.Instance.Count(text);
        var results = new int[64];
        Parallel.For(0, results.Length, i => results[i] = new TiktokenCounter().Count(text));
        Assert.All(results, r => Assert.Equal(expected, r));
    }
}
