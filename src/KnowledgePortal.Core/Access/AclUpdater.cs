using KnowledgePortal.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Core.Access;

/// <summary>
/// Keeps each chunk's readable group ids equal to its collection's grants (narrowed by the document's restriction).
/// One UPDATE per change, inside the caller's transaction: no re-embedding, effective for the next question.
/// </summary>
public static class AclUpdater
{
    public const string AllowedGroupsSql = AllowedGroupsSqlFragment;

    /// <summary>Readable group ids for a chunk of document d: its collection's grants, narrowed by the document's restriction.</summary>
    public const string AllowedGroupsSqlFragment = """
        ARRAY(SELECT ca.group_id FROM collection_access ca
              WHERE ca.collection_id = d.collection_id
                AND (d.restricted_to_group_ids IS NULL OR ca.group_id = ANY(d.restricted_to_group_ids))
              ORDER BY ca.group_id)
        """;

    public static Task<int> RecomputeCollectionAsync(PortalDbContext db, int collectionId, CancellationToken ct = default) =>
        db.Database.ExecuteSqlRawAsync($$"""
            UPDATE chunks c SET allowed_group_ids = {{AllowedGroupsSql}},
                                sensitivity = col.sensitivity
            FROM documents d JOIN collections col ON col.id = d.collection_id
            WHERE d.id = c.document_id AND d.collection_id = {0}
            """, [collectionId], ct);

    public static Task<int> RecomputeDocumentAsync(PortalDbContext db, Guid documentId, CancellationToken ct = default) =>
        db.Database.ExecuteSqlRawAsync($$"""
            UPDATE chunks c SET allowed_group_ids = {{AllowedGroupsSql}},
                                sensitivity = col.sensitivity
            FROM documents d JOIN collections col ON col.id = d.collection_id
            WHERE d.id = c.document_id AND d.id = {0}
            """, [documentId], ct);
}
