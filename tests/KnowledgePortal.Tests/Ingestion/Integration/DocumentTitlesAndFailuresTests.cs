using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion;
using KnowledgePortal.Core.Library;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using static KnowledgePortal.Tests.Ingestion.Integration.IngestionTestKit;

namespace KnowledgePortal.Tests.Ingestion.Integration;

/// <summary>Titles from the document, managers' titles, failure codes on the document, and progress that follows the work.</summary>
[Trait(TestTier.Name, TestTier.Db)]
public class DocumentTitlesAndFailuresTests : IAsyncLifetime
{
    private TestServices _services = null!;

    public async Task InitializeAsync() => _services = await TestServices.StartAsync("ingtitles");

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task DrainQueueAsync_DemoFiles_TitlesComeFromTheDocumentsNotTheFileNames()
    {
        var km = await _services.UserAsync("km");
        var handbook = await _services.CollectionIdAsync(DemoData.Handbook);
        var expected = new Dictionary<string, string>
        {
            ["welcome-guide.pdf"] = "Welcome guide",                       // PDF Info Title
            ["shain-handbook-ja.docx"] = "社員ハンドブック",                  // Office core properties
            ["office-guide.pptx"] = "Office Guide 2026",
            ["holiday-calendar-2026.xlsx"] = "Holiday calendar 2026",
        };
        var ids = new Dictionary<string, Guid>();
        foreach (var file in expected.Keys) ids[file] = await _services.UploadOkAsync(km, handbook, "copy-" + file, DemoBytes(file));
        // Until it is read, a document goes by its file name.
        Assert.Equal("copy-welcome-guide", (await _services.DocumentAsync(ids["welcome-guide.pdf"])).Title);

        await _services.DrainQueueAsync();

        foreach (var (file, title) in expected) Assert.Equal(title, (await _services.DocumentAsync(ids[file])).Title);
    }

    [Fact]
    public async Task SetTitleAsync_ManagerRenames_AuditedKeptForNewVersionsAndRefusedToOthers()
    {
        var km = await _services.UserAsync("km");
        var staff = await _services.UserAsync("staff");
        var handbook = await _services.CollectionIdAsync(DemoData.Handbook);
        var id = await _services.UploadOkAsync(km, handbook, "guide.pdf", DemoBytes("welcome-guide.pdf"));
        await _services.DrainQueueAsync();
        var commands = _services.Get<DocumentCommands>();

        Assert.False(await commands.SetTitleAsync(staff, id, "Staff's title"));
        Assert.False(await commands.SetTitleAsync(km, id, "   "));
        Assert.True(await commands.SetTitleAsync(km, id, "  First-day   guide "));

        var document = await _services.DocumentAsync(id);
        Assert.Equal("First-day guide", document.Title);
        Assert.True(document.TitleEdited);
        var audit = Assert.Single(await _services.AuditAsync(id), a => a.Action == "document-title");
        Assert.Equal("km", audit.Actor);
        Assert.Contains("Welcome guide", audit.Details);
        Assert.Contains("First-day guide", audit.Details);

        // A new version is indexed (its own title is "Parental leave policy") but the manager's title stays.
        await _services.UploadOkAsync(km, handbook, "guide.pdf", DemoBytes("parental-leave-policy.pdf"));
        await _services.DrainQueueAsync();
        document = await _services.DocumentAsync(id);
        Assert.Equal(DocumentStatus.Ready, document.Status);
        Assert.Equal("First-day guide", document.Title);
    }

    [Fact]
    public async Task DrainQueueAsync_PasswordProtectedPdf_FailsWithCodeNoRetryNoReviewDateAndReasonInPreview()
    {
        var km = await _services.UserAsync("km");
        var handbook = await _services.CollectionIdAsync(DemoData.Handbook);
        var id = await _services.UploadOkAsync(km, handbook, "locked.pdf", Corpus("enc_user_pw_password.pdf"));
        await using (var db = _services.Db.CreateContext())
            await db.Collections.Where(c => c.Id == handbook).ExecuteUpdateAsync(s => s.SetProperty(c => c.ReviewIntervalDays, 365));

        await _services.DrainQueueAsync();

        var document = await _services.DocumentAsync(id);
        Assert.Equal(DocumentStatus.Failed, document.Status);
        Assert.Equal("Ingestion.Encrypted", document.FailureCode);
        Assert.Contains("password", document.FailureReason); // English kept for the CLI and old readers
        AssertHumanReason(document.FailureReason);

        var library = _services.Get<DocumentLibrary>();
        var row = (await library.DocumentsAsync(km, handbook)).Single(d => d.Id == id);
        Assert.False(row.CanRetry);
        Assert.Null(row.ReviewDue);
        Assert.Equal("Ingestion.Encrypted", row.Failure!.Code);
        var preview = await library.DocumentPreviewAsync(km, id);
        Assert.Empty(preview.Chunks);
        Assert.Equal("Ingestion.Encrypted", preview.Failure!.Code);
        Assert.Equal(DocumentStatus.Failed, preview.Status);
        // Readers of the collection list the document, so they see why it has no passages ...
        var staff = await _services.UserAsync("staff");
        Assert.Equal("Ingestion.Encrypted", (await library.DocumentPreviewAsync(staff, id)).Failure!.Code);
        // ... but nobody learns anything about a document of a collection they cannot read.
        var hr = await _services.UserAsync("hr");
        var hrId = await _services.UploadOkAsync(hr, await _services.CollectionIdAsync(DemoData.HrPolicies), "locked-hr.pdf", Corpus("enc_user_pw_password.pdf"));
        await _services.DrainQueueAsync();
        Assert.Equal("Ingestion.Encrypted", (await library.DocumentPreviewAsync(hr, hrId)).Failure!.Code);
        var hidden = await library.DocumentPreviewAsync(staff, hrId);
        Assert.Null(hidden.Failure);
        Assert.Null(hidden.Status);
    }

    [Fact]
    public async Task DrainQueueAsync_MacroFileRefusedBySetting_FailsWithRetryOffered()
    {
        await using var services = await TestServices.StartAsync("ingtitlesmacro", new Dictionary<string, string?> { ["Ingestion:MacroPolicy"] = "Refuse" });
        var km = await services.UserAsync("km");
        var handbook = await services.CollectionIdAsync(DemoData.Handbook);
        var id = await services.UploadOkAsync(km, handbook, "en_macros.docm", Corpus("en_macros.docm"));

        await services.DrainQueueAsync();

        var row = (await services.Get<DocumentLibrary>().DocumentsAsync(km, handbook)).Single(d => d.Id == id);
        Assert.Equal(DocumentStatus.Failed, row.Status);
        Assert.Equal("Ingestion.MacroRefused", row.Failure!.Code);
        Assert.True(row.CanRetry); // an administrator may change the policy, then a re-run succeeds
    }

    /// <summary>The real embedder, noting the document's progress as the page would read it before each batch.</summary>
    private sealed class ProgressRecorder(IEmbeddingGenerator<string, Embedding<float>> inner, Func<Task<double>> progress)
        : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
    {
        public List<double> Seen { get; } = [];

        public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values,
            EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            Seen.Add(await progress());
            return await base.GenerateAsync(values, options, cancellationToken);
        }
    }

    [Fact]
    public async Task RunAsync_LargePdf_ProgressAdvancesWithEachEmbeddingBatchAndReaches100WhenReady()
    {
        var km = await _services.UserAsync("km");
        var handbook = await _services.CollectionIdAsync(DemoData.Handbook);
        var id = await _services.UploadOkAsync(km, handbook, "report.pdf", LargeTextPdf(40));
        var jobId = (await _services.JobsAsync(id)).Single().Id;
        var library = _services.Get<DocumentLibrary>();
        async Task<double> Progress() => (await library.DocumentsAsync(km, handbook)).Single(d => d.Id == id).Progress;
        var recorder = new ProgressRecorder(_services.Get<IEmbeddingGenerator<string, Embedding<float>>>(), Progress);
        var pipeline = _services.PipelineWith(recorder);
        Assert.Equal(0, await Progress());
        await pipeline.RunAsync(jobId, () => Task.CompletedTask, CancellationToken.None);

        var job = (await _services.JobsAsync(id)).Single();
        Assert.True(job.ChunksTotal > 128, $"{job.ChunksTotal} chunks: too few for three embedding batches");
        Assert.True(recorder.Seen.Count >= 3, $"{recorder.Seen.Count} batches");
        // Extracted and chunked before the first batch; every batch moves the bar; never 100 before the chunks are saved.
        Assert.Equal(IngestionProgress.ExtractShare + IngestionProgress.ChunkShare, recorder.Seen[0]);
        Assert.Equal(recorder.Seen.Order(), recorder.Seen);
        Assert.Equal(recorder.Seen.Count, recorder.Seen.Distinct().Count());
        Assert.All(recorder.Seen, p => Assert.True(p < 100 - IngestionProgress.PersistShare + 0.001));
        Assert.Equal(DocumentStatus.Ready, (await _services.DocumentAsync(id)).Status);
        Assert.Equal(100, await Progress());
    }
}
