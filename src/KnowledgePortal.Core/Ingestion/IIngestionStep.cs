namespace KnowledgePortal.Core.Ingestion;

/// <summary>
/// One named step of ingestion. <see cref="IngestionPipeline"/> runs the registered steps in order, skips those the job
/// has completed, and after each saves <see cref="IngestionJobContext.Job"/> with <c>completed_step</c> set to
/// <see cref="Name"/>, renews the lease and checks for a cancel request.
/// </summary>
/// <remarks>
/// A step keeps its output in the job (or in rows of its own, such as pending chunks) so that a retry or another worker
/// can start at the next step. It throws <see cref="IngestionFailure"/> (or <see cref="Extraction.ExtractionException"/>)
/// for a file that cannot be indexed; any other exception counts as transient and the job is retried.
/// </remarks>
public interface IIngestionStep
{
    /// <summary>One of <see cref="IngestionSteps"/>.</summary>
    string Name { get; }

    Task<IngestionStepResult> RunAsync(IngestionJobContext job, CancellationToken ct);
}
