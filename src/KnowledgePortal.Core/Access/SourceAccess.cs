using KnowledgePortal.Core.Answering;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace KnowledgePortal.Core.Access;

public sealed record DownloadableFile(string FileName, string ContentType, byte[] Content);

/// <summary>Source passages and original files, each read through the same access predicate as search.</summary>
public sealed class SourceAccess(NpgsqlDataSource dataSource, IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>A document is readable when one of its collection's grants (narrowed by the document) is one of the user's groups.</summary>
    public const string DocumentReadableSql = """
        EXISTS (SELECT 1 FROM collection_access ca
                WHERE ca.collection_id = d.collection_id AND ca.group_id = ANY(@groups)
                  AND (d.restricted_to_group_ids IS NULL OR ca.group_id = ANY(d.restricted_to_group_ids)))
        """;

    public async Task<IReadOnlyList<RetrievedPassage>> ReadablePassagesAsync(UserAccess user, long[] chunkIds, CancellationToken ct = default)
    {
        if (chunkIds.Length == 0 || user.GroupIds.Length == 0) return [];
        await using var cmd = dataSource.CreateCommand("""
            SELECT c.id, c.document_id, d.title, d.file_name, col.name, c.collection_id, c.sensitivity,
                   c.page, c.slide, c.sheet, c.cell_range, c.heading_path, c.text, c.context, c.paragraph
            FROM chunks c JOIN documents d ON d.id = c.document_id JOIN collections col ON col.id = c.collection_id
            WHERE c.id = ANY(@ids) AND c.allowed_group_ids && @groups
            """);
        cmd.Parameters.AddWithValue("ids", chunkIds);
        cmd.Parameters.AddWithValue("groups", user.GroupIds);
        var result = new List<RetrievedPassage>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            result.Add(new RetrievedPassage(r.GetInt64(0), r.GetGuid(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt32(5),
                (SensitivityLabel)r.GetInt32(6),
                new SourceLocator(r.IsDBNull(7) ? null : r.GetInt32(7), r.IsDBNull(8) ? null : r.GetInt32(8), r.IsDBNull(9) ? null : r.GetString(9),
                    r.IsDBNull(10) ? null : r.GetString(10), r.IsDBNull(11) ? null : r.GetString(11), r.IsDBNull(14) ? null : r.GetInt32(14)),
                r.GetString(12), r.IsDBNull(13) ? null : r.GetString(13), 0));
        return result;
    }

    public async Task<bool> CanReadDocumentAsync(UserAccess user, Guid documentId, CancellationToken ct = default)
    {
        if (user.GroupIds.Length == 0) return false;
        await using var cmd = dataSource.CreateCommand($"SELECT EXISTS (SELECT 1 FROM documents d WHERE d.id = @id AND {DocumentReadableSql})");
        cmd.Parameters.AddWithValue("id", documentId);
        cmd.Parameters.AddWithValue("groups", user.GroupIds);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The current version's original file, or null when missing or not readable (the caller answers 404 either way).</summary>
    public async Task<DownloadableFile?> OriginalAsync(UserAccess user, Guid documentId, CancellationToken ct = default)
    {
        if (!await CanReadDocumentAsync(user, documentId, ct)) return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await (from d in db.Documents
                         join v in db.DocumentVersions on d.CurrentVersionId equals v.Id
                         join f in db.StoredFiles on v.StoredFileId equals f.Id
                         where d.Id == documentId
                         select new { v.FileName, v.ContentType, f.Content }).FirstOrDefaultAsync(ct);
        return row is null ? null : new DownloadableFile(row.FileName, row.ContentType, row.Content);
    }
}
