using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static KnowledgePortal.Tests.Ingestion.Integration.IngestionTestKit;

namespace KnowledgePortal.Tests.Ingestion.Integration;

/// <summary>Delete, cancel and retry, as a knowledge manager and as someone who may not manage the collection.</summary>
[Trait(TestTier.Name, TestTier.Db)]
public class DocumentCommandsTests : IAsyncLifetime
{
    private TestServices _services = null!;

    public async Task InitializeAsync() => _services = await TestServices.StartAsync("ingcmd");

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task DeleteAsync_KnowledgeManager_RemovesDocumentVersionsChunksAndFilesButKeepsAudit()
    {
        var km = await _services.UserAsync("km");
        var handbook = await _services.CollectionIdAsync(DemoData.Handbook);
        var keep = await _services.UploadOkAsync(km, handbook, "welcome-guide.pdf", DemoBytes("welcome-guide.pdf"));
        var id = await _services.UploadOkAsync(km, handbook, "handbook.docx", DemoBytes("employee-handbook.docx"));
        await _services.DrainQueueAsync();
        await _services.UploadOkAsync(km, handbook, "handbook.docx", DemoBytes("shain-handbook-ja.docx")); // version 2
        await _services.DrainQueueAsync();
        var keepChunks = (await _services.ChunksAsync(keep)).Count;
        Assert.Equal(2, (await _services.VersionsAsync(id)).Count);
        Assert.NotEmpty(await _services.ChunksAsync(id));

        Assert.True(await _services.Get<DocumentCommands>().DeleteAsync(km, id));

        await using (var db = _services.Db.CreateContext())
        {
            Assert.False(await db.Documents.AnyAsync(d => d.Id == id));
            Assert.False(await db.DocumentVersions.AnyAsync(v => v.DocumentId == id));
            Assert.False(await db.Chunks.AnyAsync(c => c.DocumentId == id));
            Assert.False(await db.IngestionJobs.AnyAsync(j => j.DocumentId == id));
            // Only the other document's original is left.
            var keepFile = await db.DocumentVersions.Where(v => v.DocumentId == keep).Select(v => v.StoredFileId).SingleAsync();
            Assert.Equal([keepFile], await db.StoredFiles.Select(f => f.Id).ToListAsync());
            Assert.Equal(0, await db.PendingChunks.CountAsync());
        }
        Assert.Equal(DocumentStatus.Ready, (await _services.DocumentAsync(keep)).Status);
        Assert.Equal(keepChunks, (await _services.ChunksAsync(keep)).Count);
        var audit = await _services.AuditAsync(id);
        Assert.Contains(audit, a => a.Action == "document-delete" && a.Actor == "km" && a.Details!.Contains("handbook.docx"));
        Assert.Contains(audit, a => a.Action == "document-upload");
        Assert.Contains(audit, a => a.Action == "document-indexed");
    }

    [Fact]
    public async Task DeleteAsync_StaffWithoutManageRight_RefusedAndNothingChanges()
    {
        var km = await _services.UserAsync("km");
        var staff = await _services.UserAsync("staff");
        var handbook = await _services.CollectionIdAsync(DemoData.Handbook);
        var id = await _services.UploadOkAsync(km, handbook, "welcome-guide.pdf", DemoBytes("welcome-guide.pdf"));
        await _services.DrainQueueAsync();
        var before = await _services.CountsAsync();
        var auditBefore = await _services.AuditAsync(id);

        Assert.False(await _services.Get<DocumentCommands>().DeleteAsync(staff, id));

        Assert.Equal(before, await _services.CountsAsync());
        Assert.Equal(DocumentStatus.Ready, (await _services.DocumentAsync(id)).Status);
        Assert.Equal(auditBefore.Select(a => a.Id), (await _services.AuditAsync(id)).Select(a => a.Id));
    }

    [Fact]
    public async Task CancelAsync_BeforeWorkerClaims_JobAndDocumentCancelledThenRetryIndexes()
    {
        var km = await _services.UserAsync("km");
        var staff = await _services.UserAsync("staff");
        var handbook = await _services.CollectionIdAsync(DemoData.Handbook);
        var upload = await _services.UploadAsync(km, handbook, "office-guide.pptx", DemoBytes("office-guide.pptx"));
        var id = upload.DocumentId!.Value;
        var commands = _services.Get<DocumentCommands>();

        Assert.False(await commands.CancelAsync(staff, id));
        Assert.Equal(JobStatus.Queued, Assert.Single(await _services.JobsAsync(id)).Status);

        Assert.True(await commands.CancelAsync(km, id));

        var cancelled = Assert.Single(await _services.JobsAsync(id));
        Assert.Equal(JobStatus.Cancelled, cancelled.Status);
        Assert.NotNull(cancelled.FinishedAt);
        Assert.Equal(DocumentStatus.Cancelled, (await _services.DocumentAsync(id)).Status);

        await _services.DrainQueueAsync(); // nothing to do: the cancelled job is never claimed
        cancelled = Assert.Single(await _services.JobsAsync(id));
        Assert.Equal(JobStatus.Cancelled, cancelled.Status);
        Assert.Equal(0, cancelled.Attempts);
        Assert.Empty(await _services.ChunksAsync(id));
        Assert.Equal(DocumentStatus.Cancelled, (await _services.DocumentAsync(id)).Status);

        Assert.Null(await commands.RetryAsync(staff, id));
        var retryJob = await commands.RetryAsync(km, id);
        Assert.NotNull(retryJob);
        Assert.Equal(DocumentStatus.Queued, (await _services.DocumentAsync(id)).Status);

        await _services.DrainQueueAsync();

        var document = await _services.DocumentAsync(id);
        Assert.Equal(DocumentStatus.Ready, document.Status);
        var jobs = await _services.JobsAsync(id);
        Assert.Equal(2, jobs.Count);
        Assert.Equal(JobStatus.Cancelled, jobs.Single(j => j.Id == cancelled.Id).Status);
        Assert.Equal(JobStatus.Succeeded, jobs.Single(j => j.Id == retryJob).Status);
        var chunks = await _services.ChunksAsync(id);
        Assert.NotEmpty(chunks);
        Assert.All(chunks, c => Assert.Equal(document.CurrentVersionId, c.DocumentVersionId));
        Assert.Contains(await _services.AuditAsync(id), a => a.Action == "document-retry" && a.Actor == "km");
    }

    [Fact]
    public async Task CancelAsync_NewVersionBeforeProcessing_OldVersionStaysReadyAndSameFileCanBeUploadedAgain()
    {
        var km = await _services.UserAsync("km");
        var handbook = await _services.CollectionIdAsync(DemoData.Handbook);
        var id = await _services.UploadOkAsync(km, handbook, "guide.pdf", DemoBytes("welcome-guide.pdf"));
        await _services.DrainQueueAsync();
        var v1 = Assert.Single(await _services.VersionsAsync(id));
        var v1Chunks = await _services.ChunksAsync(id);
        var v2Content = DemoBytes("api-style-guide.pdf");
        Assert.Equal(IntakeOutcome.NewVersion, (await _services.UploadAsync(km, handbook, "guide.pdf", v2Content)).Outcome);

        Assert.True(await _services.Get<DocumentCommands>().CancelAsync(km, id));
        await _services.DrainQueueAsync();

        // The indexed version is untouched and the document says so.
        var document = await _services.DocumentAsync(id);
        Assert.Equal(DocumentStatus.Ready, document.Status);
        Assert.Equal(v1.Id, document.CurrentVersionId);
        Assert.Equal(v1.Sha256, document.Sha256);
        Assert.Equal(v1Chunks.Select(c => c.Id), (await _services.ChunksAsync(id)).Select(c => c.Id));

        // The cancelled file was never indexed, so uploading it again is a new version, not "unchanged".
        var again = await _services.UploadAsync(km, handbook, "guide.pdf", v2Content);
        Assert.Equal(IntakeOutcome.NewVersion, again.Outcome);
        await _services.DrainQueueAsync();
        document = await _services.DocumentAsync(id);
        Assert.Equal(DocumentStatus.Ready, document.Status);
        Assert.Equal(3, (await _services.VersionsAsync(id)).Count);
        Assert.All(await _services.ChunksAsync(id), c => Assert.Equal(document.CurrentVersionId, c.DocumentVersionId));
        Assert.NotEqual(v1.Id, document.CurrentVersionId);
    }

    [Fact]
    public async Task CancelAsync_NewVersionWhileWorkerRuns_OldVersionStaysReady()
    {
        var km = await _services.UserAsync("km");
        var handbook = await _services.CollectionIdAsync(DemoData.Handbook);
        var id = await _services.UploadOkAsync(km, handbook, "guide.pdf", DemoBytes("welcome-guide.pdf"));
        await _services.DrainQueueAsync();
        var v1 = Assert.Single(await _services.VersionsAsync(id));
        var v1Chunks = await _services.ChunksAsync(id);
        await _services.UploadAsync(km, handbook, "guide.pdf", DemoBytes("api-style-guide.pdf"));
        await using (var db = _services.Db.CreateContext())
            // Another worker claimed the new version's job, and its lease ran out: the cancel request waits for a step boundary.
            await db.IngestionJobs.Where(j => j.DocumentId == id && j.Status == JobStatus.Queued).ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, JobStatus.Running).SetProperty(j => j.LockedBy, "crashed-worker")
                .SetProperty(j => j.LockedUntil, DateTimeOffset.UtcNow.AddSeconds(-1)));

        Assert.True(await _services.Get<DocumentCommands>().CancelAsync(km, id));
        Assert.NotEqual(DocumentStatus.Ready, (await _services.DocumentAsync(id)).Status); // still running
        await _services.DrainQueueAsync(); // the worker picks the job up and stops at its first step boundary

        var document = await _services.DocumentAsync(id);
        Assert.Equal(DocumentStatus.Ready, document.Status);
        Assert.Null(document.FailureReason);
        Assert.Equal(v1.Id, document.CurrentVersionId);
        Assert.Equal(v1.Sha256, document.Sha256);
        Assert.Equal(v1Chunks.Select(c => c.Id), (await _services.ChunksAsync(id)).Select(c => c.Id));
        await using var check = _services.Db.CreateContext();
        Assert.Equal(JobStatus.Cancelled, await check.IngestionJobs.Where(j => j.DocumentId == id).OrderByDescending(j => j.CreatedAt).Select(j => j.Status).FirstAsync());
    }

    [Fact]
    public async Task Pipeline_BrokenNewVersion_FailsSayingThePreviousVersionIsStillSearchable()
    {
        var km = await _services.UserAsync("km");
        var handbook = await _services.CollectionIdAsync(DemoData.Handbook);
        var id = await _services.UploadOkAsync(km, handbook, "guide.pdf", DemoBytes("welcome-guide.pdf"));
        await _services.DrainQueueAsync();
        var v1Chunks = await _services.ChunksAsync(id);
        var broken = DemoBytes("api-style-guide.pdf")[..2000]; // a truncated PDF

        await _services.UploadAsync(km, handbook, "guide.pdf", broken);
        await _services.DrainQueueAsync();

        var document = await _services.DocumentAsync(id);
        Assert.Equal(DocumentStatus.Failed, document.Status);
        Assert.StartsWith("The new version could not be indexed:", document.FailureReason);
        Assert.EndsWith("The previous version is still searchable.", document.FailureReason);
        Assert.Equal(v1Chunks.Select(c => c.Id), (await _services.ChunksAsync(id)).Select(c => c.Id));
    }
    [Fact]
    public async Task ReviewDate_ManagerSetsAndMarksReviewed_AuditedAndStaffRefused()
    {
        var km = await _services.UserAsync("km");
        var staff = await _services.UserAsync("staff");
        var handbook = await _services.CollectionIdAsync(DemoData.Handbook);
        var id = await _services.UploadOkAsync(km, handbook, "welcome-guide.pdf", DemoBytes("welcome-guide.pdf"));
        var commands = _services.Get<DocumentCommands>();
        var today = new DateOnly(2026, 12, 1);

        Assert.True(await commands.SetReviewDueAsync(km, id, today.AddDays(-1)));
        Assert.Equal(today.AddDays(-1), (await _services.DocumentAsync(id)).ReviewDue);

        // The demo handbook is reviewed yearly: "reviewed today" moves the next review a year on.
        Assert.True(await commands.MarkReviewedAsync(km, id, today));
        Assert.Equal(today.AddDays(365), (await _services.DocumentAsync(id)).ReviewDue);

        Assert.False(await commands.SetReviewDueAsync(staff, id, null));
        Assert.False(await commands.MarkReviewedAsync(staff, id, today));
        Assert.Equal(today.AddDays(365), (await _services.DocumentAsync(id)).ReviewDue);

        Assert.True(await commands.SetReviewDueAsync(km, id, null));
        Assert.Null((await _services.DocumentAsync(id)).ReviewDue);
        var audit = await _services.AuditAsync(id);
        Assert.Equal(2, audit.Count(a => a.Action == "document-review-date" && a.Actor == "km"));
        Assert.Contains(audit, a => a.Action == "document-reviewed" && a.Details!.Contains("2027-12-01"));
    }
}
