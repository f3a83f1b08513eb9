using System.Text.Json.Nodes;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace KnowledgePortal.Core.Access;

/// <summary>
/// A question says what its asker knew ("G3 max should be 6.8M per the April memo"), so it is as confidential as the
/// collections the asker could read. One rule for every report, export and audit view: a question or feedback
/// comment is shown in full only to a viewer who can read every collection the asker could read when asking.
/// </summary>
public static class QuestionPrivacy
{
    public const string Redacted = "[hidden: asked by someone who can read collections you cannot]";

    /// <summary>True in SQL when the viewer (@groups) can read every collection in <paramref name="column"/>; null fails closed.</summary>
    public static string VisibleSql(string column) => $"""
        ({column} is not null and not exists (
            select 1 from unnest({column}) c(id) where not {SourceAccess.CollectionReadableSql}))
        """;

    /// <summary>The collections the viewer can read (<see cref="SourceAccess.CollectionReadableSql"/>), ascending.</summary>
    public static async Task<int[]> ReadableCollectionsAsync(PortalDbContext db, int[] groupIds, CancellationToken ct) =>
        groupIds.Length == 0 ? [] : (await db.Database
            .SqlQueryRaw<int>($"SELECT c.id AS \"Value\" FROM collections c WHERE {SourceAccess.CollectionReadableSql} ORDER BY c.id",
                new NpgsqlParameter("groups", groupIds))
            .ToListAsync(ct)).ToArray();

    public static bool Visible(IReadOnlyCollection<int>? askerCollections, IReadOnlySet<int> viewerCollections) =>
        askerCollections is not null && askerCollections.All(viewerCollections.Contains);

    /// <summary>
    /// An audit event as this viewer may see it: a recorded question (AuditQuestions=Full or Redacted) is replaced
    /// unless the viewer could read everything its asker could.
    /// </summary>
    public static AuditEvent ForViewer(AuditEvent e, IReadOnlySet<int> viewerCollections)
    {
        if (e.Action != "question" || string.IsNullOrEmpty(e.Details)) return e;
        if (JsonNode.Parse(e.Details) is not JsonObject details || details["question"] is not JsonValue) return e;
        var asker = details["askerCollections"] is JsonArray a ? a.Select(n => (int)n!).ToArray() : null;
        if (Visible(asker, viewerCollections)) return e;
        details["question"] = Redacted;
        return new AuditEvent
        {
            Id = e.Id, At = e.At, Actor = e.Actor, Action = e.Action, TargetType = e.TargetType, TargetId = e.TargetId,
            Details = details.ToJsonString(),
        };
    }
}
