using System.Diagnostics;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion.Embedding;
using KnowledgePortal.Core.Retrieval.Reranking;
using KnowledgePortal.Core.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Npgsql;
using Pgvector;

namespace KnowledgePortal.Core.Retrieval;

/// <param name="Mode">Which stages rank: both fused (the portal), or one alone (eval --compare).</param>
/// <param name="Rerank">False skips the reranking stage (eval --compare shows it on and off).</param>
public sealed record SearchRequest(string Query, IReadOnlyList<string>? Expansions = null, IReadOnlyList<int>? CollectionIds = null, int? TopK = null,
    SearchMode Mode = SearchMode.Hybrid, bool Rerank = true);

public enum SearchMode { Hybrid, KeywordOnly, VectorOnly }

/// <param name="QueryCoverage">Share of the question's idf matched by the best keyword passage (see <see cref="RelevanceGate"/>).</param>
/// <param name="BestSimilarity">Cosine similarity of the nearest passage vector (0 without a vector step).</param>
/// <param name="Rerank">The reranking stage: "none", "reranked" or "fallback: reason" (see <see cref="RerankDiagnostics.Summary"/>).</param>
public sealed record RetrievalDiagnostics(string VectorPath, int VisibleChunksSeen, int VectorCandidates, int KeywordCandidates, double Milliseconds,
    double QueryCoverage = 0, double BestSimilarity = 0, string Rerank = "none");

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
    RerankStage? rerank = null)
{
    public async Task<RetrievalResult> SearchAsync(UserAccess user, SearchRequest request, CancellationToken ct = default)
    {
        var o = options.Value;
        var sw = Stopwatch.StartNew();
        if (user.GroupIds.Length == 0 || string.IsNullOrWhiteSpace(request.Query))
            return new RetrievalResult([], false, new RetrievalDiagnostics("none", 0, 0, 0, 0));

        var expansions = request.Expansions ?? [];
        var embedText = expansions.Count == 0 ? request.Query : request.Query + " " + string.Join(" ", expansions);
        var queryText = SearchText.ToQueryText(request.Query, expansions);

        // A question that may be about a collection above the embedder's clearance is not sent to it: keyword search only.
        // Embedding happens before a connection is taken, so a slow embedder never holds one.
        var keywordOnly = request.Mode == SearchMode.KeywordOnly || await ScopeAboveClearanceAsync(user.GroupIds, request.CollectionIds, ct);
        var queryVector = keywordOnly ? null : (await embedder.GenerateAsync([embedText], EmbeddingInput.Query(), ct))[0].Vector.ToArray();

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        List<(long Id, double Distance)> vectorHits = [];
        var exact = false;
        var visible = 0;
        if (queryVector is not null)
            (vectorHits, exact, visible) = await VectorStepAsync(conn, user.GroupIds, request.CollectionIds, queryVector, ct);
        var keywordHits = queryText is null || request.Mode == SearchMode.VectorOnly ? []
            : await KeywordCandidatesAsync(conn, user.GroupIds, request.CollectionIds, queryText, o.KeywordCandidates, ct, SearchText.GateIgnored(request.Query));

        var fused = Fuse(vectorHits, keywordHits, o);
        // The reranker (when configured) sees a wider window than is returned; it reorders, the relevance rule below stays.
        var reranker = request.Rerank ? rerank?.Reranker : null;
        var topK = request.TopK ?? o.TopK;
        var window = fused.Take(reranker is null ? topK : Math.Max(topK, rerank!.Candidates)).ToList();
        var passages = await LoadPassagesAsync(conn, user.GroupIds, window, ct);
        await tx.CommitAsync(ct);
        var rerankSummary = "none";
        if (reranker is not null)
        {
            var outcome = await rerank!.ApplyAsync(request.Query, passages, ct);
            passages = outcome.Passages.ToList();
            rerankSummary = outcome.Diagnostics.Summary;
        }
        passages = passages.Take(topK).ToList();

        // Relevance needs evidence beyond rank: a keyword match, or a vector close enough to the question.
        var relevant = passages.Where(p =>
        {
            var hit = window.First(t => t.ChunkId == p.ChunkId);
            return hit.KeywordRank is not null || hit.Similarity >= o.MinVectorSimilarity;
        }).ToList();
        var coverage = keywordHits.Count == 0 ? 0 : keywordHits.Max(h => h.Coverage);
        var similarity = vectorHits.Count == 0 ? 0 : 1 - vectorHits.Min(h => h.Distance);
        return new RetrievalResult(relevant, relevant.Count > 0 && RelevanceGate.Covers(coverage, similarity, RelevanceGate.IsCjk(request.Query), o),
            new RetrievalDiagnostics(keywordOnly ? KeywordOnlyPath : exact ? "exact" : "hnsw-iterative", visible, vectorHits.Count, keywordHits.Count,
                sw.Elapsed.TotalMilliseconds, Math.Round(coverage, 4), Math.Round(similarity, 4), rerankSummary));
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
            + " AND " + SourceAccess.CollectionReadableSql + ")");
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
        var queryVector = (await embedder.GenerateAsync([query], EmbeddingInput.Query(), ct))[0].Vector.ToArray();
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

    private static string CollectionFilter(IReadOnlyList<int>? collections, string alias = "") =>
        collections is { Count: > 0 } ? $"AND {alias}collection_id = ANY(@collections)" : "";

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
    /// BM25 keyword candidates, best first. Each statement carries the user's access: the query's lexemes (stemmed by the
    /// database like the index) get their idf from per-collection statistics summed over the collections this user can
    /// read (so others' collections cannot shape the ranking); then Okapi BM25 over the readable chunks that match.
    /// <c>Coverage</c> is the share of the query's idf that the chunk matches (the relevance gate).
    /// </summary>
    /// <remarks>
    /// Top-k without scanning every match (MaxScore, exact): candidates come from the rarest lexemes only, as long as
    /// their postings fit <see cref="RetrievalOptions.KeywordPostingsBudget"/>, and are scored on every lexeme. A chunk
    /// matching none of them scores at most Σ idf·(k1+1) over the left-out common lexemes; when that bound is below the
    /// k-th score found, no such chunk can enter the top k and the result is exact. Otherwise the next lexeme is taken
    /// in and the step repeats (at most a few times, then every lexeme). See docs/adr/0004-bm25-in-postgresql.md.
    /// </remarks>
    internal async Task<List<KeywordHit>> KeywordCandidatesAsync(NpgsqlConnection conn, int[] groups,
        IReadOnlyList<int>? collections, string queryText, int n, CancellationToken ct, IReadOnlySet<string>? gateIgnored = null)
    {
        var terms = await QueryTermsAsync(conn, groups, collections, queryText, ct);
        if (gateIgnored is { Count: > 0 }) terms = terms with { GateIgnored = gateIgnored };
        if (terms.Terms.Count == 0) return [];
        var o = options.Value;
        var byRarity = terms.Terms.Where(t => t.Df > 0).OrderBy(t => t.Df).ThenBy(t => t.Term, StringComparer.Ordinal).ToList();
        if (byRarity.Count == 0) return [];
        var included = o.KeywordPostingsBudget == 0 ? byRarity.Count : Bm25.EssentialCount(byRarity.Select(t => t.Df).ToList(), o.KeywordPostingsBudget);
        for (var round = 0; ; round++)
        {
            var hits = await Bm25TopAsync(conn, groups, collections, terms, byRarity.Take(included).Select(t => t.Term).ToList(), n, ct);
            var leftOut = byRarity.Skip(included).Sum(t => t.Idf * (o.Bm25K1 + 1));
            var threshold = hits.Count < n ? 0 : hits[^1].Score;
            if (included == byRarity.Count || leftOut < threshold) return hits;
            included = round >= 2 ? byRarity.Count : included + 1;
        }
    }

    private async Task<List<KeywordHit>> Bm25TopAsync(NpgsqlConnection conn, int[] groups, IReadOnlyList<int>? collections,
        QueryTerms terms, IReadOnlyList<string> candidateTerms, int n, CancellationToken ct)
    {
        var o = options.Value;
        await using var cmd = new NpgsqlCommand($"""
            SELECT ch.id,
                   sum(t.idf * f.tf * (@k1 + 1) / (f.tf + @k1 * (1 - @b + @b * ch.term_count / @avgdl))) AS score,
                   sum(power(t.idf, @power) * t.gate) AS matched_idf
            FROM chunks ch
            CROSS JOIN unnest(@terms::text[], @idfs::float8[], @gate::float8[]) AS t(term, idf, gate)
            CROSS JOIN LATERAL (SELECT (ch.term_freqs ->> t.term)::float8 AS tf) f
            WHERE ch.search_vector @@ @tsq::tsquery AND ch.allowed_group_ids && @groups {CollectionFilter(collections, "ch.")} AND f.tf IS NOT NULL
            GROUP BY ch.id
            ORDER BY score DESC, ch.id
            LIMIT @n
            """, conn);
        cmd.Parameters.AddWithValue("terms", terms.Terms.Select(t => t.Term).ToArray());
        cmd.Parameters.AddWithValue("idfs", terms.Terms.Select(t => t.Idf).ToArray());
        cmd.Parameters.AddWithValue("gate", terms.Terms.Select(t => terms.CountsForGate(t.Term) ? 1.0 : 0.0).ToArray());
        cmd.Parameters.AddWithValue("tsq", string.Join(" | ", candidateTerms.Select(QuoteLexeme)));
        cmd.Parameters.AddWithValue("k1", o.Bm25K1);
        cmd.Parameters.AddWithValue("power", o.CoverageIdfPower);
        cmd.Parameters.AddWithValue("b", o.Bm25B);
        cmd.Parameters.AddWithValue("avgdl", terms.AverageLength);
        cmd.Parameters.AddWithValue("groups", groups);
        cmd.Parameters.AddWithValue("n", n);
        if (collections is { Count: > 0 }) cmd.Parameters.AddWithValue("collections", collections.ToArray());
        // A word no readable passage contains weighs UnseenTermWeight times against coverage: the documents never say it.
        var totalIdf = terms.Terms.Where(t => terms.CountsForGate(t.Term)).Sum(t => Math.Pow(t.Idf, o.CoverageIdfPower) * (t.Df == 0 ? o.UnseenTermWeight : 1));
        var hits = new List<KeywordHit>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            hits.Add(new KeywordHit(reader.GetInt64(0), reader.GetDouble(1), totalIdf > 0 ? reader.GetDouble(2) / totalIdf : 0));
        return hits;
    }

    internal sealed record KeywordHit(long Id, double Score, double Coverage);

    internal sealed record QueryTerms(IReadOnlyList<(string Term, double Idf, double Df)> Terms, double Chunks, double AverageLength)
    {
        /// <summary>Lexemes that rank but do not count for coverage (a Japanese question's particles and endings).</summary>
        public IReadOnlySet<string>? GateIgnored { get; init; }

        public bool CountsForGate(string term) => GateIgnored is null || !GateIgnored.Contains(term);
    }

    /// <summary>
    /// The query's distinct lexemes and their idf = ln(1 + (N − df + 0.5) / (df + 0.5)), with N and df summed over the
    /// collections the user can read (within the requested ones). A lexeme no readable chunk holds gets df 0, the
    /// highest idf: it cannot match, but it lowers the coverage of every passage, as a missing topic should.
    /// </summary>
    internal static async Task<QueryTerms> QueryTermsAsync(NpgsqlConnection conn, int[] groups, IReadOnlyList<int>? collections,
        string queryText, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            WITH scope AS MATERIALIZED (
                SELECT c.id FROM collections c
                WHERE {SourceAccess.CollectionReadableSql}
                      {(collections is { Count: > 0 } ? "AND c.id = ANY(@collections)" : "")}),
            totals AS MATERIALIZED (
                SELECT coalesce(sum(s.chunks), 0)::float8 AS n, coalesce(sum(s.terms), 0)::float8 AS terms
                FROM collection_text_stats s WHERE s.collection_id IN (SELECT id FROM scope))
            SELECT q.term, totals.n, totals.terms,
                   (SELECT coalesce(sum(s.df), 0) FROM collection_term_stats s
                    WHERE s.term = q.term AND s.collection_id IN (SELECT id FROM scope))::float8 AS df
            FROM (SELECT DISTINCT lexeme AS term FROM unnest(to_tsvector('portal', @query))) q, totals
            ORDER BY q.term
            """, conn);
        cmd.Parameters.AddWithValue("groups", groups);
        cmd.Parameters.AddWithValue("query", queryText);
        if (collections is { Count: > 0 }) cmd.Parameters.AddWithValue("collections", collections.ToArray());
        var terms = new List<(string, double, double)>();
        double n = 0, length = 0;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            n = reader.GetDouble(1);
            length = reader.GetDouble(2);
            var df = reader.GetDouble(3);
            terms.Add((reader.GetString(0), Bm25.Idf(n, df), df));
        }
        return new QueryTerms(terms, n, n > 0 ? length / n : 1);
    }

    /// <summary>A lexeme as a tsquery operand (lexemes hold letters and digits only; quoting makes any input safe).</summary>
    private static string QuoteLexeme(string lexeme) =>
        "'" + lexeme.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'";

    internal sealed record FusedHit(long ChunkId, double Score, double Similarity, int? VectorRank, int? KeywordRank);

    /// <summary>
    /// Fuses the two candidate lists; pure, so the ranking rule is unit-tested without a database.
    /// <see cref="FusionMethod.Scores"/> (CombSUM of max-normalised scores) keeps BM25's margins, so a weak vector side
    /// only re-orders near-ties and adds candidates keyword search missed; <see cref="FusionMethod.Rrf"/> (reciprocal
    /// rank fusion) treats both lists as equals and suits two rankers of similar strength. See docs/quality.md.
    /// </summary>
    internal static List<FusedHit> Fuse(IReadOnlyList<(long Id, double Distance)> vector, IReadOnlyList<KeywordHit> keyword, RetrievalOptions o)
    {
        var rrf = o.Fusion == FusionMethod.Rrf;
        var maxKeyword = keyword.Count == 0 ? 1 : Math.Max(keyword.Max(k => k.Score), double.Epsilon);
        var maxSimilarity = vector.Count == 0 ? 1 : Math.Max(vector.Max(v => 1 - v.Distance), double.Epsilon);
        var hits = new Dictionary<long, FusedHit>();
        for (var i = 0; i < vector.Count; i++)
        {
            var (id, distance) = vector[i];
            var similarity = 1 - distance;
            var score = rrf ? o.VectorWeight / (o.RrfK + i + 1) : o.VectorWeight * Math.Max(similarity, 0) / maxSimilarity;
            hits[id] = new FusedHit(id, score, similarity, i + 1, null);
        }
        for (var i = 0; i < keyword.Count; i++)
        {
            var id = keyword[i].Id;
            var add = rrf ? o.KeywordWeight / (o.RrfK + i + 1) : o.KeywordWeight * keyword[i].Score / maxKeyword;
            hits[id] = hits.TryGetValue(id, out var h)
                ? h with { Score = h.Score + add, KeywordRank = i + 1 }
                : new FusedHit(id, add, 0, null, i + 1);
        }
        return hits.Values.OrderByDescending(h => h.Score).ThenBy(h => h.KeywordRank ?? int.MaxValue).ThenBy(h => h.ChunkId).ToList();
    }

    private static async Task<List<RetrievedPassage>> LoadPassagesAsync(NpgsqlConnection conn, int[] groups, List<FusedHit> top, CancellationToken ct)
    {
        if (top.Count == 0) return [];
        await using var cmd = new NpgsqlCommand { Connection = conn };
        var rows = await PassageReader.ReadAsync(cmd, top.Select(t => t.ChunkId).ToArray(), groups, ct);
        return top.Where(t => rows.ContainsKey(t.ChunkId)).Select(t => rows[t.ChunkId] with { Score = t.Score }).ToList();
    }
}
