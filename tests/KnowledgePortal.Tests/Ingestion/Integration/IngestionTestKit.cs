using System.IO.Compression;
using System.Text;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion;
using KnowledgePortal.Core.Ingestion.Embedding;
using KnowledgePortal.Core.Ingestion.Steps;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace KnowledgePortal.Tests.Ingestion.Integration;

/// <summary>Files and database look-ups shared by the ingestion integration tests.</summary>
internal static class IngestionTestKit
{
    private static readonly Lazy<IReadOnlyList<DemoFile>> DemoFiles = new(DemoDocuments.All);

    /// <summary>A real file from TestFiles/corpus (see LICENSES.tsv).</summary>
    public static byte[] Corpus(string name) => File.ReadAllBytes(RepoPaths.TestFile("corpus", name));

    /// <summary>A generated demo document (docx / xlsx / pptx / pdf) by file name.</summary>
    public static byte[] DemoBytes(string fileName) => DemoFiles.Value.Single(f => f.FileName == fileName).Content.ToArray();

    /// <summary>The portal's registered steps, in order, with <paramref name="replace"/> applied to each (a step returned as is stays).</summary>
    public static IngestionPipeline PipelineWith(this TestServices services, Func<IIngestionStep, IIngestionStep> replace) =>
        new(services.Get<IDbContextFactory<PortalDbContext>>(), services.Services.GetServices<IIngestionStep>().Select(replace).ToList(),
            NullLogger<IngestionPipeline>.Instance);

    /// <summary>The portal's pipeline with an embed step that uses <paramref name="embedder"/> (one that records or holds its calls).</summary>
    public static IngestionPipeline PipelineWith(this TestServices services, IEmbeddingGenerator<string, Embedding<float>> embedder) =>
        services.PipelineWith(step => step is EmbedStep
            ? new EmbedStep(services.Get<IDbContextFactory<PortalDbContext>>(), embedder, services.Get<EmbeddingModelInfo>(),
                services.Get<EmbeddingClearance>(), services.Get<IOptions<EmbeddingOptions>>(), NullLogger<EmbedStep>.Instance)
            : step);

    /// <summary>A worker over <paramref name="pipeline"/> and the test database.</summary>
    public static IngestionWorker WorkerWith(this TestServices services, IngestionPipeline pipeline) =>
        new(services.Get<IDbContextFactory<PortalDbContext>>(), pipeline, services.Get<IOptions<IngestionOptions>>(), NullLogger<IngestionWorker>.Instance);

    public static async Task<IntakeResult> UploadAsync(this TestServices services, UserAccess actor, int collectionId, string fileName, byte[] content) =>
        await services.Get<DocumentIntake>().UploadAsync(actor, collectionId, fileName, content);

    /// <summary>Uploads and asserts the file was accepted (queued or a new version); returns the document id.</summary>
    public static async Task<Guid> UploadOkAsync(this TestServices services, UserAccess actor, int collectionId, string fileName, byte[] content)
    {
        var result = await services.UploadAsync(actor, collectionId, fileName, content);
        Assert.True(result.Outcome is IntakeOutcome.Queued or IntakeOutcome.NewVersion, $"{fileName}: {result.Outcome} {result.Message}");
        Assert.NotNull(result.DocumentId);
        Assert.NotNull(result.JobId);
        return result.DocumentId!.Value;
    }

    public static async Task<Document> DocumentAsync(this TestServices services, Guid documentId)
    {
        await using var db = services.Db.CreateContext();
        return await db.Documents.AsNoTracking().SingleAsync(d => d.Id == documentId);
    }

    public static async Task<List<IngestionJob>> JobsAsync(this TestServices services, Guid documentId)
    {
        await using var db = services.Db.CreateContext();
        return await db.IngestionJobs.AsNoTracking().Where(j => j.DocumentId == documentId).OrderBy(j => j.CreatedAt).ToListAsync();
    }

    public static async Task<List<Chunk>> ChunksAsync(this TestServices services, Guid documentId)
    {
        await using var db = services.Db.CreateContext();
        return await db.Chunks.AsNoTracking().Where(c => c.DocumentId == documentId).OrderBy(c => c.Ordinal).ToListAsync();
    }

    public static async Task<List<DocumentVersion>> VersionsAsync(this TestServices services, Guid documentId)
    {
        await using var db = services.Db.CreateContext();
        return await db.DocumentVersions.AsNoTracking().Where(v => v.DocumentId == documentId).OrderBy(v => v.VersionNumber).ToListAsync();
    }

    public static async Task<List<AuditEvent>> AuditAsync(this TestServices services, Guid documentId)
    {
        await using var db = services.Db.CreateContext();
        var id = documentId.ToString();
        return await db.AuditEvents.AsNoTracking().Where(a => a.TargetId == id).OrderBy(a => a.Id).ToListAsync();
    }

    /// <summary>The collection's granted group ids, sorted: what every chunk's allowed_group_ids must equal.</summary>
    public static async Task<int[]> GrantedGroupIdsAsync(this TestServices services, int collectionId)
    {
        await using var db = services.Db.CreateContext();
        return await db.CollectionAccess.Where(a => a.CollectionId == collectionId).Select(a => a.GroupId).OrderBy(g => g).ToArrayAsync();
    }

    /// <summary>Row counts of every table a document owns, to show that nothing changed (or everything went).</summary>
    public static async Task<(int Documents, int Versions, int StoredFiles, int Jobs, int Chunks, int Pending)> CountsAsync(this TestServices services)
    {
        await using var db = services.Db.CreateContext();
        return (await db.Documents.CountAsync(), await db.DocumentVersions.CountAsync(), await db.StoredFiles.CountAsync(),
            await db.IngestionJobs.CountAsync(), await db.Chunks.CountAsync(), await db.PendingChunks.CountAsync());
    }

    /// <summary>
    /// A zip with one entry of <paramref name="megabytes"/> MB of zeros, deflated (about 1000× smaller): the classic zip bomb,
    /// given an Office part name so that only its content betrays it.
    /// </summary>
    public static byte[] ZipBomb(int megabytes = 200, string entryName = "word/document.xml")
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            var entry = zip.CreateEntry(entryName, CompressionLevel.SmallestSize);
            using var stream = entry.Open();
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < megabytes; i++) stream.Write(zeros);
        }
        return output.ToArray();
    }

    private static readonly string[] Words =
    [
        "policy", "invoice", "quarterly", "revenue", "employee", "contract", "approval", "schedule", "deadline", "budget",
        "server", "database", "release", "incident", "customer", "supplier", "warehouse", "shipment", "audit", "report",
        "meeting", "project", "milestone", "risk", "compliance", "training", "security", "network", "backup", "license",
        "office", "travel", "expense", "payroll", "benefit", "holiday", "manager", "review", "target", "forecast",
    ];

    /// <summary>
    /// A text PDF of <paramref name="pages"/> A4 pages (standard Helvetica, 50 lines of varied words per page), made with
    /// PdfPig's builder: big enough to take a while to extract, chunk and embed. Deterministic for a given seed.
    /// </summary>
    public static byte[] LargeTextPdf(int pages, int seed = 7)
    {
        var random = new Random(seed);
        using var builder = new PdfDocumentBuilder();
        builder.DocumentInformation.Title = $"Generated report, {pages} pages";
        var regular = builder.AddStandard14Font(Standard14Font.Helvetica);
        var bold = builder.AddStandard14Font(Standard14Font.HelveticaBold);
        for (var p = 1; p <= pages; p++)
        {
            var page = builder.AddPage(PageSize.A4);
            var y = 800.0;
            page.AddText($"Section {p}: operations review {p * 37 % 1000}", 14, new PdfPoint(50, y), bold);
            y -= 24;
            for (var line = 0; line < 50; line++)
            {
                var text = new StringBuilder();
                text.Append(p).Append('.').Append(line + 1).Append(' ');
                for (var w = 0; w < 11; w++) text.Append(Words[random.Next(Words.Length)]).Append(' ');
                text.Append(random.Next(10_000, 99_999));
                page.AddText(text.ToString(), 10, new PdfPoint(50, y), regular);
                y -= 14.5;
            }
        }
        return builder.Build();
    }

    /// <summary>The failure reasons shown to uploaders are one readable sentence, never a stack trace or type name.</summary>
    public static void AssertHumanReason(string? reason)
    {
        Assert.False(string.IsNullOrWhiteSpace(reason));
        Assert.DoesNotContain("\n", reason);
        Assert.DoesNotContain("Exception", reason);
        Assert.DoesNotContain("System.", reason);
        Assert.DoesNotContain(" at ", reason);
        Assert.True(reason!.Length < 300, $"reason too long: {reason}");
    }

    public static void AssertContainsAny(string? text, params string[] keywords) =>
        Assert.True(keywords.Any(k => text?.Contains(k, StringComparison.OrdinalIgnoreCase) == true),
            $"expected one of [{string.Join(", ", keywords)}] in: {text}");
}
