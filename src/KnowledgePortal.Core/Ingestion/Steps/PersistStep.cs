using System.Diagnostics;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Audit;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion.Embedding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace KnowledgePortal.Core.Ingestion.Steps;

/// <summary>
/// Swaps the document's chunks for the pending ones in one transaction — a question sees the old version or the new,
/// never half — and ends the job as succeeded in the same transaction (so it saves completed_step itself).
/// </summary>
internal sealed class PersistStep(
    IDbContextFactory<PortalDbContext> dbFactory,
    EmbeddingModelInfo model,
    EmbeddingClearance clearance,
    ILogger<PersistStep> logger) : IIngestionStep
{
    public string Name => IngestionSteps.Persist;

    /// <summary>Tests pause the persist here (chunks inserted, transaction open) to race it against access changes.</summary>
    internal Func<Task>? PauseAfterChunksInsertedForTests { get; set; }

    public async Task<IngestionStepResult> RunAsync(IngestionJobContext job, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        var jobId = job.Job.Id;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var document = await db.Documents.SingleAsync(d => d.Id == job.Job.DocumentId, ct);
        // The collection row first (shared): a grant or label change holds it FOR UPDATE while it recomputes chunk ACLs,
        // so it either finishes before the chunks below read the grants, or waits and then recomputes them too. Lock
        // order everywhere is collection, then document. Then the document row: two versions persist one after the other.
        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM collections WHERE id = {document.CollectionId} FOR SHARE", ct);
        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM documents WHERE id = {document.Id} FOR UPDATE", ct);
        if (await db.IngestionJobs.Where(j => j.Id == jobId).Select(j => j.CancelRequested).SingleAsync(ct))
        {
            await tx.RollbackAsync(ct);
            return IngestionStepResult.Cancelled;
        }

        await db.Chunks.Where(c => c.DocumentId == document.Id).ExecuteDeleteAsync(ct);
        var inserted = await db.Database.ExecuteSqlRawAsync($$"""
            INSERT INTO chunks (document_id, document_version_id, collection_id, ordinal, text, context, page, slide, sheet, cell_range,
                                heading_path, paragraph, token_count, content_hash, ocr_confidence, allowed_group_ids, sensitivity, embedding,
                                embedding_model, embedding_dimension, search_vector, created_at)
            SELECT d.id, {0}, d.collection_id, p.ordinal, p.text, p.context, p.page, p.slide, p.sheet, p.cell_range,
                   p.heading_path, p.paragraph, p.token_count, p.content_hash, p.ocr_confidence, {{AclUpdater.AllowedGroupsSqlFragment}}, col.sensitivity,
                   -- a label raised above the embedder's clearance since the embed step: keep no vector of it
                   CASE WHEN col.sensitivity <= {3} THEN p.embedding END,
                   CASE WHEN col.sensitivity <= {3} THEN p.embedding_model END,
                   CASE WHEN col.sensitivity <= {3} THEN p.embedding_dimension END, portal_search_vector(p.context_index_text, p.index_text), now()
            FROM pending_chunks p
            JOIN documents d ON d.id = {1}
            JOIN collections col ON col.id = d.collection_id
            WHERE p.job_id = {2}
            ORDER BY p.ordinal
            """, [job.Job.DocumentVersionId, document.Id, jobId, (int)clearance.MaxSensitivity], ct);
        if (PauseAfterChunksInsertedForTests is { } pause) await pause();

        document.CurrentVersionId = job.Job.DocumentVersionId;
        document.Status = DocumentStatus.Ready;
        document.FailureReason = null;
        document.FailureCode = null;
        document.FailureArgs = null;
        // An attachment keeps the title its message gave it ("attachment X of message Y").
        if (!document.TitleEdited && document.ParentDocumentId is null && !string.IsNullOrEmpty(job.Job.Title)) document.Title = job.Job.Title;
        document.ChunkCount = inserted;
        document.PageCount = job.Job.Pages;
        document.UpdatedAt = DateTimeOffset.UtcNow;
        var collection = await db.Collections.AsNoTracking().SingleAsync(c => c.Id == document.CollectionId, ct);
        if (collection.ReviewIntervalDays is { } days) document.ReviewDue = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(days));
        await db.DocumentVersions.Where(v => v.Id == job.Job.DocumentVersionId).ExecuteUpdateAsync(s => s.SetProperty(v => v.Status, DocumentStatus.Ready), ct);
        job.Job.Status = JobStatus.Succeeded;
        job.Job.CompletedStep = Name;
        job.Job.FinishedAt = DateTimeOffset.UtcNow;
        job.Job.ExtractedJson = null; // the chunks now hold the text; no second copy kept
        job.Job.LockedBy = null;
        job.Job.LockedUntil = null;
        await db.PendingChunks.Where(p => p.JobId == jobId).ExecuteDeleteAsync(ct);
        AuditLog.Add(db, "system", "document-indexed", "document", document.Id.ToString(), new { chunks = inserted, pages = job.Job.Pages, model = model.ModelId });
        await job.SaveAsync(db, ct);
        await tx.CommitAsync(ct);
        logger.LogInformation("Indexed document {DocumentId}: {Chunks} chunks in {Ms} ms", document.Id, inserted, sw.ElapsedMilliseconds);
        return IngestionStepResult.Completed;
    }
}
