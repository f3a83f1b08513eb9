namespace KnowledgePortal.Core.Ingestion;

public enum IngestionFailureKind
{
    /// <summary>The file cannot be indexed (damaged, unsupported, over a limit): it fails alone, with its reason, at once.</summary>
    Fatal,

    /// <summary>Something around the file failed (embedding service, database): the job is retried with backoff.</summary>
    Transient,
}
