using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Retrieval.Reranking;
using KnowledgePortal.Tests.Embedding;

namespace KnowledgePortal.Tests.Reranking;

public class OnnxCrossEncoderRerankerTests
{
    /// <summary>A BERT cross-encoder folder (ruri-reranker style): vocab.txt and the word-overlap model.</summary>
    private static string BertFolder(string name = "ruri-reranker-tiny", int columns = 1)
    {
        var dir = OnnxTestModel.NewFolder(name);
        File.WriteAllBytes(Path.Combine(dir, "model.onnx"), OnnxTestModel.BuildCrossEncoder(columns));
        File.WriteAllLines(Path.Combine(dir, "vocab.txt"), OnnxTestModel.Vocab);
        return dir;
    }

    /// <summary>An XLM-R cross-encoder folder (bge-reranker-v2-m3 style): sentencepiece.bpe.model and a token-sum scorer.</summary>
    private static string XlmRobertaFolder(out float[] weights)
    {
        var type = SentencePieceTestModels.Unigram;
        var dir = OnnxTestModel.NewFolder("bge-reranker-tiny");
        File.Copy(SentencePieceTestModels.ModelPath(type), Path.Combine(dir, "sentencepiece.bpe.model"));
        int vocabSize = SentencePieceTestModels.PieceCount(type) + 2;
        File.WriteAllBytes(Path.Combine(dir, "model.onnx"), OnnxTestModel.BuildTokenSumScorer(vocabSize, padId: 1));
        weights = OnnxTestModel.TokenSumWeights(vocabSize, padId: 1);
        return dir;
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static readonly string[] Passages = ["server restart", "annual leave policy", "leave", "reboot reboot reboot reboot server"];

    [Fact]
    public async Task ScoreAsync_PassageSharingQueryWords_OutscoresUnrelated()
    {
        using var reranker = new OnnxCrossEncoderReranker(BertFolder());

        var scores = await reranker.ScoreAsync("annual leave", Passages);

        // The model's logit is (shared word count) - 0.5: 0, 2, 1 and 0 shared words.
        Assert.Equal(4, scores.Count);
        double[] expected = [Sigmoid(-0.5), Sigmoid(1.5), Sigmoid(0.5), Sigmoid(-0.5)];
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], scores[i], 6);
        Assert.True(scores[1] > scores[2] && scores[2] > scores[0]);
    }

    [Fact]
    public async Task ScoreAsync_AnyBatchSize_SameScoresInInputOrder()
    {
        var folder = BertFolder();
        using var one = new OnnxCrossEncoderReranker(folder, new OnnxCrossEncoderRerankerOptions { MaxBatchSize = 1 });
        using var three = new OnnxCrossEncoderReranker(folder, new OnnxCrossEncoderRerankerOptions { MaxBatchSize = 3 });
        using var all = new OnnxCrossEncoderReranker(folder);

        var a = await one.ScoreAsync("annual leave", Passages);
        var b = await three.ScoreAsync("annual leave", Passages);
        var c = await all.ScoreAsync("annual leave", Passages);
        var reversed = await all.ScoreAsync("annual leave", Passages.Reverse().ToList());

        for (int i = 0; i < Passages.Length; i++)
        {
            Assert.Equal(a[i], b[i], 9);
            Assert.Equal(a[i], c[i], 9);
            Assert.Equal(a[i], reversed[Passages.Length - 1 - i], 9);
        }
    }

    [Fact]
    public async Task ScoreAsync_TwoLogitOutput_PositiveClassProbability()
    {
        using var oneColumn = new OnnxCrossEncoderReranker(BertFolder());
        using var twoColumns = new OnnxCrossEncoderReranker(BertFolder("japanese-reranker-tiny", columns: 2));

        var expected = await oneColumn.ScoreAsync("annual leave", Passages);
        var actual = await twoColumns.ScoreAsync("annual leave", Passages);

        for (int i = 0; i < Passages.Length; i++) Assert.Equal(expected[i], actual[i], 6);
    }

    [Fact]
    public async Task ScoreAsync_NoPassages_EmptyWithoutRunningTheModel()
    {
        using var reranker = new OnnxCrossEncoderReranker(BertFolder());

        Assert.Empty(await reranker.ScoreAsync("annual leave", []));
    }

    [Fact]
    public async Task ScoreAsync_CancelledToken_Throws()
    {
        using var reranker = new OnnxCrossEncoderReranker(BertFolder());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reranker.ScoreAsync("annual leave", Passages, new CancellationToken(canceled: true)));
    }

    [Fact]
    public void EncodePair_BertFolder_ClsQuerySepPassageSepWithSegments()
    {
        using var reranker = new OnnxCrossEncoderReranker(BertFolder());
        int Id(string token) => Array.IndexOf(OnnxTestModel.Vocab, token);

        var pair = reranker.EncodePair("Annual leave", "servers policy");

        Assert.Equal([Id("[CLS]"), Id("annual"), Id("leave"), Id("[SEP]"), Id("server"), Id("##s"), Id("policy"), Id("[SEP]")], pair.Ids);
        Assert.Equal([0, 0, 0, 0, 1, 1, 1, 1], pair.TypeIds);
    }

    [Fact]
    public void EncodePair_LongPassage_CutToMaxSequenceLength()
    {
        using var reranker = new OnnxCrossEncoderReranker(BertFolder(), new OnnxCrossEncoderRerankerOptions { MaxSequenceLength = 12 });

        var pair = reranker.EncodePair("annual leave", string.Join(" ", Enumerable.Repeat("server restart", 40)));

        Assert.Equal(12, pair.Length);
        Assert.Equal(Array.IndexOf(OnnxTestModel.Vocab, "[SEP]"), pair.Ids[^1]);
        Assert.Equal(4, pair.TypeIds.Count(t => t == 0)); // [CLS] annual leave [SEP]: the query is kept
        Assert.Equal(8, pair.TypeIds.Count(t => t == 1)); // 7 passage tokens and [SEP]
    }

    [Fact]
    public async Task EncodePair_XlmRobertaFolder_SentencePieceIdsInPairFormatAndScored()
    {
        using var reranker = new OnnxCrossEncoderReranker(XlmRobertaFolder(out var weights));
        const string query = "休暇は何日ありますか";
        string[] passages = ["年次有給休暇は一年につき二十日付与されます。", "Reboot the application server after installing security patches."];
        var reference = SentencePieceTestModels.SpmEncode(SentencePieceTestModels.Unigram, [query, .. passages])
            .Select(ids => ids.Select(SentencePieceTestModels.ToXlmRoberta).ToArray()).ToArray();

        var scores = await reranker.ScoreAsync(query, passages);

        for (int i = 0; i < passages.Length; i++)
        {
            var pair = reranker.EncodePair(query, passages[i]);
            int[] expectedIds = [0, .. reference[0], 2, 2, .. reference[i + 1], 2];
            Assert.Equal(expectedIds, pair.Ids);
            Assert.All(pair.TypeIds, t => Assert.Equal(0, t));
            Assert.Equal(Sigmoid(expectedIds.Sum(id => (double)weights[id])), scores[i], 5);
        }
    }

    [Fact]
    public void Constructor_Folder_InProcessIdentity()
    {
        var folder = BertFolder("ruri-reranker-small");
        using var byFolder = new OnnxCrossEncoderReranker(folder);
        using var named = new OnnxCrossEncoderReranker(folder, new OnnxCrossEncoderRerankerOptions { ModelId = "ruri-v3" });

        Assert.Equal("onnx:ruri-reranker-small", byFolder.Name);
        Assert.Equal("onnx:ruri-v3", named.Name);
        Assert.Equal(ProviderLocation.OnPremises, byFolder.Location);
        Assert.Equal(SensitivityLabel.Secret, byFolder.MaxSensitivity);
    }

    [Fact]
    public void Constructor_MissingModel_FileNotFoundNamingIt()
    {
        var folder = BertFolder();
        File.Delete(Path.Combine(folder, "model.onnx"));

        var ex = Assert.Throws<FileNotFoundException>(() => new OnnxCrossEncoderReranker(folder));

        Assert.Contains("model.onnx", ex.Message);
    }

    [Fact]
    public void Constructor_MoreThanTwoLogits_NotSupported()
    {
        var ex = Assert.Throws<NotSupportedException>(() => new OnnxCrossEncoderReranker(BertFolder(columns: 3)));
        Assert.Contains("logits", ex.Message);
    }
}
