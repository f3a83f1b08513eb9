using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion.Embedding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pgvector;

namespace KnowledgePortal.Core.Ingestion.Steps;

/// <summary>
/// Embeds the pending chunks, <see cref="EmbeddingOptions.BatchSize"/> per request; only chunks still without a vector
/// are sent, so resuming is cheap. Each batch is saved with the job's count, the lease renewed and a cancel request
/// honoured before the next. A collection above the embedder's clearance is not sent at all (keyword search only).
/// </summary>
internal sealed class EmbedStep(
    IDbContextFactory<PortalDbContext> dbFactory,
    IEmbeddingGenerator<string, Embedding<float>> embedder,
    EmbeddingModelInfo model,
    EmbeddingClearance clearance,
    IOptions<EmbeddingOptions> options,
    ILogger<EmbedStep> logger) : IIngestionStep
{
    public string Name => IngestionSteps.Embed;

    public async Task<IngestionStepResult> RunAsync(IngestionJobContext job, CancellationToken ct)
    {
        var jobId = job.Job.Id;
        await job.ShowStatusAsync(DocumentStatus.Embedding, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var label = await db.Documents.Where(d => d.Id == job.Job.DocumentId).Select(d => d.Collection!.Sensitivity).SingleAsync(ct);
        if (!clearance.Allows(label))
        {
            // Above the embedder's clearance: keyword search only; the text is never sent (persist checks again).
            logger.LogInformation("Document {DocumentId} is {Label}, above the embedder's clearance ({Clearance}): indexed for keyword search only",
                job.Job.DocumentId, label, clearance.MaxSensitivity);
            return IngestionStepResult.Completed;
        }
        var batchSize = options.Value.BatchSize;
        while (true)
        {
            if (await job.IsCancelRequestedAsync(ct)) return IngestionStepResult.Cancelled;
            var batch = await db.PendingChunks.Where(p => p.JobId == jobId && p.Embedding == null)
                .OrderBy(p => p.Ordinal).Take(batchSize).ToListAsync(ct);
            if (batch.Count == 0) return IngestionStepResult.Completed;
            var inputs = batch.Select(p => IngestionPipeline.EmbeddingText(p.Context, p.Text)).ToList();
            var vectors = await embedder.GenerateAsync(inputs, EmbeddingInput.Passage(), ct);
            for (var i = 0; i < batch.Count; i++)
            {
                var v = vectors[i].Vector.ToArray();
                if (v.Length != model.Dimension)
                    throw new InvalidOperationException($"The embedding model returned {v.Length} dimensions; {model.Dimension} were configured.");
                batch[i].Embedding = new Vector(v);
                batch[i].EmbeddingModel = model.ModelId;
                batch[i].EmbeddingDimension = v.Length;
            }
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            job.Job.ChunksEmbedded = await db.PendingChunks.CountAsync(p => p.JobId == jobId && p.Embedding != null, ct);
            await job.SaveAsync(ct);
            await job.RenewLeaseAsync();
        }
    }
}
