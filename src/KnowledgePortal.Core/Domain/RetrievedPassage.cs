namespace KnowledgePortal.Core.Domain;

/// <summary>
/// One chunk returned by retrieval, with everything the answering path needs to prompt, cite and route it.
/// </summary>
/// <param name="ChunkId">Primary key of the chunk.</param>
/// <param name="DocumentId">Document the chunk belongs to.</param>
/// <param name="DocumentTitle">Display title of the document (untrusted: comes from the document).</param>
/// <param name="FileName">Original file name.</param>
/// <param name="CollectionName">Display name of the collection.</param>
/// <param name="CollectionId">Collection the document belongs to.</param>
/// <param name="Sensitivity">Sensitivity of the collection; decides which providers may receive the text.</param>
/// <param name="Locator">Where the passage sits inside the document.</param>
/// <param name="Text">Passage text (untrusted).</param>
/// <param name="Context">Optional contextual header produced at ingestion (untrusted).</param>
/// <param name="Score">Retrieval score; higher is better.</param>
public sealed record RetrievedPassage(
    long ChunkId,
    Guid DocumentId,
    string DocumentTitle,
    string FileName,
    string CollectionName,
    int CollectionId,
    SensitivityLabel Sensitivity,
    SourceLocator Locator,
    string Text,
    string? Context,
    double Score);
