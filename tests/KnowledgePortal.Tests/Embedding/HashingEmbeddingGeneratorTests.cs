using KnowledgePortal.Core.Ingestion.Embedding;
using Microsoft.Extensions.AI;

namespace KnowledgePortal.Tests.Embedding;

public class HashingEmbeddingGeneratorTests
{
    private static async Task<float[][]> EmbedAsync(params string[] texts)
    {
        using var generator = new HashingEmbeddingGenerator();
        var result = await generator.GenerateAsync(texts);
        return result.Select(e => e.Vector.ToArray()).ToArray();
    }

    [Fact]
    public async Task GenerateAsync_AnyText_384DimensionsUnitLength()
    {
        var vectors = await EmbedAsync("Annual leave policy", "有給休暇の申請", "", "!!!", new string('x', 10_000));

        Assert.All(vectors, v =>
        {
            Assert.Equal(384, v.Length);
            Assert.Equal(1.0, VectorMath.Norm(v), 5);
            Assert.All(v, x => Assert.True(float.IsFinite(x)));
        });
    }

    [Fact]
    public async Task GenerateAsync_SameText_SameVector()
    {
        var vectors = await EmbedAsync("有給休暇の申請方法", "有給休暇の申請方法");
        Assert.Equal(vectors[0], vectors[1]);
        Assert.Equal(vectors[0], HashingEmbeddingGenerator.Embed("有給休暇の申請方法"));
    }

    [Fact]
    public void Embed_KnownText_StableAcrossProcesses()
    {
        // Pinned values: they must never change for model id kp-hash-384-v1, because stored vectors depend on them.
        // (string.GetHashCode would make them differ per process.)
        var v = HashingEmbeddingGenerator.Embed("Hello world");
        var top = Enumerable.Range(0, v.Length).OrderByDescending(i => Math.Abs(v[i])).ThenBy(i => i).Take(3).ToArray();

        Assert.Equal([195, 347, 64], top);
        Assert.Equal(-0.51882464f, v[195], 6);
        Assert.Equal(-0.51882464f, v[347], 6);
        Assert.Equal(-0.36317724f, v[64], 6);
    }

    [Fact]
    public void Fnv1a64_ReferenceVectors_Match()
    {
        Assert.Equal(0xcbf29ce484222325UL, HashingEmbeddingGenerator.Fnv1a64(""));
        Assert.Equal(0xaf63dc4c8601ec8cUL, HashingEmbeddingGenerator.Fnv1a64("a"));
        Assert.Equal(0x85944171f73967e8UL, HashingEmbeddingGenerator.Fnv1a64("foobar"));
    }

    [Fact]
    public async Task GenerateAsync_NormalisationVariants_SameVector()
    {
        var vectors = await EmbedAsync("ＶＰＮ設定", "vpn設定", "VPN 設定");
        Assert.Equal(vectors[0], vectors[1]);
        Assert.Equal(vectors[1], vectors[2]);
    }

    [Fact]
    public async Task GenerateAsync_JapaneseParaphrase_CloserThanUnrelated()
    {
        var v = await EmbedAsync("有給休暇の申請", "有給休暇を申請する手順", "サーバーの再起動手順");
        double related = VectorMath.Dot(v[0], v[1]);
        double unrelated = VectorMath.Dot(v[0], v[2]);
        Assert.True(related > unrelated + 0.2, $"related {related:F3} vs unrelated {unrelated:F3}");
    }

    [Fact]
    public async Task GenerateAsync_EnglishParaphrase_CloserThanUnrelated()
    {
        var v = await EmbedAsync("How do I reset my password?", "Password reset steps", "Quarterly sales figures for Europe");
        double related = VectorMath.Dot(v[0], v[1]);
        double unrelated = VectorMath.Dot(v[0], v[2]);
        Assert.True(related > unrelated + 0.2, $"related {related:F3} vs unrelated {unrelated:F3}");
    }

    [Fact]
    public async Task GenerateAsync_MorphologicalVariant_SharesCharacterTrigrams()
    {
        var v = await EmbedAsync("configuration", "configure", "holiday");
        Assert.True(VectorMath.Dot(v[0], v[1]) > VectorMath.Dot(v[0], v[2]) + 0.2);
    }

    [Fact]
    public async Task GenerateAsync_DifferentTexts_DifferentVectors()
    {
        var v = await EmbedAsync("leave", "leaves", "申請", "承認");
        for (int i = 0; i < v.Length; i++)
            for (int j = i + 1; j < v.Length; j++)
                Assert.NotEqual(v[i], v[j]);
    }

    [Fact]
    public async Task GenerateAsync_ConcurrentCalls_SameResults()
    {
        using var generator = new HashingEmbeddingGenerator();
        var texts = Enumerable.Range(0, 50).Select(i => $"文書{i} document {i}").ToArray();
        var expected = texts.Select(HashingEmbeddingGenerator.Embed).ToArray();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => generator.GenerateAsync(texts))));

        foreach (var result in results)
            for (int i = 0; i < texts.Length; i++)
                Assert.Equal(expected[i], result[i].Vector.ToArray());
    }

    [Fact]
    public async Task GenerateAsync_Embeddings_CarryModelId()
    {
        using var generator = new HashingEmbeddingGenerator();
        var result = await generator.GenerateAsync(["x"]);
        Assert.Equal("kp-hash-384-v1", result[0].ModelId);
    }

    [Fact]
    public void GetService_Metadata_BuiltinProviderModelAndDimension()
    {
        using var generator = new HashingEmbeddingGenerator();
        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal("builtin", metadata.ProviderName);
        Assert.Equal("kp-hash-384-v1", metadata.DefaultModelId);
        Assert.Equal(384, metadata.DefaultModelDimensions);
        Assert.Same(generator, generator.GetService<HashingEmbeddingGenerator>());
        Assert.Null(generator.GetService(typeof(string)));
    }

    [Fact]
    public async Task GenerateAsync_OtherDimensionsRequested_Throws()
    {
        using var generator = new HashingEmbeddingGenerator();
        await Assert.ThrowsAsync<NotSupportedException>(() => generator.GenerateAsync(["x"], new EmbeddingGenerationOptions { Dimensions = 1536 }));
        var ok = await generator.GenerateAsync(["x"], new EmbeddingGenerationOptions { Dimensions = 384 });
        Assert.Single(ok);
    }

    [Fact]
    public async Task GenerateAsync_Cancelled_Throws()
    {
        using var generator = new HashingEmbeddingGenerator();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generator.GenerateAsync(["x"], null, new CancellationToken(true)));
    }
}
