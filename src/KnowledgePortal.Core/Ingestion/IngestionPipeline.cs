using KnowledgePortal.Core.Audit;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace KnowledgePortal.Core.Ingestion;

/// <summary>
/// Runs a claimed job through the registered <see cref="IIngestionStep"/>s in order (extract → chunk → embed → persist,
/// registered in PortalCoreServices): a step the job has completed is skipped; after each step the job is saved with its
/// completed_step, the lease renewed and a cancel request honoured. So a retry, or a worker taking over after a crash,
/// starts at the first unfinished step. A fatal failure fails the file alone; a transient one goes to the worker to retry.
/// </summary>
public sealed class IngestionPipeline
{
    private readonly IDbContextFactory<PortalDbContext> _dbFactory;
    private readonly IReadOnlyList<IIngestionStep> _steps;
    private readonly ILogger<IngestionPipeline> _logger;

    public IngestionPipeline(IDbContextFactory<PortalDbContext> dbFactory, IEnumerable<IIngestionStep> steps, ILogger<IngestionPipeline> logger)
    {
        _dbFactory = dbFactory;
        _steps = steps.ToList();
        _logger = logger;
        if (_steps.Count == 0) throw new ArgumentException("No ingestion steps are registered.", nameof(steps));
        if (_steps.Select(s => s.Name).Distinct(StringComparer.Ordinal).Count() != _steps.Count || Steps.Contains(IngestionSteps.None))
            throw new ArgumentException($"Ingestion step names must be distinct and not \"{IngestionSteps.None}\": {string.Join(", ", Steps)}", nameof(steps));
    }

    /// <summary>The step names in the order they run.</summary>
    public IReadOnlyList<string> Steps => _steps.Select(s => s.Name).ToList();

    /// <summary>The text a passage is embedded as (its context line first), here and when re-embedding.</summary>
    public static string EmbeddingText(string? context, string text) => context is null ? text : context + "\n" + text;

    /// <summary>
    /// Runs the remaining steps of a claimed job. Throws <see cref="IngestionFailure"/> (transient) for errors worth
    /// retrying, <see cref="LeaseLostException"/> when another worker took the job over.
    /// </summary>
    public async Task RunAsync(Guid jobId, Func<Task> renewLease, CancellationToken ct)
    {
        try
        {
            var job = await IngestionJobContext.LoadAsync(_dbFactory, jobId, renewLease, ct);
            if (job.Job.CancelRequested) { await CancelAsync(jobId, ct); return; }
            // Steps up to the completed one were done by an earlier attempt (their output is saved): skip them.
            for (var i = IndexOf(job.Job.CompletedStep) + 1; i < _steps.Count; i++)
            {
                var step = _steps[i];
                if (await step.RunAsync(job, ct) == IngestionStepResult.Cancelled) { await CancelAsync(jobId, ct); return; }
                // The last step ends the job in its own transaction (persist: the chunks and the job's success together).
                if (job.Job.Status == JobStatus.Succeeded) return;
                job.Job.CompletedStep = step.Name;
                await job.SaveAsync(ct);
                await job.RenewLeaseAsync();
                if (await job.IsCancelRequestedAsync(ct)) { await CancelAsync(jobId, ct); return; }
            }
        }
        catch (Exception ex) when (ex is not LeaseLostException && !(ex is OperationCanceledException && ct.IsCancellationRequested))
        {
            var failure = IngestionFailure.Of(ex);
            if (failure.Kind == IngestionFailureKind.Transient) throw failure;
            await FailAsync(jobId, failure.Reason, ct);
        }
    }

    /// <summary>Position of a completed step; -1 for <see cref="IngestionSteps.None"/>.</summary>
    private int IndexOf(string completedStep)
    {
        if (completedStep == IngestionSteps.None) return -1;
        for (var i = 0; i < _steps.Count; i++)
            if (_steps[i].Name == completedStep) return i;
        throw new InvalidOperationException($"The job's completed step \"{completedStep}\" is none of the registered steps ({string.Join(", ", Steps)}).");
    }

    public async Task FailAsync(Guid jobId, PortalMessage reason, CancellationToken ct) =>
        await FinishUnsuccessfulAsync(jobId, JobStatus.Failed, DocumentStatus.Failed, reason, ct);

    private async Task CancelAsync(Guid jobId, CancellationToken ct) =>
        await FinishUnsuccessfulAsync(jobId, JobStatus.Cancelled, DocumentStatus.Cancelled, IngestionMessages.Cancelled(), ct);

    /// <summary>
    /// The job, its version and (when it is the newest) the document record the reason: English text for the CLI and
    /// the log, code and arguments on the document for the UI to translate.
    /// </summary>
    private async Task FinishUnsuccessfulAsync(Guid jobId, JobStatus jobStatus, DocumentStatus status, PortalMessage message, CancellationToken ct)
    {
        var reason = message.Text;
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var job = await db.IngestionJobs.SingleAsync(j => j.Id == jobId, ct);
        job.Status = jobStatus;
        job.Error = reason;
        job.FinishedAt = job.UpdatedAt = DateTimeOffset.UtcNow;
        job.LockedBy = null;
        job.LockedUntil = null;
        job.ExtractedJson = null;
        await db.PendingChunks.Where(p => p.JobId == jobId).ExecuteDeleteAsync(ct);
        await db.DocumentVersions.Where(v => v.Id == job.DocumentVersionId)
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.Status, status).SetProperty(v => v.FailureReason, reason), ct);
        var isNewest = !await db.IngestionJobs.AnyAsync(j => j.DocumentId == job.DocumentId && j.CreatedAt > job.CreatedAt, ct);
        var indexedVersion = await db.Documents.Where(d => d.Id == job.DocumentId).Select(d => d.CurrentVersionId).SingleOrDefaultAsync(ct);
        var olderVersionIndexed = indexedVersion is not null && indexedVersion != job.DocumentVersionId;
        if (isNewest && olderVersionIndexed && jobStatus == JobStatus.Cancelled)
            // A cancelled update leaves the indexed version in place: the document is Ready and describes it again.
            await DocumentCommands.DescribeCurrentVersionAsync(db, job.DocumentId, ct);
        else if (isNewest)
        {
            var shown = olderVersionIndexed ? $"The new version could not be indexed: {reason} The previous version is still searchable." : reason;
            // The page tells from CurrentVersionId that an older version is still searchable; the code is the reason's.
            await db.Documents.Where(d => d.Id == job.DocumentId).ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, status).SetProperty(d => d.FailureReason, shown)
                .SetProperty(d => d.FailureCode, message.Code.Length == 0 ? null : message.Code)
                .SetProperty(d => d.FailureArgs, message.ArgsJson)
                .SetProperty(d => d.UpdatedAt, DateTimeOffset.UtcNow), ct);
        }
        if (jobStatus == JobStatus.Failed)
            AuditLog.Add(db, "system", "document-failed", "document", job.DocumentId.ToString(), new { reason, code = message.Code });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        _logger.LogInformation("Ingestion job {JobId} ended {Status}", jobId, jobStatus);
    }
}
