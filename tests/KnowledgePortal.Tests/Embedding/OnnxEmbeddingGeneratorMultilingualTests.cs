using KnowledgePortal.Core.Ingestion.Embedding;
using Microsoft.Extensions.AI;

namespace KnowledgePortal.Tests.Embedding;

/// <summary>XLM-R style folders (sentencepiece.bpe.model), pooling and query/passage prefixes.</summary>
public class OnnxEmbeddingGeneratorMultilingualTests
{
    private static async Task<float[][]> EmbedAsync(IEmbeddingGenerator<string, Embedding<float>> generator, EmbeddingGenerationOptions? options, params string[] texts) =>
        (await generator.GenerateAsync(texts, options)).Select(e => e.Vector.ToArray()).ToArray();

    private static float[] Normalized(IEnumerable<float> v)
    {
        var a = v.ToArray();
        var norm = (float)VectorMath.Norm(a);
        return a.Select(x => x / norm).ToArray();
    }

    /// <summary>What the Gather encoder yields for <paramref name="ids"/> under mean pooling.</summary>
    private static float[] ExpectedMean(float[][] rows, int[] ids) =>
        Normalized(Enumerable.Range(0, OnnxTestModel.Dim).Select(d => ids.Average(id => rows[id][d])));

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 5);
    }

    [Theory]
    [InlineData(SentencePieceTestModels.Unigram)]
    [InlineData(SentencePieceTestModels.Bpe)]
    public async Task GenerateAsync_SentencePieceFolder_MeanOfSpmIdRowsEndToEnd(string type)
    {
        var folder = SentencePieceTestModels.CreateFolder(type, "multilingual-e5-tiny", "attention_mask");
        var rows = OnnxTestModel.RandomRows(SentencePieceTestModels.PieceCount(type) + 2, largeRow: 1);
        string[] texts = ["年次有給休暇は二十日です。", "Server restart procedures", "サーバーの再起動 reboot"];
        var reference = SentencePieceTestModels.SpmEncode(type, texts);
        using var generator = new OnnxEmbeddingGenerator(folder);

        var vectors = await EmbedAsync(generator, null, texts);

        Assert.Equal(OnnxTestModel.Dim, generator.Dimension);
        Assert.Contains("sentencepiece.bpe.model", generator.Tokenizer.Description);
        for (int i = 0; i < texts.Length; i++)
        {
            int[] ids = [0, .. reference[i].Select(SentencePieceTestModels.ToXlmRoberta), 2];
            Assert.Equal(ids, generator.EncodeForModel(texts[i], EmbeddingInputKind.Passage));
            Assert.Equal(1.0, VectorMath.Norm(vectors[i]), 5);
            AssertClose(ExpectedMean(rows, ids), vectors[i]);
        }
    }

    [Fact]
    public async Task GenerateAsync_SentencePiecePaddingInBatch_IgnoredByMeanPooling()
    {
        using var generator = new OnnxEmbeddingGenerator(SentencePieceTestModels.CreateFolder(SentencePieceTestModels.Unigram, "m", "attention_mask"));

        var alone = await EmbedAsync(generator, null, "休暇");
        var batched = await EmbedAsync(generator, null, "休暇", "セキュリティパッチを適用した後はアプリケーションサーバーを再起動してください。");

        AssertClose(alone[0], batched[0]);
    }

    [Fact]
    public async Task GenerateAsync_ClsPooling_FirstTokenVectorWhateverTheText()
    {
        var type = SentencePieceTestModels.Unigram;
        var folder = SentencePieceTestModels.CreateFolder(type, "bge-m3-tiny", "attention_mask");
        var rows = OnnxTestModel.RandomRows(SentencePieceTestModels.PieceCount(type) + 2, largeRow: 1);
        using var cls = new OnnxEmbeddingGenerator(folder, new OnnxEmbeddingGeneratorOptions { Pooling = OnnxPooling.Cls });
        using var mean = new OnnxEmbeddingGenerator(folder, new OnnxEmbeddingGeneratorOptions { Pooling = OnnxPooling.Mean });

        var pooledByCls = await EmbedAsync(cls, null, "年次有給休暇", "Server restart");
        var pooledByMean = await EmbedAsync(mean, null, "年次有給休暇", "Server restart");

        // The Gather encoder's first position is always <s> (id 0): CLS pooling returns its row for every text.
        AssertClose(Normalized(rows[0]), pooledByCls[0]);
        AssertClose(Normalized(rows[0]), pooledByCls[1]);
        Assert.NotEqual(pooledByMean[0], pooledByMean[1]);
        Assert.True(VectorMath.Dot(pooledByMean[0], pooledByCls[0]) < 0.999);
    }

    [Fact]
    public async Task GenerateAsync_QueryAndPassageKinds_OwnPrefixesPrepended()
    {
        var folder = SentencePieceTestModels.CreateFolder(SentencePieceTestModels.Unigram, "multilingual-e5-tiny", "attention_mask");
        using var e5 = new OnnxEmbeddingGenerator(folder, new OnnxEmbeddingGeneratorOptions { QueryPrefix = "query: ", PassagePrefix = "passage: " });
        using var plain = new OnnxEmbeddingGenerator(folder);
        const string question = "休暇は何日ありますか";

        var queryIds = e5.EncodeForModel(question, EmbeddingInputKind.Query);
        var passageIds = e5.EncodeForModel(question, EmbeddingInputKind.Passage);

        Assert.Equal(plain.Tokenizer.EncodeSingle("query: " + question, 256).Ids, queryIds);
        Assert.Equal(plain.Tokenizer.EncodeSingle("passage: " + question, 256).Ids, passageIds);
        Assert.NotEqual(queryIds, passageIds);
        Assert.True(queryIds.Length > plain.EncodeForModel(question, EmbeddingInputKind.Query).Length);

        // The vectors are those of the prefixed texts; without a kind the text is a passage.
        var asQuery = await EmbedAsync(e5, EmbeddingInput.Query(), question);
        var asPassage = await EmbedAsync(e5, EmbeddingInput.Passage(), question);
        var unspecified = await EmbedAsync(e5, null, question);
        AssertClose((await EmbedAsync(plain, null, "query: " + question))[0], asQuery[0]);
        AssertClose((await EmbedAsync(plain, null, "passage: " + question))[0], asPassage[0]);
        AssertClose(asPassage[0], unspecified[0]);
        Assert.NotEqual(asQuery[0], asPassage[0]);
    }

    [Fact]
    public async Task GenerateAsync_NoPrefixesConfigured_QueryEqualsPassage()
    {
        using var bge = new OnnxEmbeddingGenerator(SentencePieceTestModels.CreateFolder(SentencePieceTestModels.Unigram, "bge-m3-tiny"),
            new OnnxEmbeddingGeneratorOptions { Pooling = OnnxPooling.Cls });

        Assert.Equal((await EmbedAsync(bge, EmbeddingInput.Passage(), "休暇"))[0], (await EmbedAsync(bge, EmbeddingInput.Query(), "休暇"))[0]);
    }

    [Fact]
    public void Create_OnnxSettingsFromEmbeddingSection_BoundAndApplied()
    {
        var folder = SentencePieceTestModels.CreateFolder(SentencePieceTestModels.Unigram, "multilingual-e5-tiny");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Embedding:Provider"] = "Onnx",
            ["Embedding:OnnxModelPath"] = folder,
            ["Embedding:Model"] = "e5-test",
            ["Embedding:Onnx:Pooling"] = "Cls",
            ["Embedding:Onnx:QueryPrefix"] = "query: ",
            ["Embedding:Onnx:PassagePrefix"] = "passage: ",
            ["Embedding:Onnx:MaxSequenceLength"] = "64",
        }).Build();
        var options = configuration.GetSection(EmbeddingOptions.Section).Get<EmbeddingOptions>()!;

        using var generator = Assert.IsType<OnnxEmbeddingGenerator>(EmbeddingGeneratorFactory.Create(options));

        Assert.Equal(OnnxPooling.Cls, options.Onnx.Pooling);
        Assert.Equal("e5-test", generator.ModelId);
        Assert.Equal(generator.Tokenizer.EncodeSingle("query: 休暇", 64).Ids, generator.EncodeForModel("休暇", EmbeddingInputKind.Query));
        Assert.Equal(64, generator.EncodeForModel(string.Join(" ", Enumerable.Repeat("年次有給休暇", 100)), EmbeddingInputKind.Passage).Length);
    }
}
