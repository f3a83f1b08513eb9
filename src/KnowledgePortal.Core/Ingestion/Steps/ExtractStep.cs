using System.Text.Json;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion.Extraction;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Core.Ingestion.Steps;

/// <summary>
/// Reads the stored original into text blocks; keeps them in the job (<see cref="IngestionJob.ExtractedJson"/>) with
/// pages, title and warnings. An e-mail message's attachments are handed to <see cref="DocumentIntake"/> here, as
/// documents of their own under the message.
/// </summary>
internal sealed class ExtractStep(
    IDbContextFactory<PortalDbContext> dbFactory,
    IOptions<IngestionOptions> options,
    DocumentIntake intake,
    ExtractionHost? extractionHost = null) : IIngestionStep
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Name => IngestionSteps.Extract;

    /// <summary>What this step left in <paramref name="job"/> for the steps after it.</summary>
    internal static ExtractionResult Output(IngestionJob job) => JsonSerializer.Deserialize<ExtractionResult>(job.ExtractedJson!, Json)!;

    public async Task<IngestionStepResult> RunAsync(IngestionJobContext job, CancellationToken ct)
    {
        var o = options.Value;
        await job.ShowStatusAsync(DocumentStatus.Extracting, ct);
        DocumentVersion version;
        byte[] content;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            version = await db.DocumentVersions.AsNoTracking().SingleAsync(v => v.Id == job.Job.DocumentVersionId, ct);
            content = await db.StoredFiles.Where(f => f.Id == version.StoredFileId).Select(f => f.Content).SingleAsync(ct);
        }

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
            throw IngestionFailure.Fatal(IngestionMessages.Timeout(o.FileTimeoutSeconds), ex);
        }

        job.Job.ExtractedJson = JsonSerializer.Serialize(result, Json);
        job.Job.Pages = result.PageCount;
        job.Job.Title = DocumentTitles.Choose(result.Title, result.Blocks, version.FileName);
        var warnings = result.Warnings.ToList();
        if (result.DetectedType == DocumentFormats.Eml.Name)
        {
            // MimeKit is managed code bounded by the message's own size: its attachments are listed in process.
            var attachments = EmlExtractor.Attachments(content, limits);
            await intake.ReplaceAttachmentsAsync(job.Job.Id, job.Job.DocumentId, job.Job.Title, attachments.Indexed, ct);
            warnings.AddRange(attachments.Skipped);
        }
        job.Job.Warnings = warnings.Count == 0 ? null : string.Join("\n", warnings.Take(50));
        return IngestionStepResult.Completed;
    }
}
