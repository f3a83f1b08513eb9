using KnowledgePortal.Core.Access;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace KnowledgePortal.Core.Insights;

/// <summary>
/// Content-quality reports for knowledge managers and admins: feedback, unanswered questions, stale documents and
/// citation counts. Every statement applies the <see cref="QualityScope"/> itself, so a caller cannot forget it.
/// </summary>
public sealed partial class InsightsQueries
{
    /// <summary>Rows about answers or documents in the viewer's collections (all collections when the scope has none).</summary>
    private const string InScope = "(@scope::integer[] is null or d.collection_id = any(@scope))";

    /// <summary>
    /// True when the answer <c>a</c> was built from a document the viewer cannot read today, or from one since deleted:
    /// such an answer's text and source titles never leave the database.
    /// </summary>
    private const string AnswerHidden = $"""
        exists (select 1 from message_citations mc left join documents d on d.id = mc.document_id
                where mc.message_id = a.id and (d.id is null or not {SourceAccess.DocumentReadableSql}))
        """;

    /// <summary>
    /// Feedback newest first, with the question, the answer and the titles of the documents sent with it. The collection
    /// and document filters keep feedback on answers built from them; the provider filter, answers by that provider.
    /// A knowledge manager sees feedback on answers built from their collections and on answers with no sources at all
    /// (content gaps); the answer and its sources are hidden when they came from a document the viewer cannot read.
    /// </summary>
    public Task<List<FeedbackItem>> FeedbackAsync(QualityScope scope, InsightsFilter f, int limit = DefaultLimit, CancellationToken ct = default) =>
        QueryAsync(
            $"""
             select fb.id, fb.at, case when @show_users then fb.user_id end, fb.rating, {CommentOf}, {QuestionOf},
                    case when h.hidden then null else a.content end,
                    case when h.hidden then array[]::text[] else coalesce((select array_agg(t.title order by t.n) from
                        (select d.title, min(mc.number) as n from message_citations mc join documents d on d.id = mc.document_id
                         where mc.message_id = a.id group by d.id, d.title) t), array[]::text[]) end,
                    h.hidden
             from feedback fb join chat_messages a on a.id = fb.message_id
             cross join lateral (select {AnswerHidden} as hidden) h
             where fb.at >= @from and fb.at < @to
               and (@provider::text is null or a.provider = @provider)
               and (@collection::integer is null or exists (select 1 from message_citations mc join documents d on d.id = mc.document_id
                                                           where mc.message_id = a.id and d.collection_id = @collection))
               and (@document::uuid is null or exists (select 1 from message_citations mc where mc.message_id = a.id and mc.document_id = @document))
               and (@scope::integer[] is null
                    or not exists (select 1 from message_citations mc where mc.message_id = a.id)
                    or exists (select 1 from message_citations mc join documents d on d.id = mc.document_id
                               where mc.message_id = a.id and {InScope}))
             order by fb.at desc, fb.id desc
             limit @limit
             """, f, r => new FeedbackItem(r.GetInt64(0), r.GetFieldValue<DateTimeOffset>(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetInt32(3),
                r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6),
                r.GetFieldValue<string[]>(7), r.GetBoolean(8)), ct, limit, cmd => BindScope(cmd, scope));

    /// <summary>
    /// Questions nothing readable covered (route "not-covered"), newest first. Such answers had no sources, so neither the
    /// collection filter nor the collection scope applies: every knowledge manager sees what is missing. Who asked is
    /// shown to admins only.
    /// </summary>
    public Task<List<UnansweredQuestion>> UnansweredAsync(QualityScope scope, InsightsFilter f, int limit = 1000, CancellationToken ct = default) =>
        QueryAsync(
            $"""
             select u.at, case when @show_users then u.user_id end, q.content
             from usage_records u join chat_messages a on a.id = u.message_id
             cross join lateral (select {QuestionOf} as content) q
             where u.route = 'not-covered' and q.content is not null and {UsageWhere.Replace("@collection::integer is null", "true")}
             order by u.at desc, u.id desc
             limit @limit
             """, f, r => new UnansweredQuestion(r.GetFieldValue<DateTimeOffset>(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2)),
            ct, limit, cmd => BindScope(cmd, scope));

    /// <summary>Unanswered questions grouped by similarity (<see cref="QuestionGrouping"/>), largest group first.</summary>
    public async Task<IReadOnlyList<QuestionGroup>> UnansweredGroupsAsync(QualityScope scope, InsightsFilter f, CancellationToken ct = default)
    {
        var questions = await UnansweredAsync(scope, f, 1000, ct);
        // Oldest first, so the first way a gap was asked about stands for its group.
        return QuestionGrouping.Group(questions.AsEnumerable().Reverse().Select(q => q.Question));
    }

    /// <summary>Documents in scope whose review date has passed (before <paramref name="today"/>), most overdue first.</summary>
    public Task<List<StaleDocument>> StaleDocumentsAsync(QualityScope scope, DateOnly today, int? collectionId = null, CancellationToken ct = default) =>
        QueryAsync(
            $"""
             select d.id, d.title, d.file_name, c.name, d.review_due
             from documents d join collections c on c.id = d.collection_id
             where d.review_due < @today and (@collection::integer is null or d.collection_id = @collection) and {InScope}
             order by d.review_due, c.name, d.title
             """, new InsightsFilter(today, today, CollectionId: collectionId),
            r => new StaleDocument(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetFieldValue<DateOnly>(4)), ct,
            extra: cmd =>
            {
                BindScope(cmd, scope);
                cmd.Parameters.Add(new NpgsqlParameter("today", NpgsqlDbType.Date) { Value = today });
            });

    /// <summary>Documents in scope sent with the most answers in the period (one count per answer).</summary>
    public Task<List<CitedDocument>> MostCitedAsync(QualityScope scope, InsightsFilter f, int limit = 20, CancellationToken ct = default) =>
        QueryAsync(
            $"""
             select d.id, d.title, d.file_name, c.name, count(distinct mc.message_id)
             from message_citations mc
             join chat_messages m on m.id = mc.message_id
             join documents d on d.id = mc.document_id
             join collections c on c.id = d.collection_id
             where m.created_at >= @from and m.created_at < @to
               and (@collection::integer is null or d.collection_id = @collection)
               and (@provider::text is null or m.provider = @provider)
               and {InScope}
             group by d.id, d.title, d.file_name, c.name
             order by 5 desc, d.title
             limit @limit
             """, f, Cited, ct, limit, cmd => BindScope(cmd, scope));

    /// <summary>Documents in scope no answer has ever been built from.</summary>
    public Task<List<CitedDocument>> NeverCitedAsync(QualityScope scope, int? collectionId = null, int limit = DefaultLimit, CancellationToken ct = default) =>
        QueryAsync(
            $"""
             select d.id, d.title, d.file_name, c.name, 0::bigint
             from documents d join collections c on c.id = d.collection_id
             where not exists (select 1 from message_citations mc where mc.document_id = d.id)
               and (@collection::integer is null or d.collection_id = @collection)
               and {InScope}
             order by c.name, d.title
             limit @limit
             """, InsightsFilter.LastDays(1) with { CollectionId = collectionId }, Cited, ct, limit, cmd => BindScope(cmd, scope));

    /// <summary>The collections the scope covers, by name (the page's collection filter).</summary>
    public async Task<List<CollectionName>> CollectionsAsync(QualityScope scope, CancellationToken ct = default)
    {
        var ids = scope.CollectionIds;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Collections.AsNoTracking().Where(c => ids == null || ids.Contains(c.Id)).OrderBy(c => c.Name)
            .Select(c => new CollectionName(c.Id, c.Name)).ToListAsync(ct);
    }

    /// <summary>The documents of a collection in scope, by title (the page's document filter); none outside the scope.</summary>
    public async Task<List<DocumentName>> DocumentsAsync(QualityScope scope, int collectionId, CancellationToken ct = default)
    {
        if (!scope.Covers(collectionId)) return [];
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Documents.AsNoTracking().Where(d => d.CollectionId == collectionId).OrderBy(d => d.Title)
            .Select(d => new DocumentName(d.Id, d.Title, d.Collection!.Name)).ToListAsync(ct);
    }

    private static void BindScope(NpgsqlCommand cmd, QualityScope scope)
    {
        cmd.Parameters.Add(new NpgsqlParameter("scope", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = (object?)scope.CollectionIds ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("groups", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = scope.ReaderGroupIds });
        cmd.Parameters.Add(new NpgsqlParameter("show_users", NpgsqlDbType.Boolean) { Value = scope.ShowUserIds });
    }
}
