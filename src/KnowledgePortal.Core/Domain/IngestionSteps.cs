namespace KnowledgePortal.Core.Domain;

/// <summary>
/// The names of the ingestion steps, as stored in <c>ingestion_jobs.completed_step</c>. The order they run in is the
/// order they are registered in (<c>Ingestion.IngestionPipeline.Steps</c>), not a list kept here.
/// </summary>
public static class IngestionSteps
{
    /// <summary>No step has completed yet (a new job).</summary>
    public const string None = "none";
    public const string Extract = "extract";
    public const string Chunk = "chunk";
    public const string Embed = "embed";
    public const string Persist = "persist";
}
