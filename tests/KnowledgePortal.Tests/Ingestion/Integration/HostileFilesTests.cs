using System.Text;
using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static KnowledgePortal.Tests.Ingestion.Integration.IngestionTestKit;

namespace KnowledgePortal.Tests.Ingestion.Integration;

/// <summary>Encrypted, damaged, oversized and hostile files fail one by one with a reason; the good ones and the worker carry on.</summary>
[Trait(TestTier.Name, TestTier.Db)]
public class HostileFilesTests
{
    [Fact]
    public async Task DrainQueueAsync_BatchWithHostileFiles_BadFilesFailWithReasonGoodFilesReadyWorkerStillWorks()
    {
        await using var services = await TestServices.StartAsync("inghostile");
        var km = await services.UserAsync("km");
        var handbook = await services.CollectionIdAsync(DemoData.Handbook);

        var good = new Dictionary<string, byte[]>
        {
            ["employee-handbook.docx"] = DemoBytes("employee-handbook.docx"),
            ["welcome-guide.pdf"] = DemoBytes("welcome-guide.pdf"),
            ["holiday-calendar-2026.xlsx"] = DemoBytes("holiday-calendar-2026.xlsx"),
            ["en_feature_sampler.pptx"] = Corpus("en_feature_sampler.pptx"),
        };
        // Each bad file with words its reason must contain (any of them).
        var bad = new Dictionary<string, (byte[] Content, string[] Keywords)>
        {
            ["enc_docx_pw_tika.docx"] = (Corpus("enc_docx_pw_tika.docx"), ["password"]),
            ["enc_user_pw_password.pdf"] = (Corpus("enc_user_pw_password.pdf"), ["password"]),
            ["bad_truncated.docx"] = (Corpus("bad_truncated.docx"), ["damaged", "corrupt"]),
            ["adv_shared_strings_bomb.xlsx"] = (Corpus("adv_shared_strings_bomb.xlsx"), ["too large", "limit"]),
            ["adv_xxe_in_text.docx"] = (Corpus("adv_xxe_in_text.docx"), ["DTD", "external entities"]),
            ["scan_image_only_ocr.pdf"] = (Corpus("scan_image_only_ocr.pdf"), ["no text layer"]),
            ["bomb.docx"] = (ZipBomb(), ["zip bomb"]),
            ["fake.pdf"] = (Encoding.UTF8.GetBytes("This is a plain text note saved with a .pdf name.\nIt has no PDF header at all.\n"),
                ["does not match a supported format"]),
        };
        Assert.True(bad["bomb.docx"].Content.Length < 1024 * 1024, "the zip bomb should be small on disk");

        var ids = new Dictionary<string, Guid>();
        foreach (var (name, content) in good) ids[name] = await services.UploadOkAsync(km, handbook, name, content);
        foreach (var (name, (content, _)) in bad) ids[name] = await services.UploadOkAsync(km, handbook, name, content);

        await services.DrainQueueAsync();

        foreach (var name in good.Keys)
        {
            var document = await services.DocumentAsync(ids[name]);
            Assert.True(document.Status == DocumentStatus.Ready, $"{name}: {document.Status} {document.FailureReason}");
            Assert.NotEmpty(await services.ChunksAsync(ids[name]));
        }
        foreach (var (name, (_, keywords)) in bad)
        {
            var document = await services.DocumentAsync(ids[name]);
            Assert.True(document.Status == DocumentStatus.Failed, $"{name}: {document.Status}");
            AssertHumanReason(document.FailureReason);
            AssertContainsAny(document.FailureReason, keywords);
            var job = Assert.Single(await services.JobsAsync(ids[name]));
            Assert.Equal(JobStatus.Failed, job.Status);
            Assert.Equal(document.FailureReason, job.Error);
            Assert.Equal(1, job.Attempts); // a file that cannot be read is not retried
            Assert.Null(job.LockedBy);
            Assert.Null(document.CurrentVersionId);
            Assert.Empty(await services.ChunksAsync(ids[name]));
            Assert.Equal(DocumentStatus.Failed, Assert.Single(await services.VersionsAsync(ids[name])).Status);
            Assert.Contains(await services.AuditAsync(ids[name]), a => a.Action == "document-failed");
        }
        Assert.Contains("bomb", (await services.DocumentAsync(ids["bomb.docx"])).FailureReason, StringComparison.OrdinalIgnoreCase);
        AssertContainsAny((await services.DocumentAsync(ids["bomb.docx"])).FailureReason, "limit", "too large");
        await using (var db = services.Db.CreateContext())
        {
            Assert.Equal(0, await db.PendingChunks.CountAsync());
            Assert.Equal(0, await db.IngestionJobs.CountAsync(j => j.Status == JobStatus.Queued || j.Status == JobStatus.Running));
        }

        // The worker is still healthy afterwards.
        var after = await services.UploadOkAsync(km, handbook, "office-guide.pptx", DemoBytes("office-guide.pptx"));
        await services.DrainQueueAsync();
        Assert.Equal(DocumentStatus.Ready, (await services.DocumentAsync(after)).Status);
        Assert.NotEmpty(await services.ChunksAsync(after));
    }

    [Fact]
    public async Task DrainQueueAsync_MacroFileWithRefusePolicy_FailsNamingMacros()
    {
        await using var services = await TestServices.StartAsync("ingmacro", new Dictionary<string, string?> { ["Ingestion:MacroPolicy"] = "Refuse" });
        var km = await services.UserAsync("km");
        var id = await services.UploadOkAsync(km, await services.CollectionIdAsync(DemoData.Handbook), "en_macros.docm", Corpus("en_macros.docm"));

        await services.DrainQueueAsync();

        var document = await services.DocumentAsync(id);
        Assert.Equal(DocumentStatus.Failed, document.Status);
        AssertHumanReason(document.FailureReason);
        Assert.Contains("macro", document.FailureReason, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(await services.ChunksAsync(id));
    }

    [Fact]
    public async Task DrainQueueAsync_MacroFileWithDefaultPolicy_ReadyWithoutMacros()
    {
        await using var services = await TestServices.StartAsync("ingmacrook");
        var km = await services.UserAsync("km");
        var id = await services.UploadOkAsync(km, await services.CollectionIdAsync(DemoData.Handbook), "en_macros.docm", Corpus("en_macros.docm"));

        await services.DrainQueueAsync();

        var document = await services.DocumentAsync(id);
        Assert.True(document.Status == DocumentStatus.Ready, $"{document.Status} {document.FailureReason}");
        Assert.NotEmpty(await services.ChunksAsync(id));
        var job = Assert.Single(await services.JobsAsync(id));
        Assert.Contains("macros ignored", job.Warnings ?? "", StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task UploadAsync_FileOverSizeCap_RejectedNamingLimitAndNothingStored()
    {
        await using var services = await TestServices.StartAsync("ingsize", new Dictionary<string, string?> { ["Ingestion:MaxFileMegabytes"] = "1" });
        var km = await services.UserAsync("km");
        var handbook = await services.CollectionIdAsync(DemoData.Handbook);
        var content = LargeTextPdf(pages: 400);
        Assert.True(content.Length > 1024 * 1024, $"test file is only {content.Length} bytes");
        var before = await services.CountsAsync();

        var result = await services.UploadAsync(km, handbook, "big-report.pdf", content);

        Assert.Equal(IntakeOutcome.Rejected, result.Outcome);
        Assert.Null(result.DocumentId);
        Assert.Null(result.JobId);
        Assert.Contains("limit is 1 MB", result.Message);
        AssertHumanReason(result.Message);
        Assert.Equal(before, await services.CountsAsync());
        await using var db = services.Db.CreateContext();
        Assert.False(await db.AuditEvents.AnyAsync(a => a.Action == "document-upload"));

        // Just under the cap is accepted.
        var small = await services.UploadAsync(km, handbook, "welcome-guide.pdf", DemoBytes("welcome-guide.pdf"));
        Assert.Equal(IntakeOutcome.Queued, small.Outcome);
    }

    [Fact]
    public async Task DrainQueueAsync_OwnerPasswordOnlyPdf_ReadyWithAllPages()
    {
        await using var services = await TestServices.StartAsync("ingowner");
        var km = await services.UserAsync("km");
        var id = await services.UploadOkAsync(km, await services.CollectionIdAsync(DemoData.Handbook),
            "enc_owner_only_speech_41p.pdf", Corpus("enc_owner_only_speech_41p.pdf"));

        await services.DrainQueueAsync();

        var document = await services.DocumentAsync(id);
        Assert.True(document.Status == DocumentStatus.Ready, $"{document.Status} {document.FailureReason}");
        var job = Assert.Single(await services.JobsAsync(id));
        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.True(job.Pages >= 40, $"only {job.Pages} pages");
        Assert.Equal(job.Pages, document.PageCount);
        var chunks = await services.ChunksAsync(id);
        Assert.True(chunks.Select(c => c.Page).Distinct().Count() >= 30, "chunks should come from most pages");
        Assert.True(chunks.Max(c => c.Page) >= 40);
    }
}
