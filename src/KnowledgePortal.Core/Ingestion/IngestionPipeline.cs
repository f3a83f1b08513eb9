using System.Diagnostics;
using System.Text.Json;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Audit;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion.Chunking;
using KnowledgePortal.Core.Ingestion.Embedding;
using KnowledgePortal.Core.Ingestion.Extraction;
using KnowledgePortal.Core.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pgvector;

namespace KnowledgePortal.Core.Ingestion;

/// <summary>
/// The named steps of ingestion: extract → chunk → embed → persist. Each step saves its output and the job's
/// CompletedStep before the next begins, so a retry or a worker taking over after a crash skips finished work.
/// Persist swaps the document's chunks in one transaction: a question sees the old version or the new, never half.
/// </summary>
public sealed class IngestionPipeline(
    IDbContextFactory<PortalDbContext> dbFactory,
    IEmbeddingGenerator<string, Embedding<float>> embedder,
    EmbeddingModelInfo model,
    EmbeddingClearance clearance,
    ITokenCounter tokens,
    IOptions<IngestionOptions> options,
    ILogger<IngestionPipeline> logger,
    ExtractionHost? extractionHost = null)
{
    public static readonly string[] Steps = ["extract", "chunk", "embed", "persist"];

    /// <summary>Tests pause the persist here (chunks inserted, transaction open) to race it against access changes.</summary>
    internal Func<Task>? PauseAfterChunksInsertedForTests { get; set; }
    private const int EmbedBatch = 64;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Runs the remaining steps of a claimed job. Throws only for transient errors worth retrying.</summary>
    public async Task RunAsync(Guid jobId, Func<Task> renewLease, CancellationToken ct)
    {
        var o = options.Value;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var job = await db.IngestionJobs.SingleAsync(j => j.Id == jobId, ct);
            if (job.CancelRequested) { await CancelAsync(jobId, ct); return; }

            try
            {
                if (job.CompletedStep == "none") await ExtractAsync(job, o, ct);
                await renewLease();
                if (await IsCancelled(jobId, ct)) { await CancelAsync(jobId, ct); return; }
                if (job.CompletedStep == "extract") await ChunkAsync(job, o, ct);
                await renewLease();
            }
            catch (ExtractionException ex)
            {
                await FailAsync(jobId, ex.Detail, ct);
                return;
            }
        }

        if (!await EmbedAsync(jobId, renewLease, ct)) { await CancelAsync(jobId, ct); return; }
        await PersistAsync(jobId, ct);
    }

    private async Task ExtractAsync(IngestionJob job, IngestionOptions o, CancellationToken ct)
    {
        await SetStatusAsync(job, DocumentStatus.Extracting, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var version = await db.DocumentVersions.AsNoTracking().SingleAsync(v => v.Id == job.DocumentVersionId, ct);
        var content = await db.StoredFiles.Where(f => f.Id == version.StoredFileId).Select(f => f.Content).SingleAsync(ct);

        // PdfPig and the OpenXml SDK cannot be interrupted: they run in a child process that is killed on timeout.
        // Text formats (own code, observes the token) and the in-process fallback run on a thread abandoned on timeout.
        var seconds = TimeSpan.FromSeconds(o.FileTimeoutSeconds);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(seconds);
        var limits = o.ToLimits();
        ExtractionResult result;
        try
        {
            result = o.IsolateExtraction && extractionHost is not null && IsolatedExtraction.IsWorthIsolating(content)
                ? await IsolatedExtraction.RunAsync(extractionHost, content, version.FileName, limits, seconds, ct)
                : await Task.Run(() => DocumentExtractor.Extract(content, version.FileName, limits, timeout.Token), timeout.Token)
                    .WaitAsync(seconds, ct);
        }
        catch (Exception ex) when (ex is TimeoutException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw new ExtractionException(ExtractionFailure.Timeout, IngestionMessages.Timeout(o.FileTimeoutSeconds));
        }

        job.ExtractedJson = JsonSerializer.Serialize(result, Json);
        job.Pages = result.PageCount;
        job.Title = DocumentTitles.Choose(result.Title, result.Blocks, version.FileName);
        job.Warnings = result.Warnings.Count == 0 ? null : string.Join("\n", result.Warnings.Take(50));
        job.CompletedStep = "extract";
        job.UpdatedAt = DateTimeOffset.UtcNow;
        await db.IngestionJobs.Where(j => j.Id == job.Id).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.ExtractedJson, job.ExtractedJson)
            .SetProperty(j => j.Pages, job.Pages)
            .SetProperty(j => j.Title, job.Title)
            .SetProperty(j => j.Warnings, job.Warnings)
            .SetProperty(j => j.CompletedStep, job.CompletedStep)
            .SetProperty(j => j.UpdatedAt, job.UpdatedAt), ct);
    }

    private async Task ChunkAsync(IngestionJob job, IngestionOptions o, CancellationToken ct)
    {
        await SetStatusAsync(job, DocumentStatus.Chunking, ct);
        var extracted = JsonSerializer.Deserialize<ExtractionResult>(job.ExtractedJson!, Json)!;
        var drafts = Chunker.Chunk(extracted.Blocks, new ChunkingOptions { MaxTokens = o.ChunkTokens, OverlapTokens = o.ChunkOverlapTokens }, tokens);
        if (drafts.Count == 0) throw new ExtractionException(ExtractionFailure.Empty, DocumentExtractor.EmptyMessage);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.PendingChunks.Where(p => p.JobId == job.Id).ExecuteDeleteAsync(ct);
        db.PendingChunks.AddRange(drafts.Select(d => new PendingChunk
        {
            JobId = job.Id, Ordinal = d.Ordinal, Text = d.Text, Context = d.Context,
            Page = d.Locator.Page, Slide = d.Locator.Slide, Sheet = d.Locator.Sheet, CellRange = d.Locator.CellRange,
            HeadingPath = d.Locator.HeadingPath, Paragraph = d.Locator.Paragraph, TokenCount = d.TokenCount, ContentHash = d.ContentHash,
            IndexText = SearchText.ToIndexText(d.Text),
            ContextIndexText = d.Context is null ? null : SearchText.ToIndexText(d.Context),
        }));
        await db.SaveChangesAsync(ct);
        await db.IngestionJobs.Where(j => j.Id == job.Id).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.CompletedStep, "chunk")
            .SetProperty(j => j.ChunksTotal, drafts.Count)
            .SetProperty(j => j.ChunksEmbedded, 0)
            .SetProperty(j => j.UpdatedAt, DateTimeOffset.UtcNow), ct);
        await tx.CommitAsync(ct);
        job.CompletedStep = "chunk";
    }

    /// <summary>Embeds pending chunks in batches; only chunks still without a vector are sent, so resuming is cheap.</summary>
    private async Task<bool> EmbedAsync(Guid jobId, Func<Task> renewLease, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var job = await db.IngestionJobs.AsNoTracking().SingleAsync(j => j.Id == jobId, ct);
        if (job.CompletedStep is "embed" or "persist") return true;
        await SetStatusAsync(job, DocumentStatus.Embedding, ct);
        var label = await db.Documents.Where(d => d.Id == job.DocumentId).Select(d => d.Collection!.Sensitivity).SingleAsync(ct);
        if (!clearance.Allows(label))
        {
            // Above the embedder's clearance: keyword search only; the text is never sent (persist checks again).
            logger.LogInformation("Document {DocumentId} is {Label}, above the embedder's clearance ({Clearance}): indexed for keyword search only",
                job.DocumentId, label, clearance.MaxSensitivity);
            await db.IngestionJobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s.SetProperty(j => j.CompletedStep, "embed"), ct);
            return true;
        }
        while (true)
        {
            if (await IsCancelled(jobId, ct)) return false;
            var batch = await db.PendingChunks.Where(p => p.JobId == jobId && p.Embedding == null)
                .OrderBy(p => p.Ordinal).Take(EmbedBatch).ToListAsync(ct);
            if (batch.Count == 0) break;
            var inputs = batch.Select(p => EmbeddingText(p.Context, p.Text)).ToList();
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
            var done = await db.PendingChunks.CountAsync(p => p.JobId == jobId && p.Embedding != null, ct);
            await db.IngestionJobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s
                .SetProperty(j => j.ChunksEmbedded, done).SetProperty(j => j.UpdatedAt, DateTimeOffset.UtcNow), ct);
            await renewLease();
        }
        await db.IngestionJobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s.SetProperty(j => j.CompletedStep, "embed"), ct);
        return true;
    }

    public static string EmbeddingText(string? context, string text) => context is null ? text : context + "\n" + text;

    private async Task PersistAsync(Guid jobId, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var job = await db.IngestionJobs.SingleAsync(j => j.Id == jobId, ct);
        if (job.Status == JobStatus.Succeeded) return;
        var document = await db.Documents.SingleAsync(d => d.Id == job.DocumentId, ct);
        // The collection row first (shared): a grant or label change holds it FOR UPDATE while it recomputes chunk ACLs,
        // so it either finishes before the chunks below read the grants, or waits and then recomputes them too. Lock
        // order everywhere is collection, then document. Then the document row: two versions persist one after the other.
        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM collections WHERE id = {document.CollectionId} FOR SHARE", ct);
        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM documents WHERE id = {document.Id} FOR UPDATE", ct);
        if (job.CancelRequested) { await tx.RollbackAsync(ct); await CancelAsync(jobId, ct); return; }

        await db.Chunks.Where(c => c.DocumentId == document.Id).ExecuteDeleteAsync(ct);
        var inserted = await db.Database.ExecuteSqlRawAsync($$"""
            INSERT INTO chunks (document_id, document_version_id, collection_id, ordinal, text, context, page, slide, sheet, cell_range,
                                heading_path, paragraph, token_count, content_hash, allowed_group_ids, sensitivity, embedding, embedding_model,
                                embedding_dimension, search_vector, created_at)
            SELECT d.id, {0}, d.collection_id, p.ordinal, p.text, p.context, p.page, p.slide, p.sheet, p.cell_range,
                   p.heading_path, p.paragraph, p.token_count, p.content_hash, {{AclUpdater.AllowedGroupsSqlFragment}}, col.sensitivity,
                   -- a label raised above the embedder's clearance since the embed step: keep no vector of it
                   CASE WHEN col.sensitivity <= {3} THEN p.embedding END,
                   CASE WHEN col.sensitivity <= {3} THEN p.embedding_model END,
                   CASE WHEN col.sensitivity <= {3} THEN p.embedding_dimension END, portal_search_vector(p.context_index_text, p.index_text), now()
            FROM pending_chunks p
            JOIN documents d ON d.id = {1}
            JOIN collections col ON col.id = d.collection_id
            WHERE p.job_id = {2}
            ORDER BY p.ordinal
            """, [job.DocumentVersionId, document.Id, jobId, (int)clearance.MaxSensitivity], ct);
        if (PauseAfterChunksInsertedForTests is { } pause) await pause();

        document.CurrentVersionId = job.DocumentVersionId;
        document.Status = DocumentStatus.Ready;
        document.FailureReason = null;
        document.FailureCode = null;
        document.FailureArgs = null;
        if (!document.TitleEdited && !string.IsNullOrEmpty(job.Title)) document.Title = job.Title;
        document.ChunkCount = inserted;
        document.PageCount = job.Pages;
        document.UpdatedAt = DateTimeOffset.UtcNow;
        var collection = await db.Collections.AsNoTracking().SingleAsync(c => c.Id == document.CollectionId, ct);
        if (collection.ReviewIntervalDays is { } days) document.ReviewDue = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(days));
        await db.DocumentVersions.Where(v => v.Id == job.DocumentVersionId).ExecuteUpdateAsync(s => s.SetProperty(v => v.Status, DocumentStatus.Ready), ct);
        job.Status = JobStatus.Succeeded;
        job.CompletedStep = "persist";
        job.FinishedAt = job.UpdatedAt = DateTimeOffset.UtcNow;
        job.ExtractedJson = null; // the chunks now hold the text; no second copy kept
        job.LockedBy = null;
        job.LockedUntil = null;
        await db.PendingChunks.Where(p => p.JobId == jobId).ExecuteDeleteAsync(ct);
        AuditLog.Add(db, "system", "document-indexed", "document", document.Id.ToString(), new { chunks = inserted, pages = job.Pages, model = model.ModelId });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        logger.LogInformation("Indexed document {DocumentId}: {Chunks} chunks in {Ms} ms", document.Id, inserted, sw.ElapsedMilliseconds);
    }

    private async Task SetStatusAsync(IngestionJob job, DocumentStatus status, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.DocumentVersions.Where(v => v.Id == job.DocumentVersionId).ExecuteUpdateAsync(s => s.SetProperty(v => v.Status, status), ct);
        // The document shows the progress of its newest version only.
        await db.Documents.Where(d => d.Id == job.DocumentId && !db.IngestionJobs.Any(j => j.DocumentId == d.Id && j.CreatedAt > job.CreatedAt))
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, status).SetProperty(d => d.UpdatedAt, DateTimeOffset.UtcNow), ct);
    }

    private async Task<bool> IsCancelled(Guid jobId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.IngestionJobs.Where(j => j.Id == jobId).Select(j => j.CancelRequested).SingleAsync(ct);
    }

    public async Task FailAsync(Guid jobId, PortalMessage reason, CancellationToken ct) =>
        await FinishUnsuccessfulAsync(jobId, JobStatus.Failed, DocumentStatus.Failed, reason, ct);

    private async Task CancelAsync(Guid jobId, CancellationToken ct) =>
        await FinishUnsuccessfulAsync(jobId, JobStatus.Cancelled, DocumentStatus.Cancelled, IngestionMessages.Cancelled(), ct);

    /// <summary>
    /// The job, its version and (when it is the newest) the document record the reason: English text for the CLI and
    /// the log, code and arguments on the document for the UI to translate.
    /// </summary>
    private async Task FinishUnsuccessfulAsync(Guid jobId, JobStatus jobStatus, DocumentStatus status, PortalMessage message, CancellationToken ct)
    {
        var reason = message.Text;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var job = await db.IngestionJobs.SingleAsync(j => j.Id == jobId, ct);
        job.Status = jobStatus;
        job.Error = reason;
        job.FinishedAt = job.UpdatedAt = DateTimeOffset.UtcNow;
        job.LockedBy = null;
        job.LockedUntil = null;
        job.ExtractedJson = null;
        await db.PendingChunks.Where(p => p.JobId == jobId).ExecuteDeleteAsync(ct);
        await db.DocumentVersions.Where(v => v.Id == job.DocumentVersionId)
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.Status, status).SetProperty(v => v.FailureReason, reason), ct);
        var isNewest = !await db.IngestionJobs.AnyAsync(j => j.DocumentId == job.DocumentId && j.CreatedAt > job.CreatedAt, ct);
        var indexedVersion = await db.Documents.Where(d => d.Id == job.DocumentId).Select(d => d.CurrentVersionId).SingleOrDefaultAsync(ct);
        var olderVersionIndexed = indexedVersion is not null && indexedVersion != job.DocumentVersionId;
        if (isNewest && olderVersionIndexed && jobStatus == JobStatus.Cancelled)
            // A cancelled update leaves the indexed version in place: the document is Ready and describes it again.
            await DocumentCommands.DescribeCurrentVersionAsync(db, job.DocumentId, ct);
        else if (isNewest)
        {
            var shown = olderVersionIndexed ? $"The new version could not be indexed: {reason} The previous version is still searchable." : reason;
            // The page tells from CurrentVersionId that an older version is still searchable; the code is the reason's.
            await db.Documents.Where(d => d.Id == job.DocumentId).ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, status).SetProperty(d => d.FailureReason, shown)
                .SetProperty(d => d.FailureCode, message.Code.Length == 0 ? null : message.Code)
                .SetProperty(d => d.FailureArgs, message.ArgsJson)
                .SetProperty(d => d.UpdatedAt, DateTimeOffset.UtcNow), ct);
        }
        if (jobStatus == JobStatus.Failed)
            AuditLog.Add(db, "system", "document-failed", "document", job.DocumentId.ToString(), new { reason, code = message.Code });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        logger.LogInformation("Ingestion job {JobId} ended {Status}", jobId, jobStatus);
    }
}
