using System.Security.Cryptography;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Audit;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion.Extraction;
using KnowledgePortal.Core.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Core.Ingestion;

public enum IntakeOutcome { Queued, NewVersion, Unchanged, Rejected }

/// <param name="Message">English text (CLI, API).</param>
/// <param name="Detail">The same as a <see cref="PortalMessage"/>, for the UI to translate; null for messages made outside Core.</param>
public sealed record IntakeResult(IntakeOutcome Outcome, string FileName, Guid? DocumentId, Guid? JobId, string Message, PortalMessage? Detail = null)
{
    public IntakeResult(IntakeOutcome outcome, string fileName, Guid? documentId, Guid? jobId, PortalMessage detail)
        : this(outcome, fileName, documentId, jobId, detail.Text, detail) { }
}

/// <summary>
/// Accepts uploads: stores the original, creates the document (or its next version) and queues an ingestion job,
/// all in one transaction. Re-uploading identical bytes under the same name is a no-op that says so.
/// </summary>
public sealed class DocumentIntake(IDbContextFactory<PortalDbContext> dbFactory, IOptions<IngestionOptions> options)
{
    public async Task<IntakeResult> UploadAsync(UserAccess actor, int collectionId, string fileName, byte[] content, CancellationToken ct = default)
    {
        fileName = Path.GetFileName(fileName.Replace('\\', '/')).Trim();
        if (fileName.Length == 0 || fileName.Length > 255)
            return Reject(fileName, PortalMessage.Create("Intake.BadName", "The file name is empty or longer than 255 characters."));
        if (!actor.CanManage(collectionId))
            return Reject(fileName, PortalMessage.Create("Intake.NotAllowed", "You may not add documents to this collection."));
        var maxBytes = options.Value.MaxFileMegabytes * 1024L * 1024;
        if (content.LongLength > maxBytes)
            return Reject(fileName, TooLarge(content.LongLength, options.Value.MaxFileMegabytes));
        if (content.Length == 0)
            return Reject(fileName, PortalMessage.Create("Intake.Empty", "The file is empty."));

        var sha = Convert.ToHexStringLower(SHA256.HashData(content));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Serialise uploads of the same name into the same collection, so two at once cannot both create version 1.
        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock(hashtext({collectionId + "/" + fileName.ToLowerInvariant()}))", ct);

        var document = await db.Documents.FirstOrDefaultAsync(d => d.CollectionId == collectionId && d.ParentDocumentId == null && d.FileName == fileName, ct);
        if (document is not null && document.Sha256 == sha && document.Status != DocumentStatus.Failed && document.Status != DocumentStatus.Cancelled)
            return new IntakeResult(IntakeOutcome.Unchanged, fileName, document.Id, null,
                PortalMessage.Create("Intake.Unchanged", "This exact file is already in the collection; nothing to do."));

        var (isNew, versionNumber, saved, job) = await AddVersionAsync(db, document, () => new Document
        {
            // The file name until the extract step finds the document's own title.
            CollectionId = collectionId, Title = Path.GetFileNameWithoutExtension(fileName), FileName = fileName,
            ContentType = DocumentFormats.ContentTypeOf(fileName), SizeBytes = content.LongLength, Sha256 = sha, UploadedBy = actor.UserName,
        }, fileName, content, sha, actor.UserName, ct);
        document = saved;
        AuditLog.Add(db, actor.UserName, isNew ? "document-upload" : "document-version", "document", document.Id.ToString(),
            new { collectionId, fileName, version = versionNumber, sizeBytes = content.LongLength, sha256 = sha });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        await db.Database.ExecuteSqlRawAsync("NOTIFY kp_ingestion", ct);
        return new IntakeResult(isNew ? IntakeOutcome.Queued : IntakeOutcome.NewVersion, fileName, document.Id, job.Id,
            isNew ? PortalMessage.Create("Intake.Queued", "Queued for indexing.")
                : PortalMessage.Create("Intake.NewVersion", "Version {version} queued; the previous version stays searchable until it is ready.",
                    ("version", versionNumber)));
    }

    /// <summary>
    /// Stores <paramref name="content"/> as the next version of <paramref name="document"/> — or as version 1 of the
    /// one <paramref name="create"/> makes when there is none — and queues its ingestion job; a job still running for
    /// an older version is asked to stop. Saved by the caller's SaveChanges, in the caller's transaction.
    /// </summary>
    private static async Task<(bool IsNew, int VersionNumber, Document Document, IngestionJob Job)> AddVersionAsync(PortalDbContext db, Document? document,
        Func<Document> create, string fileName, byte[] content, string sha, string uploadedBy, CancellationToken ct)
    {
        var stored = new StoredFile { Sha256 = sha, SizeBytes = content.LongLength, Content = content };
        db.StoredFiles.Add(stored);
        var contentType = DocumentFormats.ContentTypeOf(fileName);
        var isNew = document is null;
        if (document is null)
        {
            document = create();
            db.Documents.Add(document);
        }
        else
        {
            document.Sha256 = sha;
            document.SizeBytes = content.LongLength;
            document.ContentType = contentType;
            document.UploadedBy = uploadedBy;
            document.Status = DocumentStatus.Queued;
            document.FailureReason = null;
            document.FailureCode = null;
            document.FailureArgs = null;
            document.UpdatedAt = DateTimeOffset.UtcNow;
            // A newer upload supersedes any job still running for an older version.
            var id = document.Id;
            await db.IngestionJobs.Where(j => j.DocumentId == id && (j.Status == JobStatus.Queued || j.Status == JobStatus.Running))
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.CancelRequested, true), ct);
        }

        var documentId = document.Id;
        var versionNumber = isNew ? 1 : await db.DocumentVersions.Where(v => v.DocumentId == documentId).MaxAsync(v => (int?)v.VersionNumber, ct) + 1 ?? 1;
        var version = new DocumentVersion
        {
            DocumentId = document.Id, VersionNumber = versionNumber, FileName = fileName, ContentType = contentType,
            SizeBytes = content.LongLength, Sha256 = sha, UploadedBy = uploadedBy, StoredFileId = stored.Id,
        };
        db.DocumentVersions.Add(version);
        var job = new IngestionJob { DocumentId = document.Id, DocumentVersionId = version.Id };
        db.IngestionJobs.Add(job);
        return (isNew, versionNumber, document, job);
    }

    /// <summary>What an attachment is called wherever it is cited or listed.</summary>
    public static string AttachmentTitle(string attachmentName, string messageTitle) => $"attachment {attachmentName} of message {messageTitle}";

    /// <summary>
    /// Makes the message's attachment documents match <paramref name="attachments"/>: a new or changed attachment is
    /// queued (a new version of the one of the same name), one the message no longer carries is deleted, an unchanged
    /// one stays. Attachments take the message's collection, restriction and uploader, so exactly who may read the
    /// message may read them. The job of a superseded version (a newer upload, or cancelled) changes nothing, so an
    /// older version finishing late never brings back its attachments. Returns the number queued.
    /// </summary>
    internal async Task<int> ReplaceAttachmentsAsync(Guid jobId, Guid messageId, string messageTitle, IReadOnlyList<MailAttachment> attachments,
        CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Lock order as everywhere: collection, then document; two versions of one message replace its attachments in turn.
        var collectionId = await db.Documents.Where(d => d.Id == messageId).Select(d => (int?)d.CollectionId).SingleOrDefaultAsync(ct);
        if (collectionId is null) return 0;
        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM collections WHERE id = {collectionId} FOR SHARE", ct);
        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM documents WHERE id = {messageId} FOR UPDATE", ct);
        var job = await db.IngestionJobs.AsNoTracking().SingleAsync(j => j.Id == jobId, ct);
        if (job.CancelRequested || await db.IngestionJobs.AnyAsync(j => j.DocumentId == messageId && j.CreatedAt > job.CreatedAt, ct)) return 0;
        var message = await db.Documents.SingleAsync(d => d.Id == messageId, ct);
        var existing = await db.Documents.Where(d => d.ParentDocumentId == messageId).ToListAsync(ct);
        var queued = 0;
        foreach (var attachment in attachments)
        {
            var sha = Convert.ToHexStringLower(SHA256.HashData(attachment.Content));
            var child = existing.FirstOrDefault(d => string.Equals(d.FileName, attachment.FileName, StringComparison.Ordinal));
            var title = DocumentTitles.Clean(AttachmentTitle(attachment.FileName, messageTitle)) ?? attachment.FileName;
            if (child is not null)
            {
                child.Title = title;
                child.RestrictedToGroupIds = message.RestrictedToGroupIds;
                if (child.Sha256 == sha && child.Status is not (DocumentStatus.Failed or DocumentStatus.Cancelled)) continue;
            }
            await AddVersionAsync(db, child, () => new Document
            {
                CollectionId = message.CollectionId, ParentDocumentId = message.Id, RestrictedToGroupIds = message.RestrictedToGroupIds,
                Title = title, FileName = attachment.FileName, ContentType = DocumentFormats.ContentTypeOf(attachment.FileName),
                SizeBytes = attachment.Content.LongLength, Sha256 = sha, UploadedBy = message.UploadedBy,
            }, attachment.FileName, attachment.Content, sha, message.UploadedBy, ct);
            queued++;
        }
        var gone = existing.Where(d => !attachments.Any(a => string.Equals(a.FileName, d.FileName, StringComparison.Ordinal))).Select(d => d.Id).ToList();
        await DocumentCommands.DeleteRowsAsync(db, gone, ct);
        AuditLog.Add(db, "system", "message-attachments", "document", messageId.ToString(),
            new { attachments = attachments.Select(a => a.FileName).ToArray(), queued, removed = gone.Count });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        if (queued > 0) await db.Database.ExecuteSqlRawAsync("NOTIFY kp_ingestion", ct);
        return queued;
    }

    /// <summary>A file over the per-file limit (also checked by the page before reading the upload).</summary>
    public static PortalMessage TooLarge(long bytes, int limitMegabytes) => PortalMessage.Create("Intake.TooLarge",
        "The file is {size} MB; the limit is {limit} MB per file.",
        ("size", (bytes / 1024.0 / 1024.0).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)), ("limit", limitMegabytes));

    private static IntakeResult Reject(string fileName, PortalMessage message) => new(IntakeOutcome.Rejected, fileName, null, null, message);
}
