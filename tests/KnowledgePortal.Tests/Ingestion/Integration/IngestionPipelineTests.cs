using System.Text;
using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion;
using KnowledgePortal.Core.Text;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using static KnowledgePortal.Tests.Ingestion.Integration.IngestionTestKit;

namespace KnowledgePortal.Tests.Ingestion.Integration;

/// <summary>
/// The orchestrator loop over the portal's real steps: what it saves after each step, what it skips on a retry, and
/// how a fatal failure differs from a transient one. Embedding batches are five chunks here (Embedding:BatchSize).
/// </summary>
[Trait(TestTier.Name, TestTier.Db)]
public class IngestionPipelineTests : IAsyncLifetime
{
    private const int BatchSize = 5;
    private TestServices _services = null!;

    public async Task InitializeAsync() =>
        _services = await TestServices.StartAsync("ingpipeline", new Dictionary<string, string?> { ["Embedding:BatchSize"] = BatchSize.ToString() });

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public void Steps_RegisteredInPortalCoreServices_RunInTheirOrder()
    {
        Assert.Equal([IngestionSteps.Extract, IngestionSteps.Chunk, IngestionSteps.Embed, IngestionSteps.Persist],
            _services.Get<IngestionPipeline>().Steps);
    }

    [Fact]
    public async Task ProcessNextAsync_StepFailsTransiently_RetriedFromTheFailedStepWithCompletedStepSavedAfterEach()
    {
        var runs = new List<(string Step, string CompletedBefore)>();
        var failEmbedOnce = true;
        var pipeline = _services.PipelineWith(step => new ObservedStep(step, _services, runs, job =>
        {
            if (step.Name != IngestionSteps.Embed || !failEmbedOnce) return;
            failEmbedOnce = false;
            throw new HttpRequestException("The embedding service is down.");
        }));
        var worker = _services.WorkerWith(pipeline);
        var id = await UploadNoteAsync("transient.txt");

        Assert.True(await worker.ProcessNextAsync("retry-worker", CancellationToken.None));

        var afterFirst = Assert.Single(await _services.JobsAsync(id));
        Assert.Equal(JobStatus.Queued, afterFirst.Status);
        Assert.Equal(1, afterFirst.Attempts);
        Assert.Equal(IngestionSteps.Chunk, afterFirst.CompletedStep);
        Assert.Null(afterFirst.LockedBy);
        Assert.True(afterFirst.LockedUntil > DateTimeOffset.UtcNow, "retried without backoff");
        Assert.Null(afterFirst.Error);
        Assert.False(await worker.ProcessNextAsync("retry-worker", CancellationToken.None)); // still backing off

        await EndBackoffAsync(afterFirst.Id);
        Assert.True(await worker.ProcessNextAsync("retry-worker", CancellationToken.None));

        var final = Assert.Single(await _services.JobsAsync(id));
        Assert.Equal(JobStatus.Succeeded, final.Status);
        Assert.Equal(IngestionSteps.Persist, final.CompletedStep);
        Assert.Equal(2, final.Attempts);
        Assert.Equal(DocumentStatus.Ready, (await _services.DocumentAsync(id)).Status);
        // Each step starts with the one before it saved; the retry skips extract and chunk.
        Assert.Equal(
        [
            (IngestionSteps.Extract, IngestionSteps.None), (IngestionSteps.Chunk, IngestionSteps.Extract),
            (IngestionSteps.Embed, IngestionSteps.Chunk),
            (IngestionSteps.Embed, IngestionSteps.Chunk), (IngestionSteps.Persist, IngestionSteps.Embed),
        ], runs);
    }

    [Fact]
    public async Task ProcessNextAsync_StepFailsFatally_ThatFileFailsAtOnceWithItsReasonAndOthersIndex()
    {
        var bad = await UploadNoteAsync("fatal.txt");
        var good = await UploadNoteAsync("fine.txt");
        var runs = new List<(string Step, string CompletedBefore)>();
        var pipeline = _services.PipelineWith(step => new ObservedStep(step, _services, runs, job =>
        {
            if (step.Name == IngestionSteps.Chunk && job.Job.DocumentId == bad)
                throw IngestionFailure.Fatal(IngestionMessages.TooManyPages(6000, 5000));
        }));
        var worker = _services.WorkerWith(pipeline);

        while (await worker.ProcessNextAsync("fatal-worker", CancellationToken.None)) { }

        var failed = await _services.DocumentAsync(bad);
        var reason = IngestionMessages.TooManyPages(6000, 5000);
        Assert.Equal(DocumentStatus.Failed, failed.Status);
        var stored = PortalMessage.FromStored(failed.FailureCode, failed.FailureArgs, failed.FailureReason)!;
        Assert.Equal(reason.Code, stored.Code);
        Assert.Equal(reason.Args, stored.Args);
        Assert.Equal(reason.Text, stored.Text);
        var failedJob = Assert.Single(await _services.JobsAsync(bad));
        Assert.Equal(JobStatus.Failed, failedJob.Status);
        Assert.Equal(1, failedJob.Attempts); // not retried
        Assert.Equal(IngestionSteps.Extract, failedJob.CompletedStep);
        Assert.Equal(DocumentStatus.Ready, (await _services.DocumentAsync(good)).Status);
        Assert.NotEmpty(await _services.ChunksAsync(good));
        Assert.Empty(await _services.ChunksAsync(bad));
        await using var db = _services.Db.CreateContext();
        Assert.Equal(0, await db.PendingChunks.CountAsync(p => p.JobId == failedJob.Id));
    }

    [Fact]
    public async Task ProcessNextAsync_EmbeddingBatchSizeSet_EveryRequestHoldsAtMostThatManyChunks()
    {
        var km = await _services.UserAsync("km");
        var id = await _services.UploadOkAsync(km, await _services.CollectionIdAsync(DemoData.Handbook), "batches.pdf", LargeTextPdf(12));
        var recorder = new BatchRecorder(_services.Get<IEmbeddingGenerator<string, Embedding<float>>>());

        await _services.WorkerWith(_services.PipelineWith(recorder)).ProcessNextAsync("batch-worker", CancellationToken.None);

        var job = Assert.Single(await _services.JobsAsync(id));
        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.True(job.ChunksTotal > BatchSize, $"{job.ChunksTotal} chunks: too few for more than one batch");
        Assert.All(recorder.Sizes, size => Assert.InRange(size, 1, BatchSize));
        Assert.Equal(job.ChunksTotal, recorder.Sizes.Sum());
        Assert.Equal((job.ChunksTotal + BatchSize - 1) / BatchSize, recorder.Sizes.Count);
    }

    private async Task<Guid> UploadNoteAsync(string fileName)
    {
        var km = await _services.UserAsync("km");
        var text = $"{fileName}\n\nA short note about the parking rules of the office, indexed to test the pipeline.\n";
        return await _services.UploadOkAsync(km, await _services.CollectionIdAsync(DemoData.Handbook), fileName, Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Ends the worker's retry backoff now, instead of waiting for it.</summary>
    private async Task EndBackoffAsync(Guid jobId)
    {
        await using var db = _services.Db.CreateContext();
        await db.IngestionJobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s.SetProperty(j => j.LockedUntil, DateTimeOffset.UtcNow.AddSeconds(-1)));
    }

    /// <summary>A real step that notes, as it starts, the completed_step stored in the row, then may fail before running.</summary>
    private sealed class ObservedStep(IIngestionStep inner, TestServices services, List<(string, string)> runs, Action<IngestionJobContext> before)
        : IIngestionStep
    {
        public string Name => inner.Name;

        public async Task<IngestionStepResult> RunAsync(IngestionJobContext job, CancellationToken ct)
        {
            await using (var db = services.Db.CreateContext())
                runs.Add((Name, await db.IngestionJobs.Where(j => j.Id == job.Job.Id).Select(j => j.CompletedStep).SingleAsync(ct)));
            before(job);
            return await inner.RunAsync(job, ct);
        }
    }

    /// <summary>The real embedder, noting how many texts each request carries.</summary>
    private sealed class BatchRecorder(IEmbeddingGenerator<string, Embedding<float>> inner) : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
    {
        public List<int> Sizes { get; } = [];

        public override Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values,
            EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var list = values.ToList();
            Sizes.Add(list.Count);
            return base.GenerateAsync(list, options, cancellationToken);
        }
    }
}
