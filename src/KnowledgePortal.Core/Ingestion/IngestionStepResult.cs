namespace KnowledgePortal.Core.Ingestion;

/// <summary>How a step ended, when it did not throw.</summary>
public enum IngestionStepResult
{
    /// <summary>The step's output is saved (or ready in the job for the pipeline to save); go on.</summary>
    Completed,

    /// <summary>The step saw a cancel request: the pipeline ends the job as cancelled.</summary>
    Cancelled,
}
