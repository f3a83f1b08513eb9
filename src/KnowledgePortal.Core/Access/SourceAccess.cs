using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace KnowledgePortal.Core.Access;

/// <param name="VersionId">The version the file is of.</param>
public sealed record DownloadableFile(string FileName, string ContentType, byte[] Content, Guid VersionId = default);

/// <summary>Source passages and original files, each read through the same access predicate as search.</summary>
public sealed class SourceAccess(NpgsqlDataSource dataSource, IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>
    /// The one rule for "collections this user can read", in SQL over a collection <c>c</c> and the user's groups
    /// (<c>@groups</c>): one of the collection's grants, at any level, is one of the user's groups. Managing a
    /// collection is not reading it. Documents only narrow it (<see cref="DocumentReadableSql"/>).
    /// </summary>
    public const string CollectionReadableSql =
        "EXISTS (SELECT 1 FROM collection_access ca WHERE ca.collection_id = c.id AND ca.group_id = ANY(@groups))";

    /// <summary>A document is readable when one of its collection's grants (narrowed by the document) is one of the user's groups.</summary>
    public const string DocumentReadableSql = """
        EXISTS (SELECT 1 FROM collection_access ca
                WHERE ca.collection_id = d.collection_id AND ca.group_id = ANY(@groups)
                  AND (d.restricted_to_group_ids IS NULL OR ca.group_id = ANY(d.restricted_to_group_ids)))
        """;

    public async Task<IReadOnlyList<RetrievedPassage>> ReadablePassagesAsync(UserAccess user, long[] chunkIds, CancellationToken ct = default)
    {
        if (chunkIds.Length == 0 || user.GroupIds.Length == 0) return [];
        await using var cmd = dataSource.CreateCommand();
        return (await PassageReader.ReadAsync(cmd, chunkIds, user.GroupIds, ct)).Values.ToList();
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
                         select new { v.Id, v.FileName, v.ContentType, f.Content }).FirstOrDefaultAsync(ct);
        return row is null ? null : new DownloadableFile(row.FileName, row.ContentType, row.Content, row.Id);
    }
}
