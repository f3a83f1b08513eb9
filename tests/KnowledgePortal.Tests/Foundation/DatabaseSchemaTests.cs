using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Pgvector;

namespace KnowledgePortal.Tests.Foundation;

[Trait(TestTier.Name, TestTier.Db)]
public class DatabaseSchemaTests
{
    [Fact]
    public async Task Migrate_EmptyDatabase_AppliesAllMigrations()
    {
        await using var testDb = await TestDatabase.CreateEmptyAsync();
        await using var db = testDb.CreateContext();
        await db.Database.MigrateAsync();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.NotEmpty(await db.Database.GetAppliedMigrationsAsync());
    }

    [Fact]
    public async Task UpdateVectorExtension_DatabaseStillAtVulnerable080_UpdatesToInstalledVersion()
    {
        await using var testDb = await TestDatabase.CreateAsync("vecupd");
        await using var conn = new Npgsql.NpgsqlConnection(testDb.ConnectionString);
        await conn.OpenAsync();
        // A database created under pgvector 0.8.0 keeps that version after newer files are installed; the upgrade
        // scripts from 0.8.0 on are catalogue-only, so setting the recorded version reproduces that state exactly.
        await using (var old = new Npgsql.NpgsqlCommand("UPDATE pg_extension SET extversion = '0.8.0' WHERE extname = 'vector'", conn))
            Assert.Equal(1, await old.ExecuteNonQueryAsync());

        var (before, after) = await KnowledgePortal.Core.Data.DatabaseSetup.UpdateVectorExtensionAsync(conn, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        Assert.Equal("0.8.0", before);
        await using var now = new Npgsql.NpgsqlCommand("SELECT extversion FROM pg_extension WHERE extname = 'vector'", conn);
        var version = (string)(await now.ExecuteScalarAsync())!;
        Assert.Equal(after, version);
        Assert.True(Version.Parse(version) >= new Version(0, 8, 2), $"pgvector {version} is affected by CVE-2026-3172");
        Assert.Equal((version, version), await KnowledgePortal.Core.Data.DatabaseSetup.UpdateVectorExtensionAsync(conn, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance));
    }

    [Fact]
    public async Task Model_ComparedWithMigrations_HasNoPendingChanges()
    {
        await using var testDb = await TestDatabase.CreateAsync("model");
        await using var db = testDb.CreateContext();
        Assert.False(db.Database.HasPendingModelChanges(), "The model changed without a migration: run dotnet ef migrations add.");
    }

    [Theory]
    [InlineData("ix_chunks_embedding_hnsw_kp_hash_384_v1", "hnsw")]
    [InlineData("ix_chunks_allowed_group_ids", "gin")]
    [InlineData("ix_chunks_search_vector", "gin")]
    public async Task Migrate_Chunks_HasSearchIndex(string indexName, string method)
    {
        await using var testDb = await TestDatabase.CreateAsync("idx");
        await using var db = testDb.CreateContext();
        var definition = await db.Database
            .SqlQuery<string>($"SELECT indexdef AS \"Value\" FROM pg_indexes WHERE tablename = 'chunks' AND indexname = {indexName}")
            .SingleAsync();
        Assert.Contains($"USING {method}", definition);
    }

    [Fact]
    public async Task Chunk_WithEmbedding_RoundTripsVector()
    {
        await using var testDb = await TestDatabase.CreateAsync("vec");
        var vector = Enumerable.Range(0, PortalDbContext.DefaultEmbeddingDimension).Select(i => (float)Math.Sin(i)).ToArray();
        Guid documentId;
        await using (var db = testDb.CreateContext())
        {
            var collection = new Collection { Name = "c" };
            db.Collections.Add(collection);
            await db.SaveChangesAsync();
            var doc = new Document { CollectionId = collection.Id, Title = "t", FileName = "f.txt", ContentType = "text/plain", Sha256 = "x", UploadedBy = "test" };
            db.Documents.Add(doc);
            db.Chunks.Add(new Chunk
            {
                DocumentId = doc.Id, DocumentVersionId = Guid.NewGuid(), CollectionId = collection.Id, Text = "hello", ContentHash = "h",
                Embedding = new Vector(vector), EmbeddingModel = "kp-hash-384-v1", EmbeddingDimension = vector.Length, AllowedGroupIds = [1, 2],
            });
            await db.SaveChangesAsync();
            documentId = doc.Id;
        }
        await using (var db = testDb.CreateContext())
        {
            var chunk = await db.Chunks.SingleAsync(c => c.DocumentId == documentId);
            Assert.Equal(vector, chunk.Embedding!.ToArray());
            Assert.Equal([1, 2], chunk.AllowedGroupIds);
        }
    }

    [Fact]
    public async Task AuditEvents_UpdateOrDelete_IsRefused()
    {
        await using var testDb = await TestDatabase.CreateAsync("audit");
        await using var db = testDb.CreateContext();
        db.AuditEvents.Add(new AuditEvent { Actor = "a", Action = "test" });
        await db.SaveChangesAsync();
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => db.Database.ExecuteSqlRawAsync("UPDATE audit_events SET actor = 'b'"));
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => db.Database.ExecuteSqlRawAsync("DELETE FROM audit_events"));
        Assert.Equal(1, await db.AuditEvents.CountAsync());
    }
}
