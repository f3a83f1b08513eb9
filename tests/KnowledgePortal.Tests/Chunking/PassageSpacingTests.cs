using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Ingestion.Chunking;
using KnowledgePortal.Core.Ingestion.Extraction;

namespace KnowledgePortal.Tests.Chunking;

/// <summary>
/// Stored passage text keeps the space (or line break) between sentences and between blocks, in every format, and so
/// does the search text derived from it.
/// </summary>
public class PassageSpacingTests
{
    private static readonly Lazy<Dictionary<string, IReadOnlyList<ChunkDraft>>> Chunks = new(() =>
        DemoDocuments.All().ToDictionary(f => f.FileName, f =>
            Chunker.Chunk(DocumentExtractor.Extract(f.Content, f.FileName, new ExtractionLimits()).Blocks, new ChunkingOptions(), TiktokenCounter.Instance)));

    [Theory]
    [InlineData("welcome-guide.pdf", "Welcome to Contoso Japan K.K.\nWe are glad you are joining us.")]
    [InlineData("employee-handbook.docx", "six months after joining. The entitlement grows")]
    [InlineData("employee-handbook.docx", "Contoso Japan K.K. in Tokyo, Osaka and Fukuoka. Where this handbook")]
    [InlineData("office-guide.pptx", "Office Guide 2026\nContoso Japan K.K. - Tokyo")]
    public void Chunk_DemoDocument_KeepsTheSeparatorBetweenSentencesAndBlocks(string file, string expected)
    {
        Assert.Contains(Chunks.Value[file], c => c.Text.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Chunk_AllDemoDocuments_NoSentenceGluedToTheNext()
    {
        // "K.K.We", "joining.The": a sentence end directly followed by the next sentence's capital.
        var glued = new System.Text.RegularExpressions.Regex(@"[a-z]{2}[.!?][A-Z][a-z]");
        var hits = Chunks.Value.SelectMany(kv => kv.Value.Select(c => (kv.Key, Match: glued.Match(c.Text))))
            .Where(x => x.Match.Success && !x.Match.Value.Contains("e.g", StringComparison.Ordinal))
            .Select(x => $"{x.Key}: …{x.Match.Value}…").ToList();

        Assert.Empty(hits);
    }

    [Fact]
    public void ToIndexText_SentencesAcrossBlocks_KeepSeparateWords()
    {
        var passage = Chunks.Value["welcome-guide.pdf"].First(c => c.Text.Contains("We are glad", StringComparison.Ordinal)).Text;

        var lexemes = KnowledgePortal.Core.Text.SearchText.ToIndexText(passage).Split(' ');

        Assert.Contains("we", lexemes);
        Assert.Contains("glad", lexemes);
        Assert.DoesNotContain(lexemes, l => l.Contains("k.we", StringComparison.Ordinal) || l == "kwe");
    }
}
