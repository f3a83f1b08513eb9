using KnowledgePortal.Core.Domain;
using Npgsql;

namespace KnowledgePortal.Core.Access;

/// <summary>
/// The one read of passages by id, shared by search (<see cref="Retrieval.HybridRetriever"/>) and history
/// (<see cref="SourceAccess"/>): one select list, one row mapping, and the access predicate in the statement itself,
/// so the final read is as guarded as the ranking.
/// </summary>
public static class PassageReader
{
    public static readonly string Sql = $"""
        SELECT c.id, c.document_id, d.title, d.file_name, col.name, c.collection_id, c.sensitivity, c.text, c.context,
               {SourceLocatorColumns.Select("c")}
        FROM chunks c JOIN documents d ON d.id = c.document_id JOIN collections col ON col.id = c.collection_id
        WHERE c.id = ANY(@ids) AND c.allowed_group_ids && @groups
        """;

    /// <summary>The passages among <paramref name="chunkIds"/> that <paramref name="groups"/> may read, by chunk id (score 0).</summary>
    public static async Task<Dictionary<long, RetrievedPassage>> ReadAsync(NpgsqlCommand cmd, long[] chunkIds, int[] groups, CancellationToken ct)
    {
        cmd.CommandText = Sql;
        cmd.Parameters.AddWithValue("ids", chunkIds);
        cmd.Parameters.AddWithValue("groups", groups);
        var rows = new Dictionary<long, RetrievedPassage>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var id = r.GetInt64(0);
            rows[id] = new RetrievedPassage(id, r.GetGuid(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt32(5),
                (SensitivityLabel)r.GetInt32(6), SourceLocatorColumns.Read(r, 9), r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8), 0);
        }
        return rows;
    }
}
