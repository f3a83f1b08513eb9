using System.Data.Common;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace KnowledgePortal.Core.Insights;

/// <summary>
/// Read-only reports over the usage ledger (usage_records), feedback, chat messages, citations and documents.
/// Aggregation happens in SQL. The usage reports are for admins (callers check); the content-quality reports
/// (InsightsQueries.Quality.cs) take a <see cref="QualityScope"/> and apply it in their SQL.
/// </summary>
public sealed partial class InsightsQueries(IDbContextFactory<PortalDbContext> dbFactory)
{
    public const int DefaultLimit = 200;

    /// <summary>Ledger rows matching the filter (provider, group and collection all apply).</summary>
    private const string UsageWhere = """
        u.at >= @from and u.at < @to
        and (@provider::text is null or u.provider = @provider)
        and (@group::integer is null or @group = any(u.group_ids))
        and (@collection::integer is null or @collection = any(u.collection_ids))
        """;

    /// <summary>
    /// Model-lab calls are in the ledger (they cost money, so they count in cost and budgets) but are not staff
    /// questions: question counts, the answered share and latency leave them out.
    /// </summary>
    private const string NotLab = "u.route <> '" + UsageRoutes.Lab + "'";

    /// <summary>The question an assistant message answered: the user message just before it in its session.</summary>
    private static readonly string RedactedLiteral = "'" + QuestionPrivacy.Redacted.Replace("'", "''") + "'";

    /// <summary>The question answer <c>a</c> replied to, redacted unless the viewer (@groups) could read all its asker could.</summary>
    private static readonly string QuestionOf = $"""
        (select case when {QuestionPrivacy.VisibleSql("q.asker_collection_ids")} then q.content else {RedactedLiteral} end
         from chat_messages q
         where q.session_id = a.session_id and q.role = 'user' and q.created_at < a.created_at
         order by q.created_at desc limit 1)
        """;

    /// <summary>A feedback comment <c>fb</c> on answer <c>a</c>, under the same rule as its question.</summary>
    private static readonly string CommentOf =
        $"case when fb.comment is null or {QuestionPrivacy.VisibleSql("a.asker_collection_ids")} then fb.comment else {RedactedLiteral} end";

    /// <summary>
    /// Cost and tokens per UTC day, one series per provider, asker's group or source collection. By group or collection
    /// an answer counts once for each of its groups / collections (as in <see cref="ByGroupAsync"/>), so series may overlap.
    /// </summary>
    public Task<List<DailyUsage>> CostPerDayAsync(InsightsFilter f, UsageDimension by = UsageDimension.Provider, CancellationToken ct = default)
    {
        var (series, from) = by switch
        {
            UsageDimension.Group => ("coalesce(pg.name, '#' || g.id)",
                "usage_records u cross join lateral unnest(u.group_ids) as g(id) left join portal_groups pg on pg.id = g.id"),
            UsageDimension.Collection => ("coalesce(col.name, '#' || c.id)",
                "usage_records u cross join lateral unnest(u.collection_ids) as c(id) left join collections col on col.id = c.id"),
            _ => ("u.provider", "usage_records u"),
        };
        return QueryAsync(
            $"""
             select (u.at at time zone 'UTC')::date, {series}, sum(u.cost), sum(u.input_tokens)::bigint, sum(u.output_tokens)::bigint
             from {from} where {UsageWhere}
             group by 1, 2 order by 1, 2
             """, f, r => new DailyUsage(r.GetFieldValue<DateOnly>(0), r.GetString(1), r.GetDecimal(2), r.GetInt64(3), r.GetInt64(4)), ct);
    }

    public Task<List<DailyCount>> QuestionsPerDayAsync(InsightsFilter f, CancellationToken ct = default) => QueryAsync(
        $"""
         select (u.at at time zone 'UTC')::date, count(*) from usage_records u where {UsageWhere} and {NotLab}
         group by 1 order by 1
         """, f, r => new DailyCount(r.GetFieldValue<DateOnly>(0), r.GetInt64(1)), ct);

    /// <summary>Per portal group of the asker (a question counts once for each of the asker's groups).</summary>
    public Task<List<UsageBreakdown>> ByGroupAsync(InsightsFilter f, CancellationToken ct = default) => QueryAsync(
        $"""
         select g.id, coalesce(pg.name, '#' || g.id), count(*) filter (where {NotLab}), sum(u.cost), sum(u.input_tokens + u.output_tokens)::bigint
         from usage_records u cross join lateral unnest(u.group_ids) as g(id)
         left join portal_groups pg on pg.id = g.id
         where {UsageWhere}
         group by g.id, pg.name order by 4 desc, 3 desc, 2
         """, f, Breakdown, ct);

    /// <summary>Per collection the answer's sources came from (a question counts once for each).</summary>
    public Task<List<UsageBreakdown>> ByCollectionAsync(InsightsFilter f, CancellationToken ct = default) => QueryAsync(
        $"""
         select c.id, coalesce(col.name, '#' || c.id), count(*) filter (where {NotLab}), sum(u.cost), sum(u.input_tokens + u.output_tokens)::bigint
         from usage_records u cross join lateral unnest(u.collection_ids) as c(id)
         left join collections col on col.id = c.id
         where {UsageWhere}
         group by c.id, col.name order by 4 desc, 3 desc, 2
         """, f, Breakdown, ct);

    public async Task<AnswerShare> AnswerShareAsync(InsightsFilter f, CancellationToken ct = default) => (await QueryAsync(
        $"""
         select count(*), count(*) filter (where u.answered_from_sources), count(*) filter (where u.route = 'not-covered')
         from usage_records u where {UsageWhere} and {NotLab}
         """, f, r => new AnswerShare(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2)), ct)).Single();

    /// <summary>
    /// Median and 95th percentile (continuous) of time to first text and total time, in milliseconds, both over the same
    /// questions. A reply with no streamed token ("not covered") has a null first_token_ms; ignoring those rows took the
    /// first-token percentiles over the slower answers only, so they could exceed the total's. Such a reply shows its
    /// text when it is complete, so it counts at its total; with first ≤ total per row, every percentile keeps first ≤ total.
    /// </summary>
    public async Task<LatencyPercentiles> LatencyAsync(InsightsFilter f, CancellationToken ct = default) => (await QueryAsync(
        $"""
         select count(*),
                percentile_cont(0.5) within group (order by least(coalesce(u.first_token_ms, u.total_ms), u.total_ms)),
                percentile_cont(0.95) within group (order by least(coalesce(u.first_token_ms, u.total_ms), u.total_ms)),
                percentile_cont(0.5) within group (order by u.total_ms),
                percentile_cont(0.95) within group (order by u.total_ms)
         from usage_records u where {UsageWhere} and {NotLab}
         """, f, r => new LatencyPercentiles(r.GetInt64(0), NullableDouble(r, 1), NullableDouble(r, 2), NullableDouble(r, 3), NullableDouble(r, 4)), ct))
        .Single();

    /// <summary>The usage ledger itself, oldest first (for the CSV export).</summary>
    public Task<List<LedgerRow>> LedgerAsync(InsightsFilter f, int limit = 100_000, CancellationToken ct = default) => QueryAsync(
        $"""
         select u.id, u.at, u.user_id, u.provider, u.model, u.route, u.input_tokens, u.output_tokens, u.tokens_estimated, u.cost,
                u.first_token_ms, u.total_ms, u.answered_from_sources, u.group_ids, u.collection_ids
         from usage_records u where {UsageWhere}
         order by u.at, u.id
         limit @limit
         """, f, r => new LedgerRow(r.GetInt64(0), r.GetFieldValue<DateTimeOffset>(1), r.GetString(2), r.GetString(3), r.GetString(4),
            r.GetString(5), r.GetInt32(6), r.GetInt32(7), r.GetBoolean(8), r.GetDecimal(9), r.IsDBNull(10) ? null : r.GetInt32(10),
            r.GetInt32(11), r.GetBoolean(12), r.GetFieldValue<int[]>(13), r.GetFieldValue<int[]>(14)), ct, limit);

    /// <summary>Providers that appear in the ledger (for the filter).</summary>
    public async Task<List<string>> ProvidersAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.UsageRecords.Select(u => u.Provider).Distinct().OrderBy(p => p).ToListAsync(ct);
    }

    private static UsageBreakdown Breakdown(DbDataReader r) =>
        new(r.GetInt32(0), r.GetString(1), r.GetInt64(2), r.GetDecimal(3), r.GetInt64(4));

    private static CitedDocument Cited(DbDataReader r) =>
        new(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4));

    private static double? NullableDouble(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);

    private async Task<List<T>> QueryAsync<T>(string sql, InsightsFilter f, Func<DbDataReader, T> read, CancellationToken ct,
        int limit = DefaultLimit, Action<NpgsqlCommand>? extra = null)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await connection.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, connection);
        cmd.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = f.FromInstant });
        cmd.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.TimestampTz) { Value = f.ToExclusive });
        cmd.Parameters.Add(new NpgsqlParameter("provider", NpgsqlDbType.Text) { Value = (object?)Blank(f.Provider) ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("group", NpgsqlDbType.Integer) { Value = (object?)f.GroupId ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("collection", NpgsqlDbType.Integer) { Value = (object?)f.CollectionId ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("document", NpgsqlDbType.Uuid) { Value = (object?)f.DocumentId ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = limit });
        extra?.Invoke(cmd);
        var rows = new List<T>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) rows.Add(read(reader));
        return rows;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
