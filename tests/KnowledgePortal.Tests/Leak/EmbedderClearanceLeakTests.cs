using System.Text;
using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Ingestion;
using KnowledgePortal.Core.Ingestion.Embedding;
using KnowledgePortal.Core.Retrieval;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Tests.Leak;

/// <summary>
/// A cloud embedding service (the OpenAI-compatible test server, marked Cloud) must never receive the text of a
/// Confidential chunk, nor a question that may be about one: HR policies are indexed for keyword search only.
/// </summary>
[Trait(TestTier.Name, TestTier.Db)]
public sealed class EmbedderClearanceLeakTests
{
    private static readonly string Run = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    [Fact]
    public async Task CloudEmbedder_ConfidentialCollection_NeverReceivesItsTextOrItsQuestions()
    {
        await using var cloud = await FakeOpenAiServer.StartAsync();
        await using var services = await TestServices.StartAsync("embedleak", new Dictionary<string, string?>
        {
            ["Embedding:Provider"] = "OpenAICompatible",
            ["Embedding:Endpoint"] = cloud.BaseUrl + "/v1",
            ["Embedding:Model"] = "test-embedding",
            ["Embedding:ApiKey"] = "test",
            ["Embedding:Dimensions"] = "16",
            ["Embedding:Location"] = "Cloud",
        });
        Assert.Equal(Core.Domain.SensitivityLabel.Internal, services.Get<EmbeddingClearance>().MaxSensitivity);
        var system = await services.SystemAsync();
        var intake = services.Get<DocumentIntake>();
        var confidential = $"KPCONFEMBED{Run}";
        var internalMarker = $"KPINTERNALEMBED{Run}";
        await intake.UploadAsync(system, await services.CollectionIdAsync(DemoData.HrPolicies), "pay-bands.txt", Encoding.UTF8.GetBytes(
            $"Salary bands.\n\nThe salary band for grade G3 tops out at 6.4 million yen, reference {confidential}."));
        await intake.UploadAsync(system, await services.CollectionIdAsync(DemoData.Handbook), "remote-work.txt", Encoding.UTF8.GetBytes(
            $"Remote work.\n\nStaff may work remotely two days per week, reference {internalMarker}."));
        await services.DrainQueueAsync();

        // Re-embedding (a model change backfill) must skip them too.
        while (await services.Get<EmbeddingIndexManager>().ReembedBatchAsync(16) > 0) { }

        var retriever = services.Get<HybridRetriever>();
        var hr = await retriever.SearchAsync(await services.UserAsync("hr"), new SearchRequest($"salary band G3 {confidential}"));
        var staff = await retriever.SearchAsync(await services.UserAsync("staff"), new SearchRequest("remote work days per week"));

        // HR still finds its passage, by keywords alone; staff's question about Internal content uses vectors.
        Assert.Equal(HybridRetriever.KeywordOnlyPath, hr.Diagnostics.VectorPath);
        Assert.Contains(hr.Passages, p => p.Text.Contains(confidential));
        Assert.NotEqual(HybridRetriever.KeywordOnlyPath, staff.Diagnostics.VectorPath);
        Assert.Contains(staff.Passages, p => p.Text.Contains(internalMarker));

        await using var db = services.Db.CreateContext();
        var hrId = await services.CollectionIdAsync(DemoData.HrPolicies);
        Assert.All(await db.Chunks.Where(c => c.CollectionId == hrId).ToListAsync(), c => Assert.Null(c.Embedding));
        Assert.Contains(await db.Chunks.Where(c => c.CollectionId != hrId).ToListAsync(), c => c.EmbeddingModel == "test-embedding");

        var sent = cloud.Requests.Where(r => r.Path.EndsWith("/embeddings")).Select(r => r.Body).ToList();
        Assert.Contains(sent, b => b.Contains(internalMarker)); // the server was really used
        Assert.Contains(sent, b => b.Contains("remote work days per week"));
        Assert.DoesNotContain(sent, b => b.Contains(confidential) || b.Contains("Salary bands") || b.Contains("salary band G3"));
    }
}
