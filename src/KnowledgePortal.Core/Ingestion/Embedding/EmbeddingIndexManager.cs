using KnowledgePortal.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Npgsql;
using Pgvector;

namespace KnowledgePortal.Core.Ingestion.Embedding;

/// <summary>
/// Carries out a change of embedding model without downtime (docs/adr/0002-embedding-model-changes.md):
/// a partial HNSW index for the new model is built CONCURRENTLY, then chunks still holding another model's vector
/// are re-embedded in small batches in the background. Keyword search covers every chunk throughout, and vector
/// search covers each chunk as soon as its new vector is written. The old model's index is dropped at the end.
/// </summary>
public sealed class EmbeddingIndexManager(
    NpgsqlDataSource dataSource,
    IDbContextFactory<PortalDbContext> dbFactory,
    IEmbeddingGenerator<string, Embedding<float>> embedder,
    EmbeddingModelInfo model,
    EmbeddingClearance clearance,
    ILogger<EmbeddingIndexManager> logger)
{
    public async Task EnsureIndexAsync(CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand("SELECT 1 FROM pg_indexes WHERE tablename = 'chunks' AND indexname = @name");
        cmd.Parameters.AddWithValue("name", model.IndexName);
        if (await cmd.ExecuteScalarAsync(ct) is not null) return;
        logger.LogInformation("Building the HNSW index for embedding model {Model} ({Dimension} dimensions)", model.ModelId, model.Dimension);
        await using var create = dataSource.CreateCommand($"""
            CREATE INDEX CONCURRENTLY IF NOT EXISTS {model.IndexName} ON chunks
            USING hnsw ((embedding::vector({model.Dimension})) vector_cosine_ops) WHERE embedding_model = '{model.ModelId}'
            """);
        create.CommandTimeout = 0;
        await create.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Re-embeds one batch of chunks that hold another model's vector. Returns how many were updated.</summary>
    public async Task<int> ReembedBatchAsync(int batchSize, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Chunks above the embedder's clearance stay keyword-only: their text is never sent.
        var batch = await db.Chunks.Where(c => (c.EmbeddingModel != model.ModelId || c.EmbeddingModel == null) && c.Sensitivity <= clearance.MaxSensitivity)
            .OrderBy(c => c.Id).Take(batchSize).Select(c => new { c.Id, c.Context, c.Text }).ToListAsync(ct);
        if (batch.Count == 0) return 0;
        var vectors = await embedder.GenerateAsync(batch.Select(b => IngestionPipeline.EmbeddingText(b.Context, b.Text)).ToList(), EmbeddingInput.Passage(), ct);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        for (var i = 0; i < batch.Count; i++)
        {
            await using var cmd = new NpgsqlCommand(
                "UPDATE chunks SET embedding = @v, embedding_model = @m, embedding_dimension = @d WHERE id = @id", conn, tx);
            cmd.Parameters.AddWithValue("v", new Vector(vectors[i].Vector));
            cmd.Parameters.AddWithValue("m", model.ModelId);
            cmd.Parameters.AddWithValue("d", model.Dimension);
            cmd.Parameters.AddWithValue("id", batch[i].Id);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return batch.Count;
    }

    /// <summary>Drops HNSW indexes of models no chunk uses any more.</summary>
    public async Task DropUnusedIndexesAsync(CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'chunks' AND indexname LIKE 'ix_chunks_embedding_hnsw_%' AND indexname <> @keep");
        cmd.Parameters.AddWithValue("keep", model.IndexName);
        var names = new List<string>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) names.Add(r.GetString(0));
        if (names.Count == 0) return;
        await using var any = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM chunks WHERE embedding_model IS DISTINCT FROM @m AND sensitivity <= @max)");
        any.Parameters.AddWithValue("m", model.ModelId);
        any.Parameters.AddWithValue("max", (int)clearance.MaxSensitivity);
        if ((bool)(await any.ExecuteScalarAsync(ct))!) return;
        foreach (var name in names)
        {
            await using var drop = dataSource.CreateCommand($"DROP INDEX CONCURRENTLY IF EXISTS {name}");
            await drop.ExecuteNonQueryAsync(ct);
        }
    }
}
