using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static KnowledgePortal.Tests.Ingestion.Integration.IngestionTestKit;

namespace KnowledgePortal.Tests.Ingestion.Integration;

/// <summary>Upload → queue → worker → chunks in PostgreSQL, with real Office and PDF files and the built-in embedder.</summary>
[Trait(TestTier.Name, TestTier.Db)]
public class UploadAndIndexTests : IAsyncLifetime
{
    private TestServices _services = null!;

    public async Task InitializeAsync() => _services = await TestServices.StartAsync("ingupload");

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task UploadAsync_DocxPptxXlsxPdf_AllReadyWithLocatorsAclAndEmbeddings()
    {
        var km = await _services.UserAsync("km");
        var handbook = await _services.CollectionIdAsync(DemoData.Handbook);
        var files = new[] { "employee-handbook.docx", "office-guide.pptx", "holiday-calendar-2026.xlsx", "welcome-guide.pdf" };
        var ids = new Dictionary<string, Guid>();
        foreach (var file in files)
        {
            var result = await _services.UploadAsync(km, handbook, file, DemoBytes(file));
            Assert.Equal(IntakeOutcome.Queued, result.Outcome);
            ids[file] = result.DocumentId!.Value;
        }

        await _services.DrainQueueAsync();

        var granted = await _services.GrantedGroupIdsAsync(handbook);
        Assert.NotEmpty(granted);
        foreach (var file in files)
        {
            var id = ids[file];
            var document = await _services.DocumentAsync(id);
            Assert.True(document.Status == DocumentStatus.Ready, $"{file}: {document.Status} {document.FailureReason}");
            Assert.Null(document.FailureReason);
            var version = Assert.Single(await _services.VersionsAsync(id));
            Assert.Equal(version.Id, document.CurrentVersionId);
            Assert.Equal(DocumentStatus.Ready, version.Status);

            var chunks = await _services.ChunksAsync(id);
            Assert.NotEmpty(chunks);
            Assert.Equal(chunks.Count, document.ChunkCount);
            Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(c => c.Ordinal));
            foreach (var chunk in chunks)
            {
                Assert.Equal(version.Id, chunk.DocumentVersionId);
                Assert.Equal(handbook, chunk.CollectionId);
                Assert.Equal(granted, chunk.AllowedGroupIds.Order().ToArray());
                Assert.Equal("kp-hash-384-v1", chunk.EmbeddingModel);
                Assert.Equal(384, chunk.EmbeddingDimension);
                Assert.NotNull(chunk.Embedding);
                Assert.Equal(384, chunk.Embedding!.ToArray().Length);
                Assert.False(string.IsNullOrWhiteSpace(chunk.Text));
            }
            await using (var db = _services.Db.CreateContext())
                Assert.Equal(0, await db.Chunks.CountAsync(c => c.DocumentId == id && c.SearchVector == null));

            switch (Path.GetExtension(file))
            {
                case ".pdf":
                    Assert.All(chunks, c => Assert.True(c.Page is >= 1, $"pdf chunk {c.Ordinal} without a page"));
                    Assert.All(chunks, c => Assert.Null(c.Slide));
                    Assert.Contains(chunks, c => c.Page == 2);
                    break;
                case ".pptx":
                    Assert.All(chunks, c => Assert.True(c.Slide is >= 1, $"pptx chunk {c.Ordinal} without a slide"));
                    Assert.All(chunks, c => Assert.Null(c.Page));
                    Assert.True(chunks.Select(c => c.Slide).Distinct().Count() > 1, "every chunk on one slide");
                    break;
                case ".xlsx":
                    Assert.All(chunks, c => Assert.False(string.IsNullOrEmpty(c.Sheet), $"xlsx chunk {c.Ordinal} without a sheet"));
                    Assert.All(chunks, c => Assert.Matches("^[A-Z]+[0-9]+(:[A-Z]+[0-9]+)?$", c.CellRange ?? ""));
                    break;
                case ".docx":
                    // Only the preamble (title and introduction before the first heading) has no heading path.
                    var preamble = chunks.TakeWhile(c => string.IsNullOrEmpty(c.HeadingPath)).ToList();
                    Assert.True(preamble.Count <= 1, $"{preamble.Count} chunks before the first heading");
                    Assert.All(preamble, c => Assert.Contains("Version 2026.1", c.Text));
                    Assert.All(chunks.Skip(preamble.Count), c => Assert.False(string.IsNullOrEmpty(c.HeadingPath), $"docx chunk {c.Ordinal} without a heading path"));
                    Assert.All(chunks, c => Assert.True(c.Page is null && c.Slide is null && c.Sheet is null));
                    Assert.Contains(chunks, c => c.HeadingPath?.Contains("Annual leave") == true);
                    break;
            }

            var job = Assert.Single(await _services.JobsAsync(id));
            Assert.Equal(JobStatus.Succeeded, job.Status);
            Assert.Equal("persist", job.CompletedStep);
            Assert.Equal(1, job.Attempts);
            Assert.Equal(chunks.Count, job.ChunksTotal);
            Assert.Equal(chunks.Count, job.ChunksEmbedded);
            Assert.Null(job.LockedBy);
            Assert.Null(job.ExtractedJson);
            Assert.NotNull(job.FinishedAt);

            var audit = await _services.AuditAsync(id);
            Assert.Contains(audit, a => a.Action == "document-upload" && a.Actor == "km");
            Assert.Contains(audit, a => a.Action == "document-indexed");
        }

        Assert.Equal(2, (await _services.DocumentAsync(ids["welcome-guide.pdf"])).PageCount);
        Assert.Equal(5, (await _services.DocumentAsync(ids["office-guide.pptx"])).PageCount);
        await using (var db = _services.Db.CreateContext())
            Assert.Equal(0, await db.PendingChunks.CountAsync());
    }

    [Fact]
    public async Task UploadAsync_IdenticalFileAgain_UnchangedWithoutNewJobOrVersion()
    {
        var km = await _services.UserAsync("km");
        var handbook = await _services.CollectionIdAsync(DemoData.Handbook);
        var content = DemoBytes("welcome-guide.pdf");
        var id = await _services.UploadOkAsync(km, handbook, "welcome-guide.pdf", content);
        await _services.DrainQueueAsync();
        var before = await _services.CountsAsync();

        var again = await _services.UploadAsync(km, handbook, "welcome-guide.pdf", content.ToArray());

        Assert.Equal(IntakeOutcome.Unchanged, again.Outcome);
        Assert.Equal(id, again.DocumentId);
        Assert.Null(again.JobId);
        Assert.Equal(before, await _services.CountsAsync());
        Assert.Single(await _services.JobsAsync(id));
        Assert.Single(await _services.VersionsAsync(id));
        Assert.Equal(DocumentStatus.Ready, (await _services.DocumentAsync(id)).Status);
        Assert.DoesNotContain(await _services.AuditAsync(id), a => a.Action == "document-version");
    }

    [Fact]
    public async Task UploadAsync_SameNameNewContent_NewVersionReplacesAllChunks()
    {
        var km = await _services.UserAsync("km");
        var handbook = await _services.CollectionIdAsync(DemoData.Handbook);
        var id = await _services.UploadOkAsync(km, handbook, "guide.pdf", DemoBytes("welcome-guide.pdf"));
        await _services.DrainQueueAsync();
        var v1Chunks = await _services.ChunksAsync(id);
        var v1 = Assert.Single(await _services.VersionsAsync(id));

        var result = await _services.UploadAsync(km, handbook, "guide.pdf", DemoBytes("api-style-guide.pdf"));

        Assert.Equal(IntakeOutcome.NewVersion, result.Outcome);
        Assert.Equal(id, result.DocumentId);
        var versions = await _services.VersionsAsync(id);
        Assert.Equal([1, 2], versions.Select(v => v.VersionNumber));
        var v2 = versions[1];
        // Until the new version is persisted, the old one is what readers see.
        Assert.Equal(v1Chunks.Select(c => c.Id), (await _services.ChunksAsync(id)).Select(c => c.Id));
        Assert.Equal(v1.Id, (await _services.DocumentAsync(id)).CurrentVersionId);

        await _services.DrainQueueAsync();

        var document = await _services.DocumentAsync(id);
        Assert.Equal(DocumentStatus.Ready, document.Status);
        Assert.Equal(v2.Id, document.CurrentVersionId);
        Assert.Equal(3, document.PageCount);
        var v2Chunks = await _services.ChunksAsync(id);
        Assert.NotEmpty(v2Chunks);
        Assert.All(v2Chunks, c => Assert.Equal(v2.Id, c.DocumentVersionId));
        Assert.Empty(v2Chunks.Select(c => c.Id).Intersect(v1Chunks.Select(c => c.Id)));
        Assert.Equal(v2Chunks.Count, document.ChunkCount);
        Assert.Contains(v2Chunks, c => c.Text.Contains("pagination", StringComparison.OrdinalIgnoreCase));
        await using (var db = _services.Db.CreateContext())
        {
            Assert.Equal(0, await db.Chunks.CountAsync(c => c.DocumentVersionId == v1.Id));
            Assert.Equal(0, await db.PendingChunks.CountAsync());
            Assert.Equal(2, await db.StoredFiles.CountAsync()); // both originals kept as version history
        }
        var jobs = await _services.JobsAsync(id);
        Assert.Equal(2, jobs.Count);
        Assert.All(jobs, j => Assert.Equal(JobStatus.Succeeded, j.Status));
        Assert.Contains(await _services.AuditAsync(id), a => a.Action == "document-version" && a.Actor == "km");
    }
}
