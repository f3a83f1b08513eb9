using System.Diagnostics;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Answering;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion;
using KnowledgePortal.Core.Ingestion.Embedding;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Pgvector;

namespace KnowledgePortal.Core.Retrieval;

public sealed record SearchRequest(string Query, IReadOnlyList<string>? Expansions = null, IReadOnlyList<int>? CollectionIds = null, int? TopK = null);

public sealed record RetrievalDiagnostics(string VectorPath, int VisibleChunksSeen, int VectorCandidates, int KeywordCandidates, double Milliseconds);

/// <param name="Answerable">False when nothing passed the relevance threshold: the answer must say the documents do not cover it.</param>
public sealed record RetrievalResult(IReadOnlyList<RetrievedPassage> Passages, bool Answerable, RetrievalDiagnostics Diagnostics);

/// <summary>
/// Hybrid retrieval in PostgreSQL: pgvector cosine search and full-text search, fused by reciprocal rank fusion.
/// The user's readable groups are a predicate of every statement, so a forbidden chunk is never ranked, returned or
/// counted. An empty group set returns nothing (fail closed).
/// </summary>
public sealed class HybridRetriever(
    NpgsqlDataSource dataSource,
    IEmbeddingGenerator<string, Embedding<float>> embedder,
    EmbeddingModelInfo model,
    EmbeddingClearance clearance,
    IOptions<RetrievalOptions> options,
    IMemoryCache cache)
{
    public async Task<RetrievalResult> SearchAsync(UserAccess user, SearchRequest request, CancellationToken ct = default)
    {
        var o = options.Value;
        var sw = Stopwatch.StartNew();
        if (user.GroupIds.Length == 0 || string.IsNullOrWhiteSpace(request.Query))
            return new RetrievalResult([], false, new RetrievalDiagnostics("none", 0, 0, 0, 0));

        var expansions = request.Expansions ?? [];
        var embedText = expansions.Count == 0 ? request.Query : request.Query + " " + string.Join(" ", expansions);
        var termGroups = SearchText.ToTsQueryGroups(request.Query, expansions);

        // A question that may be about a collection above the embedder's clearance is not sent to it: keyword search only.
        // Embedding happens before a connection is taken, so a slow embedder never holds one.
        var keywordOnly = await ScopeAboveClearanceAsync(user.GroupIds, request.CollectionIds, ct);
        var queryVector = keywordOnly ? null : (await embedder.GenerateAsync([embedText], EmbeddingInput.Query(), ct))[0].Vector.ToArray();

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        List<(long Id, double Distance)> vectorHits = [];
        var exact = false;
        var visible = 0;
        if (queryVector is not null)
            (vectorHits, exact, visible) = await VectorStepAsync(conn, user.GroupIds, request.CollectionIds, queryVector, ct);
        var keywordHits = termGroups.Count == 0 ? []
            : await KeywordCandidatesAsync(conn, user.GroupIds, request.CollectionIds, termGroups, o.KeywordCandidates, ct);

        var fused = Fuse(vectorHits, keywordHits, o);
        var top = fused.Take(request.TopK ?? o.TopK).ToList();
        var passages = await LoadPassagesAsync(conn, user.GroupIds, top, ct);
        await tx.CommitAsync(ct);

        // Relevance needs evidence beyond rank: a keyword match, or a vector close enough to the question.
        var relevant = passages.Where(p =>
        {
            var hit = top.First(t => t.ChunkId == p.ChunkId);
            return hit.KeywordRank is not null || hit.Similarity >= o.MinVectorSimilarity;
        }).ToList();
        return new RetrievalResult(relevant, relevant.Count > 0,
            new RetrievalDiagnostics(keywordOnly ? KeywordOnlyPath : exact ? "exact" : "hnsw-iterative", visible, vectorHits.Count, keywordHits.Count, sw.Elapsed.TotalMilliseconds));
    }

    /// <summary>Vector path reported when the embedder may not receive the question (see <see cref="EmbeddingClearance"/>).</summary>
    public const string KeywordOnlyPath = "keyword-only";

    /// <summary>
    /// True when the user could read, within the requested collections, a collection labelled above the embedder's
    /// clearance. Decided on collections (cheap, and a superset of the chunks: documents only narrow access).
    /// </summary>
    private async Task<bool> ScopeAboveClearanceAsync(int[] groups, IReadOnlyList<int>? collections, CancellationToken ct)
    {
        if (clearance.IsUnrestricted) return false;
        var filter = collections is { Count: > 0 } ? "AND c.id = ANY(@collections)" : "";
        await using var cmd = dataSource.CreateCommand(
            "SELECT EXISTS (SELECT 1 FROM collections c WHERE c.sensitivity > @max " + filter
            + " AND EXISTS (SELECT 1 FROM collection_access ca WHERE ca.collection_id = c.id AND ca.group_id = ANY(@groups)))");
        cmd.Parameters.AddWithValue("max", (int)clearance.MaxSensitivity);
        cmd.Parameters.AddWithValue("groups", groups);
        if (collections is { Count: > 0 }) cmd.Parameters.AddWithValue("collections", collections.ToArray());
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// The vector step: an exact scan for users who can read few chunks (or when <paramref name="forceExact"/>, the
    /// reference for measuring recall), else the HNSW index with an iterative scan.
    /// </summary>
    private async Task<(List<(long Id, double Distance)> Hits, bool Exact, int Visible)> VectorStepAsync(NpgsqlConnection conn,
        int[] groups, IReadOnlyList<int>? collections, float[] queryVector, CancellationToken ct, bool forceExact = false, int? candidates = null)
    {
        var o = options.Value;
        var useIndex = await PrepareIndexScanAsync(conn, o, ct);
        var visible = forceExact ? 0 : await CountVisibleAsync(conn, groups, collections, o.ExactScanBelowVisibleChunks, ct);
        var exact = forceExact || !useIndex || visible < o.ExactScanBelowVisibleChunks;
        return (await VectorCandidatesAsync(conn, groups, collections, queryVector, candidates ?? o.VectorCandidates, exact, ct), exact, visible);
    }

    /// <summary>The vector step alone for a raw query vector, as <see cref="SearchAsync"/> runs it (recall tests).</summary>
    internal async Task<(List<(long Id, double Distance)> Hits, string VectorPath)> VectorSearchForTestsAsync(int[] groups, float[] queryVector,
        CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var (hits, exact, _) = await VectorStepAsync(conn, groups, null, queryVector, ct);
        await tx.CommitAsync(ct);
        return (hits, exact ? "exact" : "hnsw-iterative");
    }

    /// <summary>
    /// The vector step of <see cref="SearchAsync"/> on its own for a text query (no keyword search, no fusion), nearest
    /// first. <paramref name="forceExact"/> always scans exactly. Used by <c>./portal bench retrieval</c>.
    /// </summary>
    public async Task<(IReadOnlyList<long> ChunkIds, string VectorPath)> VectorSearchAsync(UserAccess user, string query,
        bool forceExact = false, int? candidates = null, CancellationToken ct = default)
    {
        if (user.GroupIds.Length == 0 || string.IsNullOrWhiteSpace(query)) return ([], "none");
        if (await ScopeAboveClearanceAsync(user.GroupIds, null, ct)) return ([], KeywordOnlyPath);
        var queryVector = (await embedder.GenerateAsync([query], cancellationToken: ct))[0].Vector.ToArray();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var (hits, exact, _) = await VectorStepAsync(conn, user.GroupIds, null, queryVector, ct, forceExact, candidates);
        await tx.CommitAsync(ct);
        return (hits.Select(h => h.Id).ToList(), exact ? "exact" : "hnsw-iterative");
    }

    /// <summary>Turns on pgvector 0.8 iterative index scans for this transaction and checks they took effect.</summary>
    internal static async Task<bool> PrepareIndexScanAsync(NpgsqlConnection conn, RetrievalOptions o, CancellationToken ct)
    {
        try
        {
            await using var cmd = new NpgsqlCommand(
                $"SET LOCAL hnsw.iterative_scan = relaxed_order; SET LOCAL hnsw.ef_search = {o.EfSearch}; " +
                $"SET LOCAL hnsw.max_scan_tuples = {o.MaxScanTuples}; SELECT current_setting('hnsw.iterative_scan', true)", conn);
            return (await cmd.ExecuteScalarAsync(ct)) as string == "relaxed_order";
        }
        catch (PostgresException)
        {
            return false; // an older pgvector: the caller falls back to an exact scan
        }
    }

    /// <summary>Counts readable chunks up to a cap: enough to choose between the index and an exact scan, cheaply.</summary>
    private async Task<int> CountVisibleAsync(NpgsqlConnection conn, int[] groups, IReadOnlyList<int>? collections, int cap, CancellationToken ct)
    {
        if (cap == 0) return 0;
        await using var cmd = new NpgsqlCommand($"""
            SELECT count(*) FROM (SELECT 1 FROM chunks
                                  WHERE allowed_group_ids && @groups AND embedding_model = '{model.ModelId}' {CollectionFilter(collections)}
                                  LIMIT @cap) visible
            """, conn);
        cmd.Parameters.AddWithValue("groups", groups);
        cmd.Parameters.AddWithValue("cap", cap);
        if (collections is { Count: > 0 }) cmd.Parameters.AddWithValue("collections", collections.ToArray());
        return Convert.ToInt32(await cmd.ExecuteScalarAsync(ct));
    }

    private static string CollectionFilter(IReadOnlyList<int>? collections) =>
        collections is { Count: > 0 } ? "AND collection_id = ANY(@collections)" : "";

    /// <summary>
    /// The vector query. The model id and dimension are inlined (validated at start) so the planner can match the
    /// per-model partial HNSW index; with relaxed ordering the outer query restores exact distance order.
    /// </summary>
    internal string VectorSql(bool exact, bool collectionFilter)
    {
        var cast = $"(embedding::vector({model.Dimension}))";
        var where = $"allowed_group_ids && @groups AND embedding_model = '{model.ModelId}' {(collectionFilter ? "AND collection_id = ANY(@collections)" : "")}";
        return exact
            ? $"""
               WITH visible AS MATERIALIZED (SELECT id, embedding FROM chunks WHERE {where})
               SELECT id, {cast} <=> @q AS distance FROM visible ORDER BY distance LIMIT @n
               """
            : $"""
               WITH candidates AS MATERIALIZED (
                   SELECT id, {cast} <=> @q AS distance FROM chunks WHERE {where} ORDER BY {cast} <=> @q LIMIT @n)
               SELECT id, distance FROM candidates ORDER BY distance
               """;
    }

    private async Task<List<(long Id, double Distance)>> VectorCandidatesAsync(NpgsqlConnection conn, int[] groups,
        IReadOnlyList<int>? collections, float[] query, int n, bool exact, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(VectorSql(exact, collections is { Count: > 0 }), conn);
        cmd.Parameters.AddWithValue("groups", groups);
        cmd.Parameters.AddWithValue("q", new Vector(query));
        cmd.Parameters.AddWithValue("n", n);
        if (collections is { Count: > 0 }) cmd.Parameters.AddWithValue("collections", collections.ToArray());
        var hits = new List<(long, double)>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) hits.Add((reader.GetInt64(0), reader.GetDouble(1)));
        return hits;
    }

    /// <summary>
    /// Keyword candidates ranked by the inverse document frequency of the matched query terms (a rare "G5" outweighs a
    /// common "salary"), with ts_rank_cd as a tie-breaker. Frequencies are counted over the chunks this user may read
    /// only, so what others' documents contain cannot shape this user's ranking.
    /// </summary>
    private async Task<List<(long Id, double Rank)>> KeywordCandidatesAsync(NpgsqlConnection conn, int[] groups,
        IReadOnlyList<int>? collections, IReadOnlyList<string> termGroups, int n, CancellationToken ct)
    {
        var weights = await TermWeightsAsync(conn, groups, termGroups, ct);
        var score = string.Join(" + ", termGroups.Select((_, i) => $"CASE WHEN search_vector @@ to_tsquery('simple', @t{i}) THEN @w{i} ELSE 0 END"));
        await using var cmd = new NpgsqlCommand($"""
            SELECT id, ({score}) + 0.1 * ts_rank_cd(search_vector, query, 32) AS rank
            FROM chunks, to_tsquery('simple', @tsq) query
            WHERE search_vector @@ query AND allowed_group_ids && @groups {CollectionFilter(collections)}
            ORDER BY rank DESC, id
            LIMIT @n
            """, conn);
        cmd.Parameters.AddWithValue("tsq", string.Join(" | ", termGroups));
        for (var i = 0; i < termGroups.Count; i++)
        {
            cmd.Parameters.AddWithValue($"t{i}", termGroups[i]);
            cmd.Parameters.AddWithValue($"w{i}", weights[i]);
        }
        cmd.Parameters.AddWithValue("groups", groups);
        cmd.Parameters.AddWithValue("n", n);
        if (collections is { Count: > 0 }) cmd.Parameters.AddWithValue("collections", collections.ToArray());
        var hits = new List<(long, double)>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) hits.Add((reader.GetInt64(0), reader.GetDouble(1)));
        return hits;
    }

    private const int FrequencyCap = 50_000;

    /// <summary>BM25-style idf per term group, from capped counts over the readable chunks; cached briefly per group set.</summary>
    private async Task<double[]> TermWeightsAsync(NpgsqlConnection conn, int[] groups, IReadOnlyList<string> termGroups, CancellationToken ct)
    {
        var scope = string.Join(",", groups);
        var weights = new double[termGroups.Count];
        var missing = new List<int>();
        for (var i = 0; i < termGroups.Count; i++)
            if (cache.TryGetValue((scope, termGroups[i]), out double w)) weights[i] = w; else missing.Add(i);
        if (missing.Count == 0) return weights;

        var counts = string.Join(", ", missing.Select(i =>
            $"(SELECT count(*) FROM (SELECT 1 FROM chunks WHERE allowed_group_ids && @groups AND search_vector @@ to_tsquery('simple', @t{i}) LIMIT {FrequencyCap}) x)"));
        await using var cmd = new NpgsqlCommand(
            $"SELECT (SELECT count(*) FROM (SELECT 1 FROM chunks WHERE allowed_group_ids && @groups LIMIT {FrequencyCap}) n), {counts}", conn);
        cmd.Parameters.AddWithValue("groups", groups);
        foreach (var i in missing) cmd.Parameters.AddWithValue($"t{i}", termGroups[i]);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var total = reader.GetInt64(0);
        for (var k = 0; k < missing.Count; k++)
        {
            var df = reader.GetInt64(k + 1);
            var idf = Math.Log(1 + (total - df + 0.5) / (df + 0.5));
            weights[missing[k]] = idf;
            cache.Set((scope, termGroups[missing[k]]), idf, TimeSpan.FromMinutes(5));
        }
        return weights;
    }

    internal sealed record FusedHit(long ChunkId, double Score, double Similarity, int? VectorRank, int? KeywordRank);

    /// <summary>Reciprocal rank fusion; pure, so the ranking rule is unit-tested without a database.</summary>
    internal static List<FusedHit> Fuse(IReadOnlyList<(long Id, double Distance)> vector, IReadOnlyList<(long Id, double Rank)> keyword, RetrievalOptions o)
    {
        var hits = new Dictionary<long, FusedHit>();
        for (var i = 0; i < vector.Count; i++)
        {
            var (id, distance) = vector[i];
            hits[id] = new FusedHit(id, o.VectorWeight / (o.RrfK + i + 1), 1 - distance, i + 1, null);
        }
        for (var i = 0; i < keyword.Count; i++)
        {
            var id = keyword[i].Id;
            var add = o.KeywordWeight / (o.RrfK + i + 1);
            hits[id] = hits.TryGetValue(id, out var h)
                ? h with { Score = h.Score + add, KeywordRank = i + 1 }
                : new FusedHit(id, add, 0, null, i + 1);
        }
        return hits.Values.OrderByDescending(h => h.Score).ThenBy(h => h.ChunkId).ToList();
    }

    private static async Task<List<RetrievedPassage>> LoadPassagesAsync(NpgsqlConnection conn, int[] groups, List<FusedHit> top, CancellationToken ct)
    {
        if (top.Count == 0) return [];
        // The access predicate is repeated here: the final read is as guarded as the ranking.
        await using var cmd = new NpgsqlCommand("""
            SELECT c.id, c.document_id, d.title, d.file_name, col.name, c.collection_id, c.sensitivity,
                   c.page, c.slide, c.sheet, c.cell_range, c.heading_path, c.text, c.context
            FROM chunks c JOIN documents d ON d.id = c.document_id JOIN collections col ON col.id = c.collection_id
            WHERE c.id = ANY(@ids) AND c.allowed_group_ids && @groups
            """, conn);
        cmd.Parameters.AddWithValue("ids", top.Select(t => t.ChunkId).ToArray());
        cmd.Parameters.AddWithValue("groups", groups);
        var rows = new Dictionary<long, RetrievedPassage>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetInt64(0);
            rows[id] = new RetrievedPassage(
                ChunkId: id,
                DocumentId: reader.GetGuid(1),
                DocumentTitle: reader.GetString(2),
                FileName: reader.GetString(3),
                CollectionName: reader.GetString(4),
                CollectionId: reader.GetInt32(5),
                Sensitivity: (SensitivityLabel)reader.GetInt32(6),
                Locator: new SourceLocator(
                    reader.IsDBNull(7) ? null : reader.GetInt32(7),
                    reader.IsDBNull(8) ? null : reader.GetInt32(8),
                    reader.IsDBNull(9) ? null : reader.GetString(9),
                    reader.IsDBNull(10) ? null : reader.GetString(10),
                    reader.IsDBNull(11) ? null : reader.GetString(11)),
                Text: reader.GetString(12),
                Context: reader.IsDBNull(13) ? null : reader.GetString(13),
                Score: top.First(t => t.ChunkId == id).Score);
        }
        return top.Where(t => rows.ContainsKey(t.ChunkId)).Select(t => rows[t.ChunkId]).ToList();
    }
}
