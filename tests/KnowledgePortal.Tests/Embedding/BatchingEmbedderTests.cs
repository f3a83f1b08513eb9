using KnowledgePortal.Core.Ingestion.Embedding;
using Microsoft.Extensions.AI;

namespace KnowledgePortal.Tests.Embedding;

public class BatchingEmbedderTests
{
    private sealed class RecordingGenerator(int dropLast = 0) : IEmbeddingGenerator<string, Embedding<float>>
    {
        public List<int> BatchSizes { get; } = [];

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
            IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var list = values.ToList();
            BatchSizes.Add(list.Count);
            var result = new GeneratedEmbeddings<Embedding<float>>(
                list.Take(list.Count - dropLast).Select(v => new Embedding<float>(new[] { float.Parse(v.AsSpan(1)) })));
            return Task.FromResult(result);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    [Fact]
    public async Task EmbedAllAsync_ManyTexts_BatchedInOrder()
    {
        var generator = new RecordingGenerator();
        var texts = Enumerable.Range(0, 10).Select(i => "t" + i).ToArray();

        var vectors = await BatchingEmbedder.EmbedAllAsync(generator, texts, 4, CancellationToken.None);

        Assert.Equal([4, 4, 2], generator.BatchSizes);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (float)i), vectors.Select(v => v[0]));
    }

    [Fact]
    public async Task EmbedAllAsync_NoTexts_NoCalls()
    {
        var generator = new RecordingGenerator();
        Assert.Empty(await BatchingEmbedder.EmbedAllAsync(generator, [], 64, CancellationToken.None));
        Assert.Empty(generator.BatchSizes);
    }

    [Fact]
    public async Task EmbedAllAsync_GeneratorReturnsTooFew_Throws()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            BatchingEmbedder.EmbedAllAsync(new RecordingGenerator(dropLast: 1), ["t1", "t2"], 8, CancellationToken.None));
    }

    [Fact]
    public async Task EmbedAllAsync_InvalidBatchSize_Throws()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            BatchingEmbedder.EmbedAllAsync(new RecordingGenerator(), ["t1"], 0, CancellationToken.None));
    }

    [Fact]
    public async Task EmbedAllAsync_HashingGenerator_OneVectorPerText()
    {
        using var generator = new HashingEmbeddingGenerator();
        var vectors = await BatchingEmbedder.EmbedAllAsync(generator, ["a", "b", "c"], 2, CancellationToken.None);
        Assert.Equal(3, vectors.Count);
        Assert.All(vectors, v => Assert.Equal(384, v.Length));
    }
}
