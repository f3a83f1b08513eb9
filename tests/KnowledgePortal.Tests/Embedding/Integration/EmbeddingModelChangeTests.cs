using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Ingestion;
using KnowledgePortal.Core.Ingestion.Embedding;
using KnowledgePortal.Core.Retrieval;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Tests.Embedding.Integration;

[Trait(TestTier.Name, TestTier.Db)]
public class EmbeddingModelChangeTests
{
    [Fact]
    public async Task ChangeModel_ExistingChunks_ReembeddedInBackgroundWhileSearchKeepsWorking()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.EmbeddingDimensions = 64;

        // 1. Index the handbook with the built-in model.
        var before = await TestServices.StartAsync("modelchange");
        var db = before.Db;
        var system = await before.SystemAsync();
        var handbook = await before.CollectionIdAsync(DemoData.Handbook);
        foreach (var f in DemoDocuments.All().Where(f => f.Collection == DemoData.Handbook))
            await before.Get<DocumentIntake>().UploadAsync(system, handbook, f.FileName, f.Content);
        await before.DrainQueueAsync();
        before.StopKeepingDatabase();

        // 2. Restart with an OpenAI-compatible embedding model of another dimension.
        await using var after = await TestServices.StartAsync(db, new Dictionary<string, string?>
        {
            ["Embedding:Provider"] = "OpenAICompatible",
            ["Embedding:Endpoint"] = server.BaseUrl + "/v1",
            ["Embedding:Model"] = "test-embedding",
            ["Embedding:ApiKey"] = "test",
            ["Embedding:Dimensions"] = "64",
        });
        var manager = after.Get<EmbeddingIndexManager>();
        await manager.EnsureIndexAsync();
        var model = after.Get<EmbeddingModelInfo>();
        Assert.Equal(("test-embedding", 64), (model.ModelId, model.Dimension));
        await using (var ctx = db.CreateContext())
        {
            var index = await ctx.Database.SqlQuery<string>($"SELECT indexdef AS \"Value\" FROM pg_indexes WHERE indexname = {model.IndexName}").SingleAsync();
            Assert.Contains("hnsw", index);
            Assert.Contains("vector(64)", index);
        }

        // 3. Part-way through the backfill, keyword search still finds chunks that hold the old model's vectors.
        Assert.Equal(2, await manager.ReembedBatchAsync(2));
        var staff = await after.UserAsync("staff");
        var midway = await after.Get<HybridRetriever>().SearchAsync(staff, new SearchRequest("expense claims within 30 days"));
        Assert.Contains(midway.Passages, p => p.FileName == "employee-handbook.docx");

        // 4. The backfill finishes; the old model's index goes.
        while (await manager.ReembedBatchAsync(16) > 0) { }
        await manager.DropUnusedIndexesAsync();
        await using (var ctx = db.CreateContext())
        {
            Assert.False(await ctx.Chunks.AnyAsync(c => c.EmbeddingModel != "test-embedding"));
            Assert.True(await ctx.Chunks.AllAsync(c => c.EmbeddingDimension == 64));
            var indexes = await ctx.Database.SqlQuery<string>($"SELECT indexname AS \"Value\" FROM pg_indexes WHERE indexname LIKE 'ix_chunks_embedding_hnsw_%'").ToListAsync();
            Assert.Equal([model.IndexName], indexes);
        }
        var done = await after.Get<HybridRetriever>().SearchAsync(staff, new SearchRequest("remote work days per week"));
        Assert.NotEmpty(done.Passages);
        Assert.Contains(server.Requests, r => r.Path.EndsWith("/embeddings"));
    }
}
