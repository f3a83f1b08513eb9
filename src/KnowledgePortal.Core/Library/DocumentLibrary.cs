using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion;
using KnowledgePortal.Core.Text;
using KnowledgePortal.Core.Ingestion.Extraction;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace KnowledgePortal.Core.Library;

public sealed record LibraryCollection(int Id, string Name, string? Description, SensitivityLabel Sensitivity, int Documents, bool CanManage);

/// <param name="Failure">Why the newest version failed or was cancelled (translated by the page); null otherwise.</param>
/// <param name="CanRetry">A re-run of the same file can succeed (<see cref="IngestionMessages.CanRetry"/>).</param>
/// <param name="PreviousVersionSearchable">The failure concerns a new version; an older one is still indexed.</param>
/// <param name="Progress">Percent of the newest job (<see cref="IngestionProgress"/>).</param>
/// <param name="Ocr">While the newest job reads the file: how many of its pages OCR has recognised; null when it recognises none.</param>
/// <param name="ParentDocumentId">The e-mail message this is an attachment of; listed right under it.</param>
public sealed record LibraryDocument(Guid Id, string Title, string FileName, DocumentStatus Status, PortalMessage? Failure, int ChunkCount,
    DateTimeOffset UpdatedAt, double Progress, DateOnly? ReviewDue, bool CanRetry = false, bool PreviousVersionSearchable = false,
    OcrProgress? Ocr = null, Guid? ParentDocumentId = null)
{
    /// <summary>English failure text, as the CLI and the database hold it.</summary>
    public string? FailureReason => Failure?.Text;
}

/// <summary>An admin moved a model cleared for Confidential data to another endpoint (shown to managers of such collections).</summary>
public sealed record ProviderEndpointNotice(DateTimeOffset At, string Admin, string Profile, string? Endpoint);

/// <param name="OcrConfidence">For a passage recognised by OCR, its page's confidence (0–100).</param>
/// <param name="LowOcrConfidence">Below Ingestion:OcrLowConfidence: the preview flags it, to be checked against the original.</param>
public sealed record ChunkPreview(int Ordinal, string Locator, string? Context, string Text, int Tokens, double? OcrConfidence = null,
    bool LowOcrConfidence = false);

/// <summary>What the preview dialog shows: the readable passages, or why there are none.</summary>
public sealed record DocumentPreview(IReadOnlyList<ChunkPreview> Chunks, DocumentStatus? Status, PortalMessage? Failure);

/// <summary>
/// What the Documents page, its chunk preview and the Ask page's collection filter show a user. Reading goes through
/// the one collection and document rules (<see cref="SourceAccess.CollectionReadableSql"/>,
/// <see cref="SourceAccess.DocumentReadableSql"/>) and the chunk ACL, as search and download do. Managing a collection
/// lists all its documents (titles and status, to curate them) but reads no passage the manager could not read anyway.
/// </summary>
public sealed class DocumentLibrary(NpgsqlDataSource dataSource, IDbContextFactory<PortalDbContext> dbFactory, IOptions<IngestionOptions> ingestion)
{
    /// <summary>
    /// The collections the Documents page lists: those the user can read and those they manage, with the number of
    /// documents they may list there (all of a managed collection's, else the readable ones).
    /// </summary>
    public async Task<List<LibraryCollection>> CollectionsAsync(UserAccess user, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand($"""
            SELECT c.id, c.name, c.description, c.sensitivity,
                   (SELECT count(*) FROM documents d
                    WHERE d.collection_id = c.id AND (c.id = ANY(@managed) OR {SourceAccess.DocumentReadableSql}))::int
            FROM collections c
            WHERE {SourceAccess.CollectionReadableSql} OR c.id = ANY(@managed)
            ORDER BY c.name
            """);
        cmd.Parameters.AddWithValue("groups", user.GroupIds);
        cmd.Parameters.AddWithValue("managed", user.ManagedCollectionIds);
        var result = new List<LibraryCollection>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var id = r.GetInt32(0);
            result.Add(new LibraryCollection(id, r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), (SensitivityLabel)r.GetInt32(3),
                r.GetInt32(4), user.CanManage(id)));
        }
        return result;
    }

    /// <summary>The collections the user can read, by name (the Ask page's collection filter).</summary>
    public async Task<List<CollectionName>> ReadableCollectionsAsync(UserAccess user, CancellationToken ct = default)
    {
        if (user.GroupIds.Length == 0) return [];
        await using var cmd = dataSource.CreateCommand($"SELECT c.id, c.name FROM collections c WHERE {SourceAccess.CollectionReadableSql} ORDER BY c.name");
        cmd.Parameters.AddWithValue("groups", user.GroupIds);
        var result = new List<CollectionName>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) result.Add(new CollectionName(r.GetInt32(0), r.GetString(1)));
        return result;
    }

    public async Task<List<LibraryDocument>> DocumentsAsync(UserAccess user, int collectionId, CancellationToken ct = default)
    {
        var canManage = user.CanManage(collectionId);
        var readable = canManage ? null : (await ReadableDocumentsAsync(user, collectionId, ct)).Select(d => d.Id).ToList();
        if (readable is { Count: 0 }) return [];
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Documents.AsNoTracking()
            .Where(d => d.CollectionId == collectionId && (readable == null || readable.Contains(d.Id)))
            .OrderByDescending(d => d.UpdatedAt)
            .Select(d => new
            {
                Document = d,
                Job = db.IngestionJobs.Where(j => j.DocumentId == d.Id).OrderByDescending(j => j.CreatedAt)
                    .Select(j => new { j.Status, j.CompletedStep, j.ChunksTotal, j.ChunksEmbedded, j.OcrPagesDone, j.OcrPagesTotal }).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var documents = rows.Select(r =>
        {
            var d = r.Document;
            var unsuccessful = d.Status is DocumentStatus.Failed or DocumentStatus.Cancelled;
            var failure = unsuccessful ? PortalMessage.FromStored(d.FailureCode, d.FailureArgs, d.FailureReason) : null;
            var progress = r.Job is { } j ? IngestionProgress.Percent(j.Status, j.CompletedStep, j.ChunksTotal, j.ChunksEmbedded, j.OcrPagesDone, j.OcrPagesTotal) : 0;
            var ocr = r.Job is { Status: JobStatus.Queued or JobStatus.Running, CompletedStep: IngestionSteps.None, OcrPagesTotal: > 0 } o
                ? new OcrProgress(o.OcrPagesDone, o.OcrPagesTotal) : null;
            return new LibraryDocument(d.Id, d.Title, d.FileName, d.Status, failure, d.ChunkCount, d.UpdatedAt, progress,
                // A review date is about indexed content: a document that never got indexed has none to show.
                d.CurrentVersionId is null ? null : d.ReviewDue,
                unsuccessful && IngestionMessages.CanRetry(d.FailureCode),
                unsuccessful && d.CurrentVersionId is not null, ocr, d.ParentDocumentId);
        }).ToList();
        return UnderTheirMessages(documents);
    }

    /// <summary>Newest first, each message's attachments right after it by name; one whose message is not listed stays in its place.</summary>
    internal static List<LibraryDocument> UnderTheirMessages(List<LibraryDocument> documents)
    {
        var listed = documents.Select(d => d.Id).ToHashSet();
        var children = documents.Where(d => d.ParentDocumentId is { } p && listed.Contains(p)).ToLookup(d => d.ParentDocumentId!.Value);
        var ordered = new List<LibraryDocument>(documents.Count);
        void Add(LibraryDocument d)
        {
            ordered.Add(d);
            foreach (var child in children[d.Id].OrderBy(c => c.FileName, StringComparer.OrdinalIgnoreCase)) Add(child);
        }
        foreach (var d in documents.Where(d => d.ParentDocumentId is not { } p || !listed.Contains(p))) Add(d);
        return ordered;
    }

    /// <summary>
    /// Endpoint changes of the last 30 days on models cleared for Confidential or above, for managers of a Confidential
    /// or Secret collection: where their passages may now be sent is their business too.
    /// </summary>
    public async Task<List<ProviderEndpointNotice>> ProviderNoticesAsync(UserAccess user, CancellationToken ct = default)
    {
        if (user.ManagedCollectionIds.Length == 0) return [];
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var managed = user.ManagedCollectionIds;
        if (!await db.Collections.AnyAsync(c => managed.Contains(c.Id) && c.Sensitivity >= SensitivityLabel.Confidential, ct)) return [];
        var since = DateTimeOffset.UtcNow.AddDays(-30);
        var events = await db.AuditEvents.AsNoTracking()
            .Where(e => e.Action == AccessAdministration.ConfidentialEndpointChange && e.At >= since)
            .OrderByDescending(e => e.At).Take(20).ToListAsync(ct);
        return events.Select(e =>
        {
            var details = System.Text.Json.Nodes.JsonNode.Parse(e.Details ?? "{}");
            return new ProviderEndpointNotice(e.At, e.Actor, (string?)details?["profile"] ?? "?", (string?)details?["endpointAfter"]);
        }).ToList();
    }

    /// <summary>
    /// The passages a user may read and, for a document that has none because indexing failed, the reason (to those
    /// who may list the document: its collection's managers and readers of the document).
    /// </summary>
    public async Task<DocumentPreview> DocumentPreviewAsync(UserAccess user, Guid documentId, CancellationToken ct = default)
    {
        var chunks = await PreviewAsync(user, documentId, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var d = await db.Documents.AsNoTracking().Where(x => x.Id == documentId)
            .Select(x => new { x.CollectionId, x.Status, x.FailureCode, x.FailureArgs, x.FailureReason }).FirstOrDefaultAsync(ct);
        if (d is null) return new DocumentPreview(chunks, null, null);
        var listed = user.CanManage(d.CollectionId) || chunks.Count > 0
                     || (await ReadableDocumentsAsync(user, d.CollectionId, ct)).Any(x => x.Id == documentId);
        if (!listed) return new DocumentPreview([], null, null);
        var failure = d.Status is DocumentStatus.Failed or DocumentStatus.Cancelled ? PortalMessage.FromStored(d.FailureCode, d.FailureArgs, d.FailureReason) : null;
        return new DocumentPreview(chunks, d.Status, failure);
    }

    /// <summary>The passages of a document this user may read (the search predicate), at most 500.</summary>
    public async Task<List<ChunkPreview>> PreviewAsync(UserAccess user, Guid documentId, CancellationToken ct = default)
    {
        if (user.GroupIds.Length == 0) return [];
        await using var cmd = dataSource.CreateCommand($"""
            SELECT c.ordinal, c.context, c.text, c.token_count, c.ocr_confidence, {SourceLocatorColumns.Select("c")}
            FROM chunks c JOIN documents d ON d.id = c.document_id
            WHERE c.document_id = @id AND c.allowed_group_ids && @groups AND {SourceAccess.DocumentReadableSql}
            ORDER BY c.ordinal LIMIT 500
            """);
        cmd.Parameters.AddWithValue("id", documentId);
        cmd.Parameters.AddWithValue("groups", user.GroupIds);
        var result = new List<ChunkPreview>();
        var low = ingestion.Value.OcrLowConfidence;
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var locator = SourceLocatorColumns.Read(r, 5);
            double? confidence = r.IsDBNull(4) ? null : r.GetFloat(4);
            result.Add(new ChunkPreview(r.GetInt32(0), locator.ToDisplay(), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2), r.GetInt32(3),
                confidence, confidence < low));
        }
        return result;
    }

    private async Task<List<(Guid Id, int CollectionId)>> ReadableDocumentsAsync(UserAccess user, int? collectionId, CancellationToken ct)
    {
        if (user.GroupIds.Length == 0) return [];
        await using var cmd = dataSource.CreateCommand(
            $"SELECT d.id, d.collection_id FROM documents d WHERE {SourceAccess.DocumentReadableSql}" + (collectionId is null ? "" : " AND d.collection_id = @c"));
        cmd.Parameters.AddWithValue("groups", user.GroupIds);
        if (collectionId is { } c) cmd.Parameters.AddWithValue("c", c);
        var result = new List<(Guid, int)>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) result.Add((r.GetGuid(0), r.GetInt32(1)));
        return result;
    }
}
