using KnowledgePortal.Core.Ingestion.Embedding;
using Microsoft.Extensions.AI;

namespace KnowledgePortal.Tests.Embedding;

public class OnnxEmbeddingGeneratorTests
{
    private static async Task<float[][]> EmbedAsync(OnnxEmbeddingGenerator generator, params string[] texts) =>
        (await generator.GenerateAsync(texts)).Select(e => e.Vector.ToArray()).ToArray();

    [Fact]
    public async Task GenerateAsync_SelfBuiltModel_UnitVectorsOfModelDimension()
    {
        using var generator = new OnnxEmbeddingGenerator(OnnxTestModel.CreateFolder("tiny-bert", "attention_mask", "token_type_ids"));

        var vectors = await EmbedAsync(generator, "annual leave", "Server restart", "", "unknownword");

        Assert.Equal(OnnxTestModel.Dim, generator.Dimension);
        Assert.All(vectors, v =>
        {
            Assert.Equal(OnnxTestModel.Dim, v.Length);
            Assert.Equal(1.0, VectorMath.Norm(v), 5);
        });
    }

    [Fact]
    public async Task GenerateAsync_SameText_SameVector_DifferentText_DifferentVector()
    {
        using var generator = new OnnxEmbeddingGenerator(OnnxTestModel.CreateFolder());

        var v = await EmbedAsync(generator, "annual leave", "Annual Leave", "annual leave policy");

        Assert.Equal(v[0], v[1]); // uncased vocabulary: lower-cased before WordPiece
        Assert.NotEqual(v[0], v[2]);
    }

    [Fact]
    public async Task GenerateAsync_SimilarTexts_CloserThanUnrelated()
    {
        using var generator = new OnnxEmbeddingGenerator(OnnxTestModel.CreateFolder());

        var v = await EmbedAsync(generator, "annual leave", "vacation holiday", "server reboot");

        Assert.True(VectorMath.Dot(v[0], v[1]) > VectorMath.Dot(v[0], v[2]) + 0.3);
    }

    [Fact]
    public async Task GenerateAsync_PaddingInBatch_IgnoredByMeanPooling()
    {
        using var generator = new OnnxEmbeddingGenerator(OnnxTestModel.CreateFolder("m", "attention_mask"));

        var alone = await EmbedAsync(generator, "leave");
        var batched = await EmbedAsync(generator, "leave", "annual leave policy vacation holiday server restart reboot");

        for (int i = 0; i < OnnxTestModel.Dim; i++) Assert.Equal(alone[0][i], batched[0][i], 5);
    }

    [Fact]
    public async Task GenerateAsync_LongText_TruncatedToMaxSequenceLength()
    {
        using var generator = new OnnxEmbeddingGenerator(OnnxTestModel.CreateFolder(), new OnnxEmbeddingGeneratorOptions { MaxSequenceLength = 4 });

        var v = await EmbedAsync(generator, "annual leave", "annual leave server server server server");

        // [CLS] annual leave [SEP] in both cases
        for (int i = 0; i < OnnxTestModel.Dim; i++) Assert.Equal(v[0][i], v[1][i], 5);
    }

    [Fact]
    public async Task GenerateAsync_MoreTextsThanMaxBatch_AllEmbeddedInOrder()
    {
        using var generator = new OnnxEmbeddingGenerator(OnnxTestModel.CreateFolder(), new OnnxEmbeddingGeneratorOptions { MaxBatchSize = 2 });
        string[] texts = ["annual", "leave", "server", "restart", "policy"];

        var batched = await EmbedAsync(generator, texts);

        Assert.Equal(5, batched.Length);
        for (int i = 0; i < texts.Length; i++) Assert.Equal((await EmbedAsync(generator, texts[i]))[0], batched[i]);
    }

    [Fact]
    public void Constructor_ModelId_FolderNameUnlessGiven()
    {
        var folder = OnnxTestModel.CreateFolder("multilingual-e5-small");
        using var byFolder = new OnnxEmbeddingGenerator(folder);
        using var named = new OnnxEmbeddingGenerator(folder, new OnnxEmbeddingGeneratorOptions { ModelId = "custom" });

        Assert.Equal("multilingual-e5-small", byFolder.ModelId);
        Assert.Equal("custom", named.ModelId);
        var metadata = byFolder.GetService<EmbeddingGeneratorMetadata>();
        Assert.NotNull(metadata);
        Assert.Equal("onnx", metadata.ProviderName);
        Assert.Equal(OnnxTestModel.Dim, metadata.DefaultModelDimensions);
        Assert.Equal("multilingual-e5-small", metadata.DefaultModelId);
    }

    [Fact]
    public void Constructor_MissingFolder_DirectoryNotFoundWithHint()
    {
        var ex = Assert.Throws<DirectoryNotFoundException>(() => new OnnxEmbeddingGenerator("/nonexistent/kp-model"));
        Assert.Contains("model.onnx", ex.Message);
    }

    [Fact]
    public void Constructor_MissingModel_FileNotFoundNamingIt()
    {
        var folder = OnnxTestModel.CreateFolder();
        File.Delete(Path.Combine(folder, "model.onnx"));

        var ex = Assert.Throws<FileNotFoundException>(() => new OnnxEmbeddingGenerator(folder));

        Assert.Contains("model.onnx", ex.Message);
        Assert.Equal(Path.Combine(folder, "model.onnx"), ex.FileName);
    }

    [Fact]
    public void Constructor_MissingTokenizer_FileNotFoundNamingAcceptedFiles()
    {
        var folder = OnnxTestModel.CreateFolder();
        File.Delete(Path.Combine(folder, "vocab.txt"));

        var ex = Assert.Throws<FileNotFoundException>(() => new OnnxEmbeddingGenerator(folder));

        Assert.Contains("vocab.txt", ex.Message);
        Assert.Contains("sentencepiece.bpe.model", ex.Message);
        Assert.Contains("tokenizer.json", ex.Message);
    }

    [Fact]
    public void Constructor_CorruptModel_InvalidData()
    {
        var folder = OnnxTestModel.CreateFolder();
        File.WriteAllBytes(Path.Combine(folder, "model.onnx"), [1, 2, 3, 4, 5]);

        Assert.Throws<InvalidDataException>(() => new OnnxEmbeddingGenerator(folder));
    }

    [Fact]
    public void Constructor_UnsupportedInput_NotSupported()
    {
        var ex = Assert.Throws<NotSupportedException>(() => new OnnxEmbeddingGenerator(OnnxTestModel.CreateFolder("m", "pixel_values")));
        Assert.Contains("pixel_values", ex.Message);
    }

    [Fact]
    public void Create_OnnxProvider_LoadsFolder()
    {
        var folder = OnnxTestModel.CreateFolder("tiny");
        using var generator = EmbeddingGeneratorFactory.Create(new EmbeddingOptions { Provider = EmbeddingProvider.Onnx, OnnxModelPath = folder });
        Assert.Equal("tiny", Assert.IsType<OnnxEmbeddingGenerator>(generator).ModelId);
    }

    [Fact]
    public void Create_OnnxProviderWithWrongDimensions_ArgumentException()
    {
        var folder = OnnxTestModel.CreateFolder("tiny");
        var ex = Assert.Throws<ArgumentException>(() =>
            EmbeddingGeneratorFactory.Create(new EmbeddingOptions { Provider = EmbeddingProvider.Onnx, OnnxModelPath = folder, Dimensions = 384 }));
        Assert.Contains("produces 8", ex.Message);
    }
}
