using System.Text.Json;
using System.Threading.Channels;
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
        if (job.Job.OcrPagesTotal != 0)
        {
            // A retry reads the file again: no page count from the attempt before it.
            (job.Job.OcrPagesTotal, job.Job.OcrPagesDone) = (0, 0);
            await job.SaveAsync(ct);
        }
        DocumentVersion version;
        byte[] content;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            version = await db.DocumentVersions.AsNoTracking().SingleAsync(v => v.Id == job.Job.DocumentVersionId, ct);
            content = await db.StoredFiles.Where(f => f.Id == version.StoredFileId).Select(f => f.Content).SingleAsync(ct);
        }

        // PdfPig and the OpenXml SDK cannot be interrupted: they run in a child process that is killed on timeout.
        // Text formats and images (own code, observes the token) and the in-process fallback run on a thread abandoned on timeout.
        var fileTimeout = TimeSpan.FromSeconds(o.FileTimeoutSeconds);
        var limits = o.ToLimits();
        // OCR reports each page: the job shows it ("OCR page 3 of 10"), keeps its lease, and a cancel request stops the pages.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var updates = Channel.CreateUnbounded<OcrProgress>(new UnboundedChannelOptions { SingleReader = true });
        var extraction = o.IsolateExtraction && extractionHost is not null && IsolatedExtraction.IsWorthIsolating(content)
            ? IsolatedExtraction.RunAsync(extractionHost, content, version.FileName, limits, fileTimeout, stop.Token, p => updates.Writer.TryWrite(p))
            : InProcessAsync(content, version.FileName, limits, fileTimeout, p => updates.Writer.TryWrite(p), stop.Token);
        _ = extraction.ContinueWith(_ => updates.Writer.TryComplete(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);

        var cancelled = false;
        try
        {
            await foreach (var update in updates.Reader.ReadAllAsync(CancellationToken.None))
            {
                var latest = update;
                while (updates.Reader.TryRead(out var newer)) latest = newer;
                job.Job.OcrPagesTotal = latest.Total;
                job.Job.OcrPagesDone = latest.Done;
                await job.SaveAsync(ct);
                await job.RenewLeaseAsync();
                if (!await job.IsCancelRequestedAsync(ct)) continue;
                cancelled = true;
                await stop.CancelAsync();
                break;
            }
        }
        catch
        {
            // Lease lost or database gone: stop reading the file before giving the job up.
            await stop.CancelAsync();
            try { await extraction; } catch (Exception e) when (e is not OutOfMemoryException) { }
            throw;
        }

        ExtractionResult result;
        try
        {
            result = await extraction;
        }
        catch (OperationCanceledException) when (cancelled)
        {
            return IngestionStepResult.Cancelled;
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

    /// <summary>Extracts on a pool thread, abandoned when the time is up (<see cref="ExtractionDeadline"/>).</summary>
    private static async Task<ExtractionResult> InProcessAsync(byte[] content, string fileName, ExtractionLimits limits, TimeSpan fileTimeout,
        Action<OcrProgress> progress, CancellationToken ct)
    {
        using var deadline = new ExtractionDeadline(fileTimeout, limits, ct);
        return await Task.Run(() => DocumentExtractor.Extract(content, fileName, limits, deadline.Token, p =>
            {
                deadline.Extend(p);
                progress(p);
            }), deadline.Token)
            .WaitAsync(deadline.Token);
    }
}
