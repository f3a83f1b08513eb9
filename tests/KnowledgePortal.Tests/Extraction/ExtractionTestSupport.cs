using KnowledgePortal.Core.Ingestion.Extraction;

namespace KnowledgePortal.Tests.Extraction;

/// <summary>Loads the copied corpus (TestFiles/corpus, see LICENSES.tsv) and wraps common assertions.</summary>
internal static class ExtractionTestSupport
{
    public static readonly ExtractionLimits DefaultLimits = new();

    public static string CorpusPath(string name) => Path.Combine(AppContext.BaseDirectory, "TestFiles", "corpus", name);

    public static byte[] Corpus(string name) => File.ReadAllBytes(CorpusPath(name));

    public static ExtractionResult Extract(string corpusFile, ExtractionLimits? limits = null) =>
        DocumentExtractor.Extract(Corpus(corpusFile), corpusFile, limits ?? DefaultLimits, CancellationToken.None);

    public static ExtractionResult Extract(byte[] content, string fileName, ExtractionLimits? limits = null) =>
        DocumentExtractor.Extract(content, fileName, limits ?? DefaultLimits, CancellationToken.None);

    public static string AllText(ExtractionResult result) => string.Join("\n", result.Blocks.Select(b => b.Text));

    /// <summary>Asserts the exact failure kind and a human message (no stack trace, no exception type names).</summary>
    public static ExtractionException AssertFails(ExtractionFailure expected, Action action)
    {
        var ex = Assert.Throws<ExtractionException>(action);
        Assert.Equal(expected, ex.Failure);
        AssertHumanMessage(ex.Message);
        return ex;
    }

    public static ExtractionException AssertFails(ExtractionFailure expected, string corpusFile, ExtractionLimits? limits = null) =>
        AssertFails(expected, () => Extract(corpusFile, limits));

    public static void AssertHumanMessage(string message)
    {
        Assert.False(string.IsNullOrWhiteSpace(message));
        Assert.DoesNotContain("\n", message);
        Assert.DoesNotContain(" at ", message);
        Assert.DoesNotContain("Exception", message);
        Assert.DoesNotContain("System.", message);
        Assert.True(message.Length < 300, $"message too long: {message}");
    }

    /// <summary>Every block is clean: non-empty, trimmed, no control or zero-width characters, no whitespace runs.</summary>
    public static void AssertBlocksClean(ExtractionResult result)
    {
        Assert.NotEmpty(result.Blocks);
        foreach (var block in result.Blocks)
        {
            Assert.False(string.IsNullOrEmpty(block.Text));
            Assert.Equal(block.Text.Trim(), block.Text);
            Assert.DoesNotContain("  ", block.Text);
            Assert.DoesNotContain(block.Text, c => char.IsControl(c) || c is '\u200B' or '\uFEFF');
        }
    }
}
