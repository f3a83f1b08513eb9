using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Audit;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion;
using KnowledgePortal.Core.Ingestion.Embedding;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace KnowledgePortal.Web.Cli.Bench;

/// <summary>
/// Scratch collections of the benchmarks: named "bench-…", granted to no group, and marked in their description with
/// the process that made them, so that a run that was killed can be cleaned up by the next one.
/// </summary>
internal static partial class BenchScratch
{
    public const string Marker = "Scratch data of ./portal bench";
    private const string Actor = "bench";

    /// <summary>Above this many of its chunks, removing a scratch collection rebuilds the HNSW index instead of deleting from it.</summary>
    private const int RebuildAbove = 20_000;

    public static string Timestamp() => DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);

    public static async Task<int> CreateCollectionAsync(IServiceProvider services, string name, CancellationToken ct)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(ct);
        var collection = new Collection
        {
            Name = name,
            Description = $"{Marker} (pid {Environment.ProcessId} on {Environment.MachineName}); removed when the run ends.",
            Sensitivity = SensitivityLabel.Internal,
        };
        db.Collections.Add(collection);
        await db.SaveChangesAsync(ct);
        AuditLog.Add(db, Actor, "bench-collection-create", "collection", collection.Id.ToString(CultureInfo.InvariantCulture), new { name });
        await db.SaveChangesAsync(ct);
        return collection.Id;
    }

    /// <summary>
    /// Scratch reader groups granted read on the collection, so keyword statistics (summed over the collections a
    /// user's groups can read) see the scratch collection as a real reader would. Removed with the collection.
    /// </summary>
    public static async Task<int[]> CreateReaderGroupsAsync(IServiceProvider services, int collectionId, int count, CancellationToken ct)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(ct);
        var groups = Enumerable.Range(1, count).Select(i => new PortalGroup { Name = $"bench-{collectionId}-readers{i}", Description = Marker }).ToList();
        db.Groups.AddRange(groups);
        await db.SaveChangesAsync(ct);
        db.CollectionAccess.AddRange(groups.Select(g => new CollectionAccess { CollectionId = collectionId, GroupId = g.Id, Level = AccessLevel.Read }));
        await db.SaveChangesAsync(ct);
        return groups.Select(g => g.Id).ToArray();
    }

    /// <summary>Removes scratch collections of earlier runs whose process is gone (or that are older than a day).</summary>
    public static async Task RemoveLeftoversAsync(IServiceProvider services, CancellationToken ct)
    {
        List<Collection> candidates;
        await using (var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(ct))
            candidates = await db.Collections.AsNoTracking().Where(c => c.Name.StartsWith("bench-") && c.Description != null && c.Description.StartsWith(Marker))
                .ToListAsync(ct);
        foreach (var c in candidates.Where(IsStale))
        {
            Console.Error.WriteLine($"Removing scratch collection '{c.Name}' left behind by an earlier benchmark run…");
            await RemoveCollectionAsync(services, c.Id, CancellationToken.None);
        }
    }

    private static bool IsStale(Collection c)
    {
        if (c.CreatedAt < DateTimeOffset.UtcNow.AddDays(-1)) return true;
        var m = OwnerPattern().Match(c.Description ?? "");
        if (!m.Success || m.Groups[2].Value != Environment.MachineName) return false; // another machine's run: leave it a day
        var pid = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        if (pid == Environment.ProcessId) return false;
        try
        {
            using var p = Process.GetProcessById(pid);
            return p.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    [GeneratedRegex(@"\(pid (\d+) on ([^)]+)\)")]
    private static partial Regex OwnerPattern();

    /// <summary>
    /// Removes a scratch collection with everything in it. Many chunks are removed by dropping the HNSW index, deleting
    /// and rebuilding it in one transaction when the rest of the table is smaller (cheaper than deleting graph nodes).
    /// </summary>
    public static async Task RemoveCollectionAsync(IServiceProvider services, int collectionId, CancellationToken ct)
    {
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        await using (var conn = await dataSource.OpenConnectionAsync(ct))
        {
            var index = await HnswIndex.FindAsync(conn, ct);
            var mine = await ScalarAsync(conn, "SELECT count(*) FROM chunks WHERE collection_id = @c", collectionId, ct);
            var others = await ScalarAsync(conn, $"SELECT count(*) FROM chunks WHERE collection_id <> @c AND embedding_model = '{HnswIndex.Model.ModelId}'", collectionId, ct);
            if (mine > RebuildAbove && others < mine && index.Exists)
            {
                var sw = Stopwatch.StartNew();
                await using var tx = await conn.BeginTransactionAsync(ct);
                await index.DropAsync(conn, tx, ct);
                await ExecuteAsync(conn, tx, "DELETE FROM chunks WHERE collection_id = @c", collectionId, ct);
                await index.BuildAsync(conn, tx, others, ct);
                await tx.CommitAsync(ct);
                Console.Error.WriteLine($"  removed {mine:N0} scratch chunks and rebuilt {HnswIndex.Name} over the other {others:N0} in {sw.Elapsed.TotalSeconds:0.0} s");
            }
            else if (mine > 0)
            {
                await using var tx = await conn.BeginTransactionAsync(ct);
                await ExecuteAsync(conn, tx, "DELETE FROM chunks WHERE collection_id = @c", collectionId, ct);
                await tx.CommitAsync(ct);
            }
        }

        var commands = services.GetRequiredService<DocumentCommands>();
        var system = UserAccess.System([collectionId]) with { UserName = Actor };
        await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(ct);
        foreach (var id in await db.Documents.Where(d => d.CollectionId == collectionId).Select(d => d.Id).ToListAsync(ct))
            await commands.DeleteAsync(system, id, ct);
        var name = await db.Collections.Where(c => c.Id == collectionId).Select(c => c.Name).FirstOrDefaultAsync(ct);
        var scratchGroups = await db.CollectionAccess.Where(a => a.CollectionId == collectionId)
            .Select(a => a.Group!).Where(g => g.Name.StartsWith("bench-") && g.Description == Marker).Select(g => g.Id).ToListAsync(ct);
        await db.CollectionAccess.Where(a => a.CollectionId == collectionId).ExecuteDeleteAsync(ct);
        await db.Collections.Where(c => c.Id == collectionId).ExecuteDeleteAsync(ct);
        await db.Groups.Where(g => scratchGroups.Contains(g.Id)).ExecuteDeleteAsync(ct);
        AuditLog.Add(db, Actor, "bench-collection-delete", "collection", collectionId.ToString(CultureInfo.InvariantCulture), new { name });
        await db.SaveChangesAsync(ct);
    }

    internal static async Task<long> ScalarAsync(NpgsqlConnection conn, string sql, int collectionId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.AddWithValue("c", collectionId);
        cmd.CommandTimeout = 0;
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, int collectionId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        cmd.Parameters.AddWithValue("c", collectionId);
        cmd.CommandTimeout = 0;
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>
/// The partial HNSW index of the built-in model, as the database defines it (or as the migration does when it is
/// missing). Dropping and rebuilding happen inside the caller's transaction, so a run that dies never loses the index.
/// </summary>
internal sealed class HnswIndex(string definition, bool exists)
{
    public static readonly EmbeddingModelInfo Model = new(HashingEmbeddingGenerator.ModelId, HashingEmbeddingGenerator.Dimensions);
    public static string Name => Model.IndexName;

    private const string MigrationDefinition = """
        CREATE INDEX ix_chunks_embedding_hnsw_kp_hash_384_v1 ON chunks
        USING hnsw ((embedding::vector(384)) vector_cosine_ops) WITH (m = 16, ef_construction = 64)
        WHERE embedding_model = 'kp-hash-384-v1'
        """;

    public bool Exists { get; } = exists;

    public static async Task<HnswIndex> FindAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT indexdef FROM pg_indexes WHERE tablename = 'chunks' AND indexname = @name", conn);
        cmd.Parameters.AddWithValue("name", Name);
        return await cmd.ExecuteScalarAsync(ct) is string def ? new HnswIndex(def, true) : new HnswIndex(MigrationDefinition, false);
    }

    public async Task DropAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"DROP INDEX IF EXISTS {Name}", conn, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Builds the index with enough maintenance memory for the graph and one parallel worker per spare core.</summary>
    public async Task BuildAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long rows, CancellationToken ct)
    {
        long currentMb;
        await using (var show = new NpgsqlCommand("SELECT setting::bigint * 1024 / 1048576 FROM pg_settings WHERE name = 'maintenance_work_mem'", conn, tx))
            currentMb = Convert.ToInt64(await show.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        // ~2.5 KB per 384-dimension node with m = 16 keeps the whole graph in memory; capped at 4 GB.
        var neededMb = Math.Min(4096, rows * 2560 / 1048576 + 64);
        var workers = Math.Clamp(Environment.ProcessorCount - 1, 0, 7);
        await using var cmd = new NpgsqlCommand(
            $"SET LOCAL maintenance_work_mem = '{Math.Max(currentMb, neededMb)}MB'; SET LOCAL max_parallel_maintenance_workers = {workers}; {definition}",
            conn, tx) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
