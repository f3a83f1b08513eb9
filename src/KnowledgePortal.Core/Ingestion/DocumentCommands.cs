using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Audit;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Core.Ingestion;

/// <summary>What knowledge managers do to documents after upload. Every method re-checks the manage right.</summary>
public sealed class DocumentCommands(IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>
    /// Removes the document — a message with its attachments — and all their chunks, versions and stored files; the
    /// audit trail keeps the event.
    /// </summary>
    public async Task<bool> DeleteAsync(UserAccess actor, Guid documentId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var document = await db.Documents.FirstOrDefaultAsync(d => d.Id == documentId, ct);
        if (document is null || !actor.CanManage(document.CollectionId)) return false;
        var attachments = await db.Documents.CountAsync(d => d.ParentDocumentId == documentId, ct);
        await DeleteRowsAsync(db, [documentId], ct);
        AuditLog.Add(db, actor.UserName, "document-delete", "document", documentId.ToString(),
            new { document.CollectionId, document.FileName, attachments });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>
    /// Deletes these documents and their attachments (an attached message's own too): chunks, rows (cascading to
    /// versions, jobs, pending chunks) and stored files, deepest first since the parent key restricts; in the caller's
    /// transaction.
    /// </summary>
    internal static async Task DeleteRowsAsync(PortalDbContext db, IReadOnlyCollection<Guid> documentIds, CancellationToken ct)
    {
        var levels = new List<List<Guid>>();
        for (var level = documentIds.ToList(); level.Count > 0;)
        {
            levels.Add(level);
            var parents = level;
            level = await db.Documents.Where(d => d.ParentDocumentId != null && parents.Contains(d.ParentDocumentId.Value)).Select(d => d.Id).ToListAsync(ct);
        }
        for (var i = levels.Count - 1; i >= 0; i--)
        {
            var ids = levels[i];
            var versions = await db.DocumentVersions.Where(v => ids.Contains(v.DocumentId)).Select(v => new { v.StoredFileId, v.PdfStoredFileId }).ToListAsync(ct);
            var fileIds = versions.Select(v => v.StoredFileId).Concat(versions.Where(v => v.PdfStoredFileId != null).Select(v => v.PdfStoredFileId!.Value)).ToList();
            await db.Chunks.Where(c => ids.Contains(c.DocumentId)).ExecuteDeleteAsync(ct);
            await db.Documents.Where(d => ids.Contains(d.Id)).ExecuteDeleteAsync(ct);
            await db.StoredFiles.Where(f => fileIds.Contains(f.Id)).ExecuteDeleteAsync(ct);
        }
    }

    /// <summary>Asks the worker to stop a queued or running job at its next step boundary.</summary>
    public async Task<bool> CancelAsync(UserAccess actor, Guid documentId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var document = await db.Documents.AsNoTracking().FirstOrDefaultAsync(d => d.Id == documentId, ct);
        if (document is null || !actor.CanManage(document.CollectionId)) return false;
        var n = await db.IngestionJobs.Where(j => j.DocumentId == documentId && (j.Status == JobStatus.Queued || j.Status == JobStatus.Running))
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.CancelRequested, true), ct);
        // A job not yet claimed is cancelled at once.
        await db.IngestionJobs.Where(j => j.DocumentId == documentId && j.Status == JobStatus.Queued && j.LockedBy == null)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Cancelled).SetProperty(j => j.FinishedAt, DateTimeOffset.UtcNow), ct);
        if (n > 0 && !await db.IngestionJobs.AnyAsync(j => j.DocumentId == documentId && j.Status == JobStatus.Running, ct))
        {
            if (document.CurrentVersionId is null)
                await db.Documents.Where(d => d.Id == documentId && d.Status != DocumentStatus.Ready && d.CurrentVersionId == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DocumentStatus.Cancelled), ct);
            else
                await DescribeCurrentVersionAsync(db, documentId, ct);
        }
        return n > 0;
    }

    /// <summary>
    /// After an update was cancelled the indexed version stays; the document is Ready and describes that version again
    /// (not the cancelled upload), so uploading the cancelled file later is a new version rather than "unchanged".
    /// </summary>
    internal static async Task DescribeCurrentVersionAsync(PortalDbContext db, Guid documentId, CancellationToken ct)
    {
        var current = await db.DocumentVersions.AsNoTracking()
            .Where(v => db.Documents.Any(d => d.Id == documentId && d.CurrentVersionId == v.Id)).FirstOrDefaultAsync(ct);
        if (current is null) return;
        await db.Documents.Where(d => d.Id == documentId && d.CurrentVersionId == current.Id)
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, DocumentStatus.Ready)
                .SetProperty(d => d.FailureReason, (string?)null)
                .SetProperty(d => d.FailureCode, (string?)null)
                .SetProperty(d => d.FailureArgs, (string?)null)
                .SetProperty(d => d.Sha256, current.Sha256)
                .SetProperty(d => d.SizeBytes, current.SizeBytes)
                .SetProperty(d => d.ContentType, current.ContentType)
                .SetProperty(d => d.UpdatedAt, DateTimeOffset.UtcNow), ct);
    }

    /// <summary>Queues the newest version of a failed or cancelled document again, from the start.</summary>
    public async Task<Guid?> RetryAsync(UserAccess actor, Guid documentId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var document = await db.Documents.FirstOrDefaultAsync(d => d.Id == documentId, ct);
        if (document is null || !actor.CanManage(document.CollectionId)) return null;
        var version = await db.DocumentVersions.Where(v => v.DocumentId == documentId).OrderByDescending(v => v.VersionNumber).FirstAsync(ct);
        var job = new IngestionJob { DocumentId = documentId, DocumentVersionId = version.Id };
        db.IngestionJobs.Add(job);
        document.Status = DocumentStatus.Queued;
        document.FailureReason = null;
        document.FailureCode = null;
        document.FailureArgs = null;
        AuditLog.Add(db, actor.UserName, "document-retry", "document", documentId.ToString(), new { version = version.VersionNumber });
        await db.SaveChangesAsync(ct);
        return job.Id;
    }

    /// <summary>
    /// Gives the document the title a manager typed (cleaned, at most <see cref="DocumentTitles.MaxLength"/> characters);
    /// indexing a new version keeps it. A blank title is refused. Returns false when not allowed or not found.
    /// </summary>
    public async Task<bool> SetTitleAsync(UserAccess actor, Guid documentId, string title, CancellationToken ct = default)
    {
        if (DocumentTitles.Clean(title) is not { } clean) return false;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var document = await db.Documents.FirstOrDefaultAsync(d => d.Id == documentId, ct);
        if (document is null || !actor.CanManage(document.CollectionId)) return false;
        var before = document.Title;
        if (before == clean && document.TitleEdited) return true;
        document.Title = clean;
        document.TitleEdited = true;
        document.UpdatedAt = DateTimeOffset.UtcNow;
        AuditLog.Add(db, actor.UserName, "document-title", "document", documentId.ToString(), new { before, after = clean });
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>
    /// Sets when the document is next due for review (null: never). Knowledge managers use it for documents whose
    /// review cycle differs from their collection's.
    /// </summary>
    public Task<bool> SetReviewDueAsync(UserAccess actor, Guid documentId, DateOnly? reviewDue, CancellationToken ct = default) =>
        ChangeReviewDueAsync(actor, documentId, "document-review-date", _ => reviewDue, ct);

    /// <summary>
    /// Records that a manager reviewed the document today: it is next due after its collection's review interval
    /// (or never, when the collection has none).
    /// </summary>
    public Task<bool> MarkReviewedAsync(UserAccess actor, Guid documentId, DateOnly today, CancellationToken ct = default) =>
        ChangeReviewDueAsync(actor, documentId, "document-reviewed",
            interval => interval is { } days ? today.AddDays(days) : null, ct);

    private async Task<bool> ChangeReviewDueAsync(UserAccess actor, Guid documentId, string action, Func<int?, DateOnly?> nextDue,
        CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Documents.Where(d => d.Id == documentId)
            .Select(d => new { Document = d, Interval = db.Collections.Where(c => c.Id == d.CollectionId).Select(c => c.ReviewIntervalDays).Single() })
            .FirstOrDefaultAsync(ct);
        if (row is null || !actor.CanManage(row.Document.CollectionId)) return false;
        var document = row.Document;
        var before = document.ReviewDue;
        document.ReviewDue = nextDue(row.Interval);
        AuditLog.Add(db, actor.UserName, action, "document", documentId.ToString(),
            new { before = before?.ToString("yyyy-MM-dd"), after = document.ReviewDue?.ToString("yyyy-MM-dd") });
        await db.SaveChangesAsync(ct);
        return true;
    }
}
