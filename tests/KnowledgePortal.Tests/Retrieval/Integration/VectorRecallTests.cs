using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion.Embedding;
using KnowledgePortal.Core.Retrieval;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Pgvector;

namespace KnowledgePortal.Tests.Retrieval.Integration;

/// <summary>
/// 10,000 synthetic chunks of the built-in model (random unit vectors, fixed seed); 1% readable by group 999,
/// the rest by group 998. The service graph forces the HNSW path (Retrieval:ExactScanBelowVisibleChunks = 0).
/// </summary>
public sealed class SyntheticVectorsFixture : IAsyncLifetime
{
    public const int ChunkCount = 10_000;
    public const int VisibleGroup = 999;
    public const int OtherGroup = 998;
    public const int Dimension = 384;
    public const string ModelId = "kp-hash-384-v1";
    public const string IndexName = "ix_chunks_embedding_hnsw_kp_hash_384_v1";

    public TestServices Services { get; private set; } = null!;
    public int VisibleCount { get; private set; }

    public async Task InitializeAsync()
    {
        Services = await TestServices.StartAsync("recall", new Dictionary<string, string?> { ["Retrieval:ExactScanBelowVisibleChunks"] = "0" });
        var collectionId = await Services.CollectionIdAsync(DemoData.Handbook);
        var document = new Document
        {
            CollectionId = collectionId, Title = "synthetic", FileName = "synthetic.txt", ContentType = "text/plain", Sha256 = "synthetic",
            UploadedBy = "test", Status = DocumentStatus.Ready,
        };
        await using (var db = Services.Db.CreateContext())
        {
            db.Documents.Add(document);
            await db.SaveChangesAsync();
        }

        var random = new Random(20261124);
        var versionId = Guid.NewGuid();
        await using var conn = await Services.Db.DataSource.OpenConnectionAsync();
        // Bulk-load without the HNSW index, then rebuild it from its own definition (one build is far cheaper than 10,000 inserts).
        string indexDefinition;
        await using (var definition = new NpgsqlCommand("SELECT indexdef FROM pg_indexes WHERE tablename = 'chunks' AND indexname = @name", conn))
        {
            definition.Parameters.AddWithValue("name", IndexName);
            indexDefinition = (string)(await definition.ExecuteScalarAsync())!;
        }
        await using (var drop = new NpgsqlCommand($"DROP INDEX {IndexName}", conn))
            await drop.ExecuteNonQueryAsync();
        await using (var import = await conn.BeginBinaryImportAsync("""
            COPY chunks (document_id, document_version_id, collection_id, ordinal, text, token_count, content_hash, allowed_group_ids,
                         sensitivity, embedding, embedding_model, embedding_dimension, created_at) FROM STDIN (FORMAT BINARY)
            """))
        {
            for (var i = 0; i < ChunkCount; i++)
            {
                var visible = i % 100 == 0;
                if (visible) VisibleCount++;
                await import.StartRowAsync();
                await import.WriteAsync(document.Id, NpgsqlDbType.Uuid);
                await import.WriteAsync(versionId, NpgsqlDbType.Uuid);
                await import.WriteAsync(collectionId, NpgsqlDbType.Integer);
                await import.WriteAsync(i, NpgsqlDbType.Integer);
                await import.WriteAsync($"synthetic chunk {i}", NpgsqlDbType.Text);
                await import.WriteAsync(3, NpgsqlDbType.Integer);
                await import.WriteAsync($"synthetic-{i}", NpgsqlDbType.Text);
                await import.WriteAsync(new[] { visible ? VisibleGroup : OtherGroup }, NpgsqlDbType.Array | NpgsqlDbType.Integer);
                await import.WriteAsync((int)SensitivityLabel.Internal, NpgsqlDbType.Integer);
                await import.WriteAsync(new Vector(RandomUnitVector(random)));
                await import.WriteAsync(ModelId, NpgsqlDbType.Text);
                await import.WriteAsync(Dimension, NpgsqlDbType.Integer);
                await import.WriteAsync(DateTimeOffset.UtcNow, NpgsqlDbType.TimestampTz);
            }
            import.Timeout = TimeSpan.FromMinutes(5);
            await import.CompleteAsync();
        }
        await using (var create = new NpgsqlCommand(indexDefinition, conn) { CommandTimeout = 0 })
            await create.ExecuteNonQueryAsync();
        await using var analyze = new NpgsqlCommand("ANALYZE chunks", conn) { CommandTimeout = 0 };
        await analyze.ExecuteNonQueryAsync();
    }

    /// <summary>A uniformly random direction: normalised Gaussian components.</summary>
    public static float[] RandomUnitVector(Random random)
    {
        var v = new float[Dimension];
        double norm = 0;
        for (var i = 0; i < Dimension; i++)
        {
            var gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            v[i] = (float)gaussian;
            norm += gaussian * gaussian;
        }
        norm = Math.Sqrt(norm);
        for (var i = 0; i < Dimension; i++) v[i] = (float)(v[i] / norm);
        return v;
    }

    public async Task DisposeAsync() => await Services.DisposeAsync();
}

/// <remarks>
/// With 10,000 rows and a 1% filter PostgreSQL's own choice for the retriever's "hnsw-iterative" SQL is the GIN index on
/// allowed_group_ids (or the embedding_model b-tree) plus a sort: exact, and cheaper. To measure the HNSW iterative scan
/// itself, the index-forced tests run the retriever over connections with enable_sort = off (only the HNSW index returns
/// rows in distance order, so every other plan pays the penalty) and EXPLAIN the same SQL there.
/// </remarks>
[Trait(TestTier.Name, TestTier.Db)]
public class VectorRecallTests(SyntheticVectorsFixture fixture) : IClassFixture<SyntheticVectorsFixture>, IAsyncLifetime
{
    private const int K = 10;
    private const int Queries = 10;
    private static readonly UserAccess OnePercentUser = new("dev:rare", "rare", "1% reader", [SyntheticVectorsFixture.VisibleGroup], false, false, []);

    private TestServices Services => fixture.Services;
    private RetrievalOptions ConfiguredOptions => Services.Get<IOptions<RetrievalOptions>>().Value;
    private NpgsqlDataSource _indexOnly = null!;

    public Task InitializeAsync()
    {
        var builder = new NpgsqlConnectionStringBuilder(Services.Db.ConnectionString)
        {
            Options = "-c enable_sort=off",
            Pooling = false,
        };
        _indexOnly = KnowledgePortal.Core.Data.PortalDataSource.CreateDataSource(builder.ConnectionString);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _indexOnly.DisposeAsync();

    private static List<float[]> QueryVectors()
    {
        var random = new Random(7);
        return Enumerable.Range(0, Queries).Select(_ => SyntheticVectorsFixture.RandomUnitVector(random)).ToList();
    }

    /// <summary>Exact top-k over the chunks the user may read, with index scans off (sequential scan + sort).</summary>
    private async Task<List<long>> GroundTruthAsync(float[] query)
    {
        await using var conn = await Services.Db.DataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var off = new NpgsqlCommand("SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off", conn, tx))
            await off.ExecuteNonQueryAsync();
        await using var cmd = new NpgsqlCommand($"""
            SELECT id FROM chunks
            WHERE allowed_group_ids && @groups AND embedding_model = '{SyntheticVectorsFixture.ModelId}'
            ORDER BY (embedding::vector({SyntheticVectorsFixture.Dimension})) <=> @q, id
            LIMIT {K}
            """, conn, tx);
        cmd.Parameters.AddWithValue("groups", new[] { SyntheticVectorsFixture.VisibleGroup });
        cmd.Parameters.AddWithValue("q", new Vector(query));
        var ids = new List<long>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) ids.Add(reader.GetInt64(0));
        return ids;
    }

    private async Task<(double Recall, HashSet<string> Paths, List<long> AllReturned)> RecallAsync(HybridRetriever retriever)
    {
        var found = 0;
        var paths = new HashSet<string>();
        var returned = new List<long>();
        foreach (var query in QueryVectors())
        {
            var truth = await GroundTruthAsync(query);
            Assert.Equal(K, truth.Count);
            var (hits, path) = await retriever.VectorSearchForTestsAsync(OnePercentUser.GroupIds, query);
            paths.Add(path);
            returned.AddRange(hits.Select(h => h.Id));
            Assert.True(hits.Count >= K, $"only {hits.Count} candidates");
            // Candidates come back in exact distance order, so the first k are the retriever's top k.
            Assert.Equal(hits.OrderBy(h => h.Distance).Select(h => h.Id), hits.Select(h => h.Id));
            found += hits.Take(K).Select(h => h.Id).Intersect(truth).Count();
        }
        return (found / (double)(K * Queries), paths, returned);
    }

    private async Task<HashSet<long>> VisibleIdsAsync()
    {
        await using var cmd = Services.Db.DataSource.CreateCommand("SELECT id FROM chunks WHERE allowed_group_ids && @groups");
        cmd.Parameters.AddWithValue("groups", new[] { SyntheticVectorsFixture.VisibleGroup });
        var ids = new HashSet<long>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) ids.Add(reader.GetInt64(0));
        return ids;
    }

    private HybridRetriever Retriever(NpgsqlDataSource dataSource, RetrievalOptions options) =>
        new(dataSource, Services.Get<IEmbeddingGenerator<string, Embedding<float>>>(), Services.Get<EmbeddingModelInfo>(), KnowledgePortal.Core.Ingestion.Embedding.EmbeddingClearance.InProcess,
            Options.Create(options));

    /// <summary>EXPLAIN of the retriever's non-exact vector SQL, in a transaction prepared exactly as the retriever prepares it.</summary>
    private async Task<string> ExplainHnswSqlAsync(NpgsqlDataSource dataSource)
    {
        await using var conn = await dataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        Assert.True(await HybridRetriever.PrepareIndexScanAsync(conn, ConfiguredOptions, CancellationToken.None),
            "pgvector iterative index scans are not available");
        await using var cmd = new NpgsqlCommand("EXPLAIN " + Services.Get<HybridRetriever>().VectorSql(exact: false, collectionFilter: false), conn, tx);
        cmd.Parameters.AddWithValue("groups", new[] { SyntheticVectorsFixture.VisibleGroup });
        cmd.Parameters.AddWithValue("q", new Vector(QueryVectors()[0]));
        cmd.Parameters.AddWithValue("n", ConfiguredOptions.VectorCandidates);
        var plan = new List<string>();
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) plan.Add(reader.GetString(0));
        return string.Join("\n", plan);
    }

    [Fact]
    public async Task VectorSql_HnswPathWithOnePercentFilter_PlanUsesModelHnswIndex()
    {
        var plan = await ExplainHnswSqlAsync(_indexOnly);

        Assert.True(plan.Contains("Index Scan using " + SyntheticVectorsFixture.IndexName), plan);
    }

    [Fact]
    public async Task VectorSql_HnswPathWithOnePercentFilterDefaultPlanner_UsesAnIndexNotASequentialScan()
    {
        var plan = await ExplainHnswSqlAsync(Services.Db.DataSource);

        Assert.True(plan.Contains(SyntheticVectorsFixture.IndexName) || plan.Contains("ix_chunks_allowed_group_ids"), plan);
        Assert.DoesNotContain("Seq Scan on chunks", plan);
    }

    [Fact]
    public async Task VectorSearch_HnswIndexForcedOnePercentVisible_RecallAtTenAtLeast95Percent()
    {
        Assert.Equal(0, ConfiguredOptions.ExactScanBelowVisibleChunks);

        var (recall, paths, returned) = await RecallAsync(Retriever(_indexOnly, ConfiguredOptions));

        Assert.Equal(["hnsw-iterative"], paths);
        var visible = await VisibleIdsAsync();
        Assert.All(returned, id => Assert.Contains(id, visible));
        Assert.True(recall >= 0.95, $"recall@{K} = {recall:0.00}");
    }

    [Fact]
    public async Task VectorSearch_HnswPathDefaultPlannerOnePercentVisible_RecallAtTenAtLeast95Percent()
    {
        var (recall, paths, returned) = await RecallAsync(Services.Get<HybridRetriever>());

        Assert.Equal(["hnsw-iterative"], paths);
        var visible = await VisibleIdsAsync();
        Assert.All(returned, id => Assert.Contains(id, visible));
        Assert.True(recall >= 0.95, $"recall@{K} = {recall:0.00}");
    }

    [Fact]
    public async Task SearchAsync_ForcedHnswThreshold_ReportsHnswPath()
    {
        var result = await Services.Get<HybridRetriever>().SearchAsync(OnePercentUser, new SearchRequest("synthetic chunk"));

        Assert.Equal("hnsw-iterative", result.Diagnostics.VectorPath);
        Assert.True(result.Diagnostics.VectorCandidates > 0);
    }

    private HybridRetriever DefaultThresholdRetriever()
    {
        var options = new RetrievalOptions();
        Assert.Equal(5000, options.ExactScanBelowVisibleChunks);
        return Retriever(Services.Db.DataSource, options);
    }

    [Fact]
    public async Task SearchAsync_DefaultThresholdOnePercentVisible_TakesExactPath()
    {
        var result = await DefaultThresholdRetriever().SearchAsync(OnePercentUser, new SearchRequest("synthetic chunk"));

        Assert.Equal("exact", result.Diagnostics.VectorPath);
        Assert.Equal(fixture.VisibleCount, result.Diagnostics.VisibleChunksSeen);
        Assert.Equal(new RetrievalOptions().VectorCandidates, result.Diagnostics.VectorCandidates);
    }

    [Fact]
    public async Task VectorSearch_DefaultThresholdOnePercentVisible_ExactPathWithFullRecall()
    {
        var (recall, paths, returned) = await RecallAsync(DefaultThresholdRetriever());

        Assert.Equal(["exact"], paths);
        var visible = await VisibleIdsAsync();
        Assert.All(returned, id => Assert.Contains(id, visible));
        Assert.Equal(1.0, recall);
    }
}
