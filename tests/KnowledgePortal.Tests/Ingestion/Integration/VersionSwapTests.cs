using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion;
using KnowledgePortal.Core.Retrieval;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using static KnowledgePortal.Tests.Ingestion.Integration.IngestionTestKit;

namespace KnowledgePortal.Tests.Ingestion.Integration;

/// <summary>While a new version is half processed, the old version's chunks stay complete and searchable.</summary>
[Trait(TestTier.Name, TestTier.Db)]
public class VersionSwapTests : IAsyncLifetime
{
    private TestServices _services = null!;

    public async Task InitializeAsync() => _services = await TestServices.StartAsync("ingswap");

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task ProcessNextAsync_NewVersionStoppedInEmbedStep_OldVersionStaysVisibleUntilPersist()
    {
        var km = await _services.UserAsync("km");
        var handbook = await _services.CollectionIdAsync(DemoData.Handbook);
        var id = await _services.UploadOkAsync(km, handbook, "handbook.docx", DemoBytes("employee-handbook.docx"));
        await _services.DrainQueueAsync();
        var v1Chunks = await _services.ChunksAsync(id);
        var v1 = Assert.Single(await _services.VersionsAsync(id));
        Assert.NotEmpty(v1Chunks);

        var v2Upload = await _services.UploadAsync(km, handbook, "handbook.docx", Corpus("en_feature_sampler.docx"));
        Assert.Equal(IntakeOutcome.NewVersion, v2Upload.Outcome);

        // A worker whose embedder holds the first batch until released: the job sits after its chunk step.
        var gate = new GatedEmbedder(_services.Get<IEmbeddingGenerator<string, Embedding<float>>>());
        var worker = _services.WorkerWith(_services.PipelineWith(gate));
        var run = Task.Run(() => worker.ProcessNextAsync("gated-worker", CancellationToken.None));
        await gate.Reached.Task.WaitAsync(TimeSpan.FromSeconds(120));

        try
        {
            var job = (await _services.JobsAsync(id)).Single(j => j.Id == v2Upload.JobId);
            Assert.Equal(JobStatus.Running, job.Status);
            Assert.Equal("chunk", job.CompletedStep);
            Assert.True(job.ChunksTotal > 0);
            await using (var db = _services.Db.CreateContext())
                Assert.Equal(job.ChunksTotal, await db.PendingChunks.CountAsync(p => p.JobId == job.Id));

            var during = await _services.ChunksAsync(id);
            Assert.Equal(v1Chunks.Select(c => c.Id), during.Select(c => c.Id));
            Assert.All(during, c => Assert.Equal(v1.Id, c.DocumentVersionId));
            Assert.Equal(v1.Id, (await _services.DocumentAsync(id)).CurrentVersionId);

            var search = await _services.Get<HybridRetriever>().SearchAsync(km, new SearchRequest("annual leave carried over", TopK: 5));
            var hit = Assert.Single(search.Passages, p => p.DocumentId == id && p.Text.Contains("carried over"));
            Assert.Contains(v1Chunks, c => c.Id == hit.ChunkId);
        }
        finally
        {
            gate.Release.TrySetResult();
        }
        Assert.True(await run);

        var document = await _services.DocumentAsync(id);
        Assert.Equal(DocumentStatus.Ready, document.Status);
        var v2 = (await _services.VersionsAsync(id))[1];
        Assert.Equal(v2.Id, document.CurrentVersionId);
        var after = await _services.ChunksAsync(id);
        Assert.NotEmpty(after);
        Assert.All(after, c => Assert.Equal(v2.Id, c.DocumentVersionId));
        Assert.DoesNotContain(after, c => c.Text.Contains("carried over"));
        var searchAfter = await _services.Get<HybridRetriever>().SearchAsync(km, new SearchRequest("annual leave carried over", TopK: 10));
        Assert.DoesNotContain(searchAfter.Passages, p => v1Chunks.Any(c => c.Id == p.ChunkId));
    }

    /// <summary>Delegates to the real embedder, but the first call waits until the test releases it.</summary>
    private sealed class GatedEmbedder(IEmbeddingGenerator<string, Embedding<float>> inner) : IEmbeddingGenerator<string, Embedding<float>>
    {
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values,
            EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            Reached.TrySetResult();
            await Release.Task.WaitAsync(cancellationToken);
            return await inner.GenerateAsync(values, options, cancellationToken);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => inner.GetService(serviceType, serviceKey);

        public void Dispose() { }
    }
}
