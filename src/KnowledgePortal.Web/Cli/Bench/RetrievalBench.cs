using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion;
using KnowledgePortal.Core.Ingestion.Chunking;
using KnowledgePortal.Core.Ingestion.Embedding;
using KnowledgePortal.Core.Retrieval;
using KnowledgePortal.Core.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Pgvector;

namespace KnowledgePortal.Web.Cli.Bench;

/// <summary>
/// `./portal bench retrieval`: latency and recall of <see cref="HybridRetriever"/> on synthetic datasets of N chunks
/// in the database, for a user who may read all, 10% or 1% of them, next to a plain pgvector query on the same data.
/// </summary>
public static class RetrievalBench
{
    private const int LoadBatch = 20_000;
    private const int K = 10;
    private const int Seed = 20261124;
    private static readonly (string Label, int Divisor)[] Visibilities = [("100%", 1), ("10%", 10), ("1%", 100)];

    public static async Task<int> RunAsync(IServiceProvider services, CliArgs a, CancellationToken ct)
    {
        var json = a.Has("json");
        var sizes = ParseSizes(a.Get("sizes") ?? "10000,100000");
        var queryCount = BenchCommand.IntOption(a, "queries", 50, 1, 10_000);
        var options = services.GetRequiredService<IOptions<RetrievalOptions>>();
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        var configured = services.GetRequiredService<EmbeddingModelInfo>();
        if (configured.ModelId != HnswIndex.Model.ModelId)
            Console.Error.WriteLine($"Note: the configured embedding model is {configured.ModelId}; the benchmark uses the built-in {HnswIndex.Model.ModelId} " +
                                    "(a portal running its re-embedding worker on this database would start rewriting the scratch chunks).");

        // The retriever under test, on the built-in model whatever is configured: the synthetic vectors are kp-hash vectors.
        var retriever = new HybridRetriever(dataSource, new HashingEmbeddingGenerator(), HnswIndex.Model, EmbeddingClearance.InProcess, options);
        var o = options.Value;
        var vocabulary = new Vocabulary(Seed, BenchCommand.IntOption(a, "topics", 200, 0, 5000));
        var queries = Enumerable.Range(0, queryCount).Select(vocabulary.Query).ToList();
        var queryVectors = queries.Select(HashingEmbeddingGenerator.Embed).ToList();

        await BenchScratch.RemoveLeftoversAsync(services, ct);
        string pg;
        bool indexExisted;
        await using (var conn = await dataSource.OpenConnectionAsync(ct))
        {
            await using var v = new NpgsqlCommand("SELECT current_setting('server_version') || ', pgvector ' || (SELECT extversion FROM pg_extension WHERE extname = 'vector')", conn);
            pg = (string)(await v.ExecuteScalarAsync(ct))!;
            indexExisted = (await HnswIndex.FindAsync(conn, ct)).Exists;
        }
        if (!json)
        {
            Console.WriteLine($"bench retrieval · {DateTimeOffset.Now:yyyy-MM-dd HH:mm zzz} · {BenchCommand.Machine()} · PostgreSQL {pg}");
            Console.WriteLine($"{queryCount} queries per row; retriever: ef_search {o.EfSearch}, max_scan_tuples {o.MaxScanTuples}, {o.VectorCandidates} vector candidates, " +
                              $"exact scan below {o.ExactScanBelowVisibleChunks} visible chunks; raw: same hnsw settings, iterative scan relaxed_order");
            Console.WriteLine($"data: {vocabulary.Describe()}");
        }

        var rows = new List<Row>();
        var datasets = new List<Dataset>();
        try
        {
            foreach (var size in sizes)
            {
                var dataset = await LoadAsync(services, dataSource, vocabulary, size, ct);
                datasets.Add(dataset.Info);
                try
                {
                    foreach (var (label, divisor) in Visibilities)
                    {
                        var group = dataset.Groups[Array.FindIndex(Visibilities, v => v.Divisor == divisor)];
                        var row = await MeasureAsync(dataSource, retriever, o, size, label, (size + divisor - 1) / divisor, group, queries, queryVectors, ct);
                        rows.Add(row);
                        if (!json) PrintRow(row, rows.Count == 1);
                    }
                }
                finally
                {
                    Console.Error.WriteLine($"Removing the {size:N0}-chunk dataset…");
                    await BenchScratch.RemoveCollectionAsync(services, dataset.CollectionId, CancellationToken.None);
                }
            }
        }
        finally
        {
            if (!indexExisted) await DropIndexAsync(dataSource);
        }

        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new Report(DateTimeOffset.Now.ToString("yyyy-MM-dd HH:mm zzz"), BenchCommand.Machine(), pg,
                new Settings(o.EfSearch, o.MaxScanTuples, o.VectorCandidates, o.ExactScanBelowVisibleChunks, queryCount, vocabulary.Describe()), datasets, rows), JsonOut));
        }
        else
        {
            Console.WriteLine();
            foreach (var d in datasets)
                Console.WriteLine($"dataset {d.Chunks:N0} chunks: generated and copied in {d.LoadSeconds:0.0} s, HNSW index {d.IndexStrategy} in {d.IndexSeconds:0.0} s");
            Console.WriteLine("recall@10: the retriever's first 10 vector candidates against an exact scan of the visible chunks; " +
                              "ratio: our p50 (whole hybrid search) / raw pgvector p50 (one ORDER BY … LIMIT 10)");
        }
        return 0;
    }

    private static List<int> ParseSizes(string raw)
    {
        var sizes = new List<int>();
        foreach (var part in raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part.Replace("_", ""), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < 100 || n > 10_000_000)
                throw new CliException($"--sizes takes chunk counts from 100 to 10,000,000 separated by commas (got '{part}').");
            sizes.Add(n);
        }
        return sizes.Count > 0 ? sizes : throw new CliException("--sizes needs at least one chunk count.");
    }

    // ---------------------------------------------------------------- measurement

    private static async Task<Row> MeasureAsync(NpgsqlDataSource dataSource, HybridRetriever retriever, RetrievalOptions o, int size, string label,
        int visible, int group, List<string> queries, List<float[]> vectors, CancellationToken ct)
    {
        var user = new UserAccess("bench", "bench", "Benchmark", [group], false, false, []);
        Console.Error.WriteLine($"  {size:N0} chunks, {label} visible: {queries.Count} queries…");

        // Warm-up (JIT, plan and buffer caches), not recorded.
        for (var i = 0; i < Math.Min(3, queries.Count); i++) await retriever.SearchAsync(user, new SearchRequest(queries[i]), ct);

        var ours = new List<double>();
        var paths = new HashSet<string>();
        foreach (var q in queries)
        {
            var sw = Stopwatch.StartNew();
            var result = await retriever.SearchAsync(user, new SearchRequest(q), ct);
            ours.Add(sw.Elapsed.TotalMilliseconds);
            paths.Add(result.Diagnostics.VectorPath);
        }

        // Recall of the vector stage against the exact answer over the same visible chunks.
        var exactTop = new List<HashSet<long>>();
        var recall = new List<double>();
        var vectorStage = new List<double>();
        foreach (var q in queries)
        {
            var sw = Stopwatch.StartNew();
            var (candidates, _) = await retriever.VectorSearchAsync(user, q, ct: ct);
            vectorStage.Add(sw.Elapsed.TotalMilliseconds);
            var (exact, _) = await retriever.VectorSearchAsync(user, q, forceExact: true, candidates: K, ct: ct);
            var truth = exact.ToHashSet();
            exactTop.Add(truth);
            recall.Add(truth.Count == 0 ? 1 : candidates.Take(K).Count(truth.Contains) / (double)truth.Count);
        }

        // The plain pgvector query on one connection with the session set up once: only the statement is timed.
        var raw = new List<double>();
        var rawRecall = new List<double>();
        string plan;
        await using (var conn = await dataSource.OpenConnectionAsync(ct))
        {
            await using (var set = new NpgsqlCommand(
                $"SET hnsw.iterative_scan = relaxed_order; SET hnsw.ef_search = {o.EfSearch}; SET hnsw.max_scan_tuples = {o.MaxScanTuples}", conn))
                await set.ExecuteNonQueryAsync(ct);
            var sql = $"""
                SELECT id FROM chunks
                WHERE allowed_group_ids && @groups AND embedding_model = '{HnswIndex.Model.ModelId}'
                ORDER BY embedding::vector({HnswIndex.Model.Dimension}) <=> @q LIMIT {K}
                """;
            await using var cmd = new NpgsqlCommand(sql, conn);
            cmd.Parameters.Add(new NpgsqlParameter<int[]>("groups", [group]));
            var pQ = new NpgsqlParameter<Vector>("q", new Vector(vectors[0]));
            cmd.Parameters.Add(pQ);
            plan = await PlanAsync(conn, sql, group, vectors[0], ct);
            for (var i = 0; i < Math.Min(3, queries.Count); i++) { pQ.TypedValue = new Vector(vectors[i]); await ReadIdsAsync(cmd, ct); }
            for (var i = 0; i < queries.Count; i++)
            {
                pQ.TypedValue = new Vector(vectors[i]);
                var sw = Stopwatch.StartNew();
                var ids = await ReadIdsAsync(cmd, ct);
                raw.Add(sw.Elapsed.TotalMilliseconds);
                rawRecall.Add(exactTop[i].Count == 0 ? 1 : ids.Count(exactTop[i].Contains) / (double)exactTop[i].Count);
            }
        }

        // The keyword stage alone (BM25 with MaxScore, as the retriever runs it), next to a raw ts_rank query over every
        // match and the number of readable chunks matching any query lexeme (the work a full ranking would do).
        var keyword = new List<double>();
        foreach (var q in queries)
        {
            var sw = Stopwatch.StartNew();
            await retriever.SearchAsync(user, new SearchRequest(q, Mode: SearchMode.KeywordOnly), ct);
            keyword.Add(sw.Elapsed.TotalMilliseconds);
        }
        var tsRank = new List<double>();
        var matches = new List<double>();
        await using (var conn = await dataSource.OpenConnectionAsync(ct))
        {
            const string tsq = "(SELECT string_agg(quote_literal(lexeme), ' | ')::tsquery FROM unnest(to_tsvector('portal', @text)))";
            await using var rank = new NpgsqlCommand(
                $"SELECT id FROM chunks, {tsq} q WHERE search_vector @@ q AND allowed_group_ids && @groups ORDER BY ts_rank(search_vector, q) DESC LIMIT {K}", conn);
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM chunks, {tsq} q WHERE search_vector @@ q AND allowed_group_ids && @groups", conn);
            foreach (var cmd in new[] { rank, count })
            {
                cmd.Parameters.Add(new NpgsqlParameter<int[]>("groups", [group]));
                cmd.Parameters.Add(new NpgsqlParameter<string>("text", ""));
            }
            foreach (var q in queries)
            {
                var text = SearchText.ToQueryText(q) ?? "";
                rank.Parameters["text"].Value = text;
                var sw = Stopwatch.StartNew();
                await ReadIdsAsync(rank, ct);
                tsRank.Add(sw.Elapsed.TotalMilliseconds);
                count.Parameters["text"].Value = text;
                matches.Add(Convert.ToDouble(await count.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture));
            }
        }

        var p50 = BenchCommand.Percentile(ours, 50);
        var rawP50 = BenchCommand.Percentile(raw, 50);
        return new Row(size, label, visible, string.Join("+", paths.Order()),
            R(p50, 2), R(BenchCommand.Percentile(ours, 95), 2), R(recall.Average(), 3), R(BenchCommand.Percentile(vectorStage, 50), 2),
            R(rawP50, 2), R(BenchCommand.Percentile(raw, 95), 2), R(rawRecall.Average(), 3), plan,
            rawP50 > 0 ? R(p50 / rawP50, 2) : 0,
            R(BenchCommand.Percentile(keyword, 50), 2), R(BenchCommand.Percentile(keyword, 95), 2),
            R(BenchCommand.Percentile(tsRank, 50), 2), R(BenchCommand.Percentile(tsRank, 95), 2), BenchCommand.Percentile(matches, 50));
    }

    private static async Task<List<long>> ReadIdsAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var ids = new List<long>(K);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetInt64(0));
        return ids;
    }

    /// <summary>Which access path the planner picked for the raw query: the HNSW index or something else.</summary>
    private static async Task<string> PlanAsync(NpgsqlConnection conn, string sql, int group, float[] vector, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("EXPLAIN " + sql, conn);
        cmd.Parameters.AddWithValue("groups", new[] { group });
        cmd.Parameters.AddWithValue("q", new Vector(vector));
        var lines = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) lines.Add(reader.GetString(0));
        if (lines.Any(l => l.Contains(HnswIndex.Name, StringComparison.Ordinal))) return "hnsw";
        // e.g. "->  Bitmap Heap Scan on chunks  (cost=…)" gives "Bitmap Heap Scan".
        var scan = lines.Select(l => l.Trim().TrimStart('-', '>', ' ')).FirstOrDefault(l => l.Contains(" Scan", StringComparison.Ordinal));
        if (scan is null) return "other";
        var end = scan.IndexOf(" on ", StringComparison.Ordinal);
        return end > 0 ? scan[..end] : scan;
    }

    private static async Task DropIndexAsync(NpgsqlDataSource dataSource)
    {
        // The index did not exist before this run (another model is configured): leave the table as it was.
        await using var conn = await dataSource.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand($"DROP INDEX IF EXISTS {HnswIndex.Name}", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    // ---------------------------------------------------------------- dataset

    private sealed record Loaded(int CollectionId, int[] Groups, Dataset Info);

    /// <summary>
    /// A scratch collection with one document and <paramref name="size"/> synthetic chunks, copied in binary in batches.
    /// Each chunk is readable by the "all" group; every 10th also by the "10%" group and every 100th by the "1%" group.
    /// The groups are scratch groups of this run (no user belongs to them), removed with the collection.
    /// When the rest of the table is smaller than the dataset, the HNSW index is dropped before loading and rebuilt after
    /// it, all in one transaction (a run that dies leaves the index as it was); otherwise rows go into the index one by one.
    /// </summary>
    private static async Task<Loaded> LoadAsync(IServiceProvider services, NpgsqlDataSource dataSource, Vocabulary vocabulary, int size, CancellationToken ct)
    {
        var collectionId = await BenchScratch.CreateCollectionAsync(services, $"bench-{BenchScratch.Timestamp()}-r{size}", ct);
        try
        {
            var groups = await BenchScratch.CreateReaderGroupsAsync(services, collectionId, 3, ct);
            var document = new Document
            {
                CollectionId = collectionId, Title = $"Synthetic benchmark data ({size:N0} chunks)", FileName = "bench-synthetic.txt",
                ContentType = "text/plain", Sha256 = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), UploadedBy = "bench", Status = DocumentStatus.Ready, ChunkCount = size, PageCount = 1,
            };
            await using (var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(ct))
            {
                db.Documents.Add(document);
                await db.SaveChangesAsync(ct);
            }
            var versionId = Guid.CreateVersion7();

            await using var conn = await dataSource.OpenConnectionAsync(ct);
            var index = await HnswIndex.FindAsync(conn, ct);
            var others = await BenchScratch.ScalarAsync(conn, $"SELECT count(*) FROM chunks WHERE embedding_model = '{HnswIndex.Model.ModelId}' AND collection_id <> @c", collectionId, ct);
            var rebuild = others < size || !index.Exists;
            Console.Error.WriteLine($"Loading {size:N0} synthetic chunks ({(rebuild ? "HNSW index rebuilt after loading" : $"inserted into the HNSW index over {others:N0} other chunks")})…");

            var load = Stopwatch.StartNew();
            TimeSpan generating = default, copying = default, inserting = default;
            await using var tx = await conn.BeginTransactionAsync(ct);
            if (rebuild) await index.DropAsync(conn, tx, ct);
            await using (var stage = new NpgsqlCommand("""
                CREATE TEMP TABLE bench_stage (ordinal int, text text, index_text text, token_count int, content_hash text,
                                               allowed_group_ids int[], embedding vector) ON COMMIT DROP
                """, conn, tx))
                await stage.ExecuteNonQueryAsync(ct);

            for (var start = 0; start < size; start += LoadBatch)
            {
                var n = Math.Min(LoadBatch, size - start);
                var batch = new StageRow[n];
                var phase = Stopwatch.StartNew();
                Parallel.For(0, n, new ParallelOptions { CancellationToken = ct }, i => batch[i] = vocabulary.Chunk(start + i, groups));
                generating += phase.Elapsed;
                phase.Restart();
                await using (var writer = await conn.BeginBinaryImportAsync(
                    "COPY bench_stage (ordinal, text, index_text, token_count, content_hash, allowed_group_ids, embedding) FROM STDIN (FORMAT BINARY)", ct))
                {
                    foreach (var r in batch)
                    {
                        await writer.StartRowAsync(ct);
                        await writer.WriteAsync(r.Ordinal, NpgsqlDbType.Integer, ct);
                        await writer.WriteAsync(r.Text, NpgsqlDbType.Text, ct);
                        await writer.WriteAsync(r.IndexText, NpgsqlDbType.Text, ct);
                        await writer.WriteAsync(r.Tokens, NpgsqlDbType.Integer, ct);
                        await writer.WriteAsync(r.Hash, NpgsqlDbType.Text, ct);
                        await writer.WriteAsync(r.Groups, NpgsqlDbType.Array | NpgsqlDbType.Integer, ct);
                        await writer.WriteAsync(new Vector(r.Embedding), "vector", ct);
                    }
                    await writer.CompleteAsync(ct);
                }
                copying += phase.Elapsed;
                phase.Restart();
                await using (var insert = new NpgsqlCommand($"""
                    INSERT INTO chunks (document_id, document_version_id, collection_id, ordinal, text, token_count, content_hash,
                                        allowed_group_ids, sensitivity, embedding, embedding_model, embedding_dimension, search_vector, created_at)
                    SELECT @doc, @ver, @col, ordinal, text, token_count, content_hash, allowed_group_ids, {(int)SensitivityLabel.Internal},
                           embedding, '{HnswIndex.Model.ModelId}', {HnswIndex.Model.Dimension}, portal_search_vector(NULL, index_text), now()
                    FROM bench_stage;
                    TRUNCATE bench_stage;
                    """, conn, tx) { CommandTimeout = 0 })
                {
                    insert.Parameters.AddWithValue("doc", document.Id);
                    insert.Parameters.AddWithValue("ver", versionId);
                    insert.Parameters.AddWithValue("col", collectionId);
                    await insert.ExecuteNonQueryAsync(ct);
                }
                inserting += phase.Elapsed;
                Console.Error.Write($"\r  {start + n:N0} / {size:N0} chunks");
            }
            Console.Error.WriteLine($" (generating {generating.TotalSeconds:0.0} s, copying {copying.TotalSeconds:0.0} s, inserting {inserting.TotalSeconds:0.0} s)");
            var loadSeconds = load.Elapsed.TotalSeconds;

            var build = Stopwatch.StartNew();
            if (rebuild)
            {
                Console.Error.WriteLine($"  building {HnswIndex.Name} over {others + size:N0} chunks…");
                await index.BuildAsync(conn, tx, others + size, ct);
            }
            await tx.CommitAsync(ct);
            await using (var analyze = new NpgsqlCommand("ANALYZE chunks", conn) { CommandTimeout = 0 })
                await analyze.ExecuteNonQueryAsync(ct);
            var indexSeconds = build.Elapsed.TotalSeconds;
            return new Loaded(collectionId, groups,
                new Dataset(size, R(loadSeconds, 1), R(indexSeconds, 1), rebuild ? "rebuilt after loading" : "updated on insert (time included in loading)"));
        }
        catch
        {
            await BenchScratch.RemoveCollectionAsync(services, collectionId, CancellationToken.None);
            throw;
        }
    }

    private sealed record StageRow(int Ordinal, string Text, string IndexText, int Tokens, string Hash, int[] Groups, float[] Embedding);

    /// <summary>
    /// Deterministic synthetic text: 5,000 pronounceable made-up words drawn with a Zipf distribution (a few very common
    /// words, a long tail of rare ones), in sentences of 8-16 words and chunks of 40-90 words. With topics (the default),
    /// each chunk belongs to one of them and takes about 40% of its words from that topic's 60 words, as passages of
    /// real documents cluster by subject; a query is 3-6 words, mostly from one topic. Without topics every word comes
    /// from the global distribution, which leaves the vectors without cluster structure (the hard case for HNSW).
    /// Queries skip the 30 most common words, as real questions mostly skip stop words.
    /// </summary>
    private sealed class Vocabulary
    {
        private static readonly string[] Onsets = ["b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "st", "tr", "pl", "ch", "sh"];
        private static readonly string[] Vowels = ["a", "e", "i", "o", "u", "ai", "ou", "ea"];
        private static readonly string[] Codas = ["", "", "", "n", "r", "s", "l", "t", "m"];
        private const int CommonWords = 30;
        private const int TopicWords = 60;
        private const double TopicShare = 0.4;
        private readonly string[] _words;
        private readonly double[] _cumulative;
        private readonly string[][] _topics;
        private readonly int _seed;

        public Vocabulary(int seed, int topics)
        {
            _seed = seed;
            var rng = new Random(seed);
            var words = new HashSet<string>(StringComparer.Ordinal);
            while (words.Count < 5000)
            {
                var sb = new StringBuilder();
                var syllables = rng.Next(1, 5);
                for (var s = 0; s < syllables; s++)
                    sb.Append(Onsets[rng.Next(Onsets.Length)]).Append(Vowels[rng.Next(Vowels.Length)]).Append(Codas[rng.Next(Codas.Length)]);
                if (sb.Length >= 2) words.Add(sb.ToString());
            }
            _words = words.ToArray();
            _cumulative = new double[_words.Length];
            double total = 0;
            for (var i = 0; i < _words.Length; i++) _cumulative[i] = total += 1.0 / Math.Pow(i + 1, 1.05);
            for (var i = 0; i < _cumulative.Length; i++) _cumulative[i] /= total;
            _topics = Enumerable.Range(0, topics)
                .Select(_ => Enumerable.Range(0, TopicWords).Select(_ => _words[rng.Next(CommonWords, _words.Length)]).ToArray()).ToArray();
        }

        public string Describe() => _topics.Length == 0
            ? "synthetic text from a 5,000-word Zipf vocabulary, no topics"
            : $"synthetic text from a 5,000-word Zipf vocabulary, {_topics.Length} topics";

        private string Word(Random rng, int skip = 0)
        {
            while (true)
            {
                var i = Array.BinarySearch(_cumulative, rng.NextDouble());
                if (i < 0) i = ~i;
                i = Math.Min(i, _words.Length - 1);
                if (i >= skip) return _words[i];
            }
        }

        public string Query(int n)
        {
            var rng = new Random(_seed ^ (n * 7919 + 1));
            var topic = _topics.Length == 0 ? null : _topics[rng.Next(_topics.Length)];
            return string.Join(' ', Enumerable.Range(0, rng.Next(3, 7))
                .Select(_ => topic is not null && rng.NextDouble() < 0.75 ? topic[rng.Next(topic.Length)] : Word(rng, skip: CommonWords)));
        }

        public StageRow Chunk(int ordinal, int[] groups)
        {
            var rng = new Random(_seed + 104729 * (ordinal + 1));
            var topic = _topics.Length == 0 ? null : _topics[rng.Next(_topics.Length)];
            var target = rng.Next(40, 91);
            var sb = new StringBuilder(target * 8);
            var words = 0;
            while (words < target)
            {
                var length = Math.Min(rng.Next(8, 17), target - words);
                for (var w = 0; w < length; w++)
                {
                    var word = topic is not null && rng.NextDouble() < TopicShare ? topic[rng.Next(topic.Length)] : Word(rng);
                    if (w == 0) word = char.ToUpperInvariant(word[0]) + word[1..];
                    if (sb.Length > 0) sb.Append(' ');
                    sb.Append(word);
                }
                sb.Append('.');
                words += length;
            }
            var text = sb.ToString();
            int[] readers = ordinal % 100 == 0 ? [groups[0], groups[1], groups[2]] : ordinal % 10 == 0 ? [groups[0], groups[1]] : [groups[0]];
            return new StageRow(ordinal, text, SearchText.ToIndexText(text), words, Chunker.ComputeContentHash(null, text), readers,
                HashingEmbeddingGenerator.Embed(IngestionPipeline.EmbeddingText(null, text)));
        }
    }

    // ---------------------------------------------------------------- output

    private static double R(double v, int digits) => BenchCommand.Round(v, digits);

    private static void PrintRow(Row r, bool header)
    {
        if (header)
        {
            Console.WriteLine();
            Console.WriteLine($"{"chunks",10} {"visible",8} {"path",-15} {"p50 ms",8} {"p95 ms",8} {"recall@10",9} {"vec p50",8} {"raw p50",8} {"raw p95",8} {"raw rec",8} {"raw plan",-18} {"ratio",6} {"kw p50",7} {"kw p95",7} {"tsr p50",8} {"tsr p95",8} {"matches",8}");
            Console.WriteLine(new string('-', 170));
        }
        Console.WriteLine($"{r.Chunks,10:N0} {r.Visibility,8} {r.Path,-15} {r.P50Ms,8:0.00} {r.P95Ms,8:0.00} {r.RecallAt10,9:0.000} {r.VectorP50Ms,8:0.00} {r.RawP50Ms,8:0.00} {r.RawP95Ms,8:0.00} {r.RawRecallAt10,8:0.000} {r.RawPlan,-18} {r.Ratio,6:0.00} {r.KeywordP50Ms,7:0.00} {r.KeywordP95Ms,7:0.00} {r.TsRankP50Ms,8:0.00} {r.TsRankP95Ms,8:0.00} {r.KeywordMatchesP50,8:0}");
    }

    private static readonly JsonSerializerOptions JsonOut = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private sealed record Row(
        int Chunks, string Visibility, int VisibleChunks, string Path,
        [property: JsonPropertyName("p50_ms")] double P50Ms,
        [property: JsonPropertyName("p95_ms")] double P95Ms,
        [property: JsonPropertyName("recall_at_10")] double RecallAt10,
        [property: JsonPropertyName("vector_p50_ms")] double VectorP50Ms,
        [property: JsonPropertyName("raw_p50_ms")] double RawP50Ms,
        [property: JsonPropertyName("raw_p95_ms")] double RawP95Ms,
        [property: JsonPropertyName("raw_recall_at_10")] double RawRecallAt10,
        string RawPlan, double Ratio,
        [property: JsonPropertyName("keyword_p50_ms")] double KeywordP50Ms = 0,
        [property: JsonPropertyName("keyword_p95_ms")] double KeywordP95Ms = 0,
        [property: JsonPropertyName("ts_rank_p50_ms")] double TsRankP50Ms = 0,
        [property: JsonPropertyName("ts_rank_p95_ms")] double TsRankP95Ms = 0,
        [property: JsonPropertyName("keyword_matches_p50")] double KeywordMatchesP50 = 0);

    private sealed record Dataset(int Chunks, double LoadSeconds, double IndexSeconds, string IndexStrategy);
    private sealed record Settings(int EfSearch, int MaxScanTuples, int VectorCandidates, int ExactScanBelowVisibleChunks, int Queries, string Data);
    private sealed record Report(string Date, string Machine, string Postgres, Settings Settings, List<Dataset> Datasets, List<Row> Sizes);
}
