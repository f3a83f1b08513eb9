using Pgvector;

namespace KnowledgePortal.Core.Domain;

public class Collection
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public SensitivityLabel Sensitivity { get; set; } = SensitivityLabel.Internal;
    /// <summary>Documents in this collection should be reviewed this many days after upload (null: never).</summary>
    public int? ReviewIntervalDays { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public List<CollectionAccess> Access { get; set; } = [];
}

/// <summary>A portal group; members are resolved from token claims through its mappings.</summary>
public class PortalGroup
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    /// <summary>Membership of this group also grants this portal role (e.g. an "Administrators" group).</summary>
    public PortalRole? GrantsRole { get; set; }
    public List<GroupMapping> Mappings { get; set; } = [];
}

public class GroupMapping
{
    public int Id { get; set; }
    public int GroupId { get; set; }
    public GroupMappingKind Kind { get; set; }
    /// <summary>Claim value as sent by the identity provider (object id, group name or role name).</summary>
    public required string Value { get; set; }
}

public class CollectionAccess
{
    public int CollectionId { get; set; }
    public int GroupId { get; set; }
    public AccessLevel Level { get; set; }
    public PortalGroup? Group { get; set; }
}

/// <summary>
/// A grant change on a Confidential-or-above collection that would give the requester (one of their groups) read
/// access: it waits until another manager of that collection approves it. Grants are stored whole, with the grants
/// they replace, so an approval never silently undoes a later change.
/// </summary>
public class PendingGrantChange
{
    public int Id { get; set; }
    public int CollectionId { get; set; }
    public string RequestedBy { get; set; } = "";
    public string RequestedBySubject { get; set; } = "";
    public DateTimeOffset RequestedAt { get; set; }
    public int[] GroupIds { get; set; } = [];
    public int[] Levels { get; set; } = [];
    public int[] BeforeGroupIds { get; set; } = [];
    public int[] BeforeLevels { get; set; } = [];
    public PendingGrantStatus Status { get; set; }
    public string? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
}

public enum PendingGrantStatus { Pending = 0, Approved = 1, Rejected = 2, Stale = 3 }

public class Document
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public int CollectionId { get; set; }
    public Collection? Collection { get; set; }
    /// <summary>From the document itself (Office core properties, PDF Info, first heading) unless a manager set it.</summary>
    public required string Title { get; set; }
    /// <summary>A manager chose the title: indexing a new version keeps it.</summary>
    public bool TitleEdited { get; set; }
    public required string FileName { get; set; }
    public required string ContentType { get; set; }
    public long SizeBytes { get; set; }
    public required string Sha256 { get; set; }
    public required string UploadedBy { get; set; }
    public DocumentStatus Status { get; set; } = DocumentStatus.Queued;
    /// <summary>English text of the failure (CLI, old rows); <see cref="FailureCode"/> and <see cref="FailureArgs"/> let the UI translate it.</summary>
    public string? FailureReason { get; set; }
    /// <summary>Code of a <see cref="Text.PortalMessage"/> ("Ingestion.Encrypted", …).</summary>
    public string? FailureCode { get; set; }
    /// <summary>Named arguments of the failure message (jsonb object).</summary>
    public string? FailureArgs { get; set; }
    public Guid? CurrentVersionId { get; set; }
    /// <summary>
    /// The e-mail message this document is an attachment of (null for uploads). An attachment has its message's
    /// collection and restriction, is titled after it, and goes when the message is deleted or no longer carries it.
    /// </summary>
    public Guid? ParentDocumentId { get; set; }
    /// <summary>When set, only these groups (intersected with the collection's readers) may read the document.</summary>
    public int[]? RestrictedToGroupIds { get; set; }
    public int PageCount { get; set; }
    public int ChunkCount { get; set; }
    public DateOnly? ReviewDue { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
}

public class DocumentVersion
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid DocumentId { get; set; }
    public int VersionNumber { get; set; }
    public required string FileName { get; set; }
    public required string ContentType { get; set; }
    public long SizeBytes { get; set; }
    public required string Sha256 { get; set; }
    public required string UploadedBy { get; set; }
    public Guid StoredFileId { get; set; }
    /// <summary>An Office original rendered to PDF (LibreOffice) the first time a citation of it is opened; kept with the version.</summary>
    public Guid? PdfStoredFileId { get; set; }
    public DocumentStatus Status { get; set; } = DocumentStatus.Queued;
    public string? FailureReason { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}

/// <summary>An uploaded original, kept in the database so every worker sharing it can read it.</summary>
public class StoredFile
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Sha256 { get; set; }
    public long SizeBytes { get; set; }
    public required byte[] Content { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}

/// <summary>A searchable passage. Its readable group ids are denormalised so retrieval filters in one SQL statement.</summary>
public class Chunk
{
    public long Id { get; set; }
    public Guid DocumentId { get; set; }
    public Guid DocumentVersionId { get; set; }
    public int CollectionId { get; set; }
    public int Ordinal { get; set; }
    public required string Text { get; set; }
    /// <summary>Heading path, slide title or sheet name kept with the passage as context.</summary>
    public string? Context { get; set; }
    public int? Page { get; set; }
    public int? Slide { get; set; }
    public string? Sheet { get; set; }
    public string? CellRange { get; set; }
    public string? HeadingPath { get; set; }
    /// <summary>Paragraph number (Word files): the locator shown when there is no page or heading.</summary>
    public int? Paragraph { get; set; }
    public int TokenCount { get; set; }
    public required string ContentHash { get; set; }
    /// <summary>For text recognised by OCR, its page's confidence (0–100); null for text read from the file.</summary>
    public float? OcrConfidence { get; set; }
    public int[] AllowedGroupIds { get; set; } = [];
    public SensitivityLabel Sensitivity { get; set; }
    public Vector? Embedding { get; set; }
    public string? EmbeddingModel { get; set; }
    public int? EmbeddingDimension { get; set; }
    /// <summary>
    /// Set in SQL by <c>portal_search_vector(context, text)</c> from <see cref="Text.SearchText.ToIndexText"/>
    /// (CJK as bigrams, English stemmed by the <c>portal</c> text search configuration, the context as weight A).
    /// </summary>
    public NpgsqlTypes.NpgsqlTsVector? SearchVector { get; set; }
    /// <summary>BM25 term frequencies (jsonb lexeme → tf, a context occurrence counting twice), derived from
    /// <see cref="SearchVector"/> by a trigger; never written by the application.</summary>
    public string? TermFreqs { get; set; }
    /// <summary>BM25 document length: the sum of <see cref="TermFreqs"/>, set by the same trigger.</summary>
    public int TermCount { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}

/// <summary>Per-collection BM25 totals, maintained by triggers on chunks (see docs/adr/0004-bm25-in-postgresql.md).</summary>
public class CollectionTextStats
{
    public int CollectionId { get; set; }
    public long Chunks { get; set; }
    public long Terms { get; set; }
}

/// <summary>Per-collection document frequency of one lexeme, maintained by triggers on chunks.</summary>
public class CollectionTermStats
{
    public int CollectionId { get; set; }
    public required string Term { get; set; }
    public int Df { get; set; }
}

public class IngestionJob
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid DocumentId { get; set; }
    public Guid DocumentVersionId { get; set; }
    public JobStatus Status { get; set; } = JobStatus.Queued;
    /// <summary>Name of the last step completed (<see cref="IngestionSteps"/>), or none.</summary>
    public string CompletedStep { get; set; } = IngestionSteps.None;
    public int Attempts { get; set; }
    public string? Error { get; set; }
    public string? LockedBy { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public bool CancelRequested { get; set; }
    /// <summary>Output of the extract step (JSON), so a retry does not extract again.</summary>
    public string? ExtractedJson { get; set; }
    public int Pages { get; set; }
    /// <summary>The document's own title found by the extract step; persist gives it to the document.</summary>
    public string? Title { get; set; }
    public int ChunksTotal { get; set; }
    public int ChunksEmbedded { get; set; }
    /// <summary>Pages the extract step recognises by OCR (scans, images) and how many it has done: "OCR page 3 of 10".</summary>
    public int OcrPagesTotal { get; set; }
    public int OcrPagesDone { get; set; }
    public string? Warnings { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? FinishedAt { get; set; }
}

/// <summary>Chunks of a job between the chunk and persist steps; persist moves them to <see cref="Chunk"/> atomically.</summary>
public class PendingChunk
{
    public long Id { get; set; }
    public Guid JobId { get; set; }
    public int Ordinal { get; set; }
    public required string Text { get; set; }
    public string? Context { get; set; }
    public int? Page { get; set; }
    public int? Slide { get; set; }
    public string? Sheet { get; set; }
    public string? CellRange { get; set; }
    public string? HeadingPath { get; set; }
    /// <summary>Paragraph number (Word files): the locator shown when there is no page or heading.</summary>
    public int? Paragraph { get; set; }
    public int TokenCount { get; set; }
    public required string ContentHash { get; set; }
    public float? OcrConfidence { get; set; }
    /// <summary>Lexemes of the passage text for the full-text column (CJK as bigrams), computed once at the chunk step.</summary>
    public required string IndexText { get; set; }
    /// <summary>Lexemes of the context (heading path, slide title, sheet name): a field weighted above the text.</summary>
    public string? ContextIndexText { get; set; }
    public Vector? Embedding { get; set; }
    public string? EmbeddingModel { get; set; }
    public int? EmbeddingDimension { get; set; }
}

public class AuditEvent
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; } = DateTimeOffset.UtcNow;
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public string? TargetType { get; set; }
    public string? TargetId { get; set; }
    /// <summary>JSON details; never document text, secrets or tokens.</summary>
    public string? Details { get; set; }
}

public class UsageRecord
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; } = DateTimeOffset.UtcNow;
    public required string UserId { get; set; }
    public int[] GroupIds { get; set; } = [];
    public int[] CollectionIds { get; set; } = [];
    public Guid? MessageId { get; set; }
    public required string Provider { get; set; }
    public required string Model { get; set; }
    public required string Route { get; set; }
    public int InputTokens { get; set; }
    public int OutputTokens { get; set; }
    public bool TokensEstimated { get; set; }
    public decimal Cost { get; set; }
    public int? FirstTokenMs { get; set; }
    public int TotalMs { get; set; }
    public bool AnsweredFromSources { get; set; }
}

public class PortalUser
{
    public int Id { get; set; }
    /// <summary>Stable subject: Entra object id, OIDC sub, or "dev:name".</summary>
    public required string Subject { get; set; }
    public required string UserName { get; set; }
    public required string DisplayName { get; set; }
    public string? Email { get; set; }
    public int[] GroupIds { get; set; } = [];
    public string[] Roles { get; set; } = [];
    public DateTimeOffset LastSignInAt { get; set; } = DateTimeOffset.UtcNow;
    /// <summary>
    /// The groups claim values the identity provider last sent (empty when they could not be resolved): a personal API
    /// token maps these through the current group mappings on every request, as a session maps its claims.
    /// </summary>
    public string[] ExternalGroups { get; set; } = [];
    /// <summary>The role claim values the identity provider last sent (mapped afresh like <see cref="ExternalGroups"/>).</summary>
    public string[] ExternalRoles { get; set; } = [];
    /// <summary>When <see cref="ExternalGroups"/> were last read from the identity provider (sign-in or session revalidation).</summary>
    public DateTimeOffset? ClaimsReadAt { get; set; }
    /// <summary>Set when the account was deactivated (provisioning): its API tokens are refused from then on.</summary>
    public DateTimeOffset? DeactivatedAt { get; set; }
    /// <summary>
    /// Set while the account is managed by SCIM provisioning (its <see cref="Subject"/> is the directory's object id):
    /// its provisioned group memberships then replace the groups claims (Access.Provisioning).
    /// </summary>
    public DateTimeOffset? ProvisionedAt { get; set; }
}

public class ChatSession
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string UserId { get; set; }
    public required string Title { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
    public List<ChatMessage> Messages { get; set; } = [];
}

public class ChatMessage
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid SessionId { get; set; }
    /// <summary>"user" or "assistant".</summary>
    public required string Role { get; set; }
    public required string Content { get; set; }
    /// <summary>
    /// Code of a <see cref="Text.PortalMessage"/> when <see cref="Content"/> is the portal's own reply ("Ask.NotCovered"),
    /// with <see cref="ContentArgs"/>: history shows it in the reader's language. Null for answers from documents.
    /// </summary>
    public string? ContentCode { get; set; }
    /// <summary>Arguments of <see cref="ContentCode"/> (jsonb).</summary>
    public string? ContentArgs { get; set; }
    public string? Provider { get; set; }
    public string? Model { get; set; }
    public string? Route { get; set; }
    public int InputTokens { get; set; }
    public int OutputTokens { get; set; }
    public decimal Cost { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    /// <summary>
    /// The collections the asker could read when asking. A question or comment is shown in full only to viewers who
    /// can read all of them (null, for rows from before it was recorded: shown to nobody but the asker).
    /// </summary>
    public int[]? AskerCollectionIds { get; set; }
    public List<MessageCitation> Citations { get; set; } = [];
}

/// <summary>A source an answer cited. Text is not copied: it is re-read through the access filter when shown.</summary>
public class MessageCitation
{
    public long Id { get; set; }
    public Guid MessageId { get; set; }
    public int Number { get; set; }
    public long ChunkId { get; set; }
    public Guid DocumentId { get; set; }
}

public class Feedback
{
    public long Id { get; set; }
    public Guid MessageId { get; set; }
    public required string UserId { get; set; }
    public int Rating { get; set; }
    public string? Comment { get; set; }
    public DateTimeOffset At { get; set; } = DateTimeOffset.UtcNow;
}

public class GlossaryEntry
{
    public int Id { get; set; }
    public required string Term { get; set; }
    public string[] Synonyms { get; set; } = [];
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
}

public class ProviderProfile
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public ProviderKind Kind { get; set; }
    public string? Endpoint { get; set; }
    public string? Model { get; set; }
    /// <summary>Configuration key or environment variable that holds the API key; the key itself is never stored here.</summary>
    public string? ApiKeySetting { get; set; }
    /// <summary>A key entered in the admin UI, encrypted with ASP.NET Data Protection (write-only in the UI).</summary>
    public string? ProtectedApiKey { get; set; }
    public ProviderLocation Location { get; set; }
    public SensitivityLabel MaxSensitivity { get; set; }
    public decimal InputPricePerMillion { get; set; }
    public decimal OutputPricePerMillion { get; set; }
    public float Temperature { get; set; } = ProviderDefaults.Temperature;
    public float TopP { get; set; } = ProviderDefaults.TopP;
    public int MaxOutputTokens { get; set; } = ProviderDefaults.MaxOutputTokens;
    public int ContextWindow { get; set; } = ProviderDefaults.ContextWindow;
    public bool Enabled { get; set; } = true;
    public bool IsDefault { get; set; }
}

public class Budget
{
    public int Id { get; set; }
    public int? GroupId { get; set; }
    public string? UserId { get; set; }
    public decimal? MonthlyCostLimit { get; set; }
    public long? MonthlyTokenLimit { get; set; }
}

/// <summary>Key/value state the whole cluster shares, e.g. the active embedding model.</summary>
public class PortalSetting
{
    public required string Key { get; set; }
    public required string Value { get; set; }
}
