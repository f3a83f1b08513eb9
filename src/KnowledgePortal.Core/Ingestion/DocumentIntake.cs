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

        var document = await db.Documents.FirstOrDefaultAsync(d => d.CollectionId == collectionId && d.FileName == fileName, ct);
        if (document is not null && document.Sha256 == sha && document.Status != DocumentStatus.Failed && document.Status != DocumentStatus.Cancelled)
            return new IntakeResult(IntakeOutcome.Unchanged, fileName, document.Id, null,
                PortalMessage.Create("Intake.Unchanged", "This exact file is already in the collection; nothing to do."));

        var stored = new StoredFile { Sha256 = sha, SizeBytes = content.LongLength, Content = content };
        db.StoredFiles.Add(stored);
        var contentType = DocumentFormats.ContentTypeOf(fileName);
        var isNew = document is null;
        if (document is null)
        {
            document = new Document
            {
                // The file name until the extract step finds the document's own title.
                CollectionId = collectionId, Title = Path.GetFileNameWithoutExtension(fileName), FileName = fileName,
                ContentType = contentType, SizeBytes = content.LongLength, Sha256 = sha, UploadedBy = actor.UserName,
            };
            db.Documents.Add(document);
        }
        else
        {
            document.Sha256 = sha;
            document.SizeBytes = content.LongLength;
            document.ContentType = contentType;
            document.UploadedBy = actor.UserName;
            document.Status = DocumentStatus.Queued;
            document.FailureReason = null;
            document.FailureCode = null;
            document.FailureArgs = null;
            document.UpdatedAt = DateTimeOffset.UtcNow;
            // A newer upload supersedes any job still running for an older version.
            await db.IngestionJobs.Where(j => j.DocumentId == document.Id && (j.Status == JobStatus.Queued || j.Status == JobStatus.Running))
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.CancelRequested, true), ct);
        }

        var versionNumber = isNew ? 1 : await db.DocumentVersions.Where(v => v.DocumentId == document.Id).MaxAsync(v => (int?)v.VersionNumber, ct) + 1 ?? 1;
        var version = new DocumentVersion
        {
            DocumentId = document.Id, VersionNumber = versionNumber, FileName = fileName, ContentType = contentType,
            SizeBytes = content.LongLength, Sha256 = sha, UploadedBy = actor.UserName, StoredFileId = stored.Id,
        };
        db.DocumentVersions.Add(version);
        var job = new IngestionJob { DocumentId = document.Id, DocumentVersionId = version.Id };
        db.IngestionJobs.Add(job);
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

    /// <summary>A file over the per-file limit (also checked by the page before reading the upload).</summary>
    public static PortalMessage TooLarge(long bytes, int limitMegabytes) => PortalMessage.Create("Intake.TooLarge",
        "The file is {size} MB; the limit is {limit} MB per file.",
        ("size", (bytes / 1024.0 / 1024.0).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)), ("limit", limitMegabytes));

    private static IntakeResult Reject(string fileName, PortalMessage message) => new(IntakeOutcome.Rejected, fileName, null, null, message);
}
