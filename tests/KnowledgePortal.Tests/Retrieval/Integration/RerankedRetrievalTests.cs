using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Retrieval;
using KnowledgePortal.Core.Retrieval.Reranking;
using KnowledgePortal.Tests.Infrastructure;
using KnowledgePortal.Tests.Reranking;

namespace KnowledgePortal.Tests.Retrieval.Integration;

/// <summary>The retriever with a reranker configured: an HTTP rerank server (TEI protocol) after fusion, over the demo corpus.</summary>
[Trait(TestTier.Name, TestTier.Db)]
public class RerankedRetrievalTests : IAsyncLifetime
{
    private RerankTestServer _server = null!;
    private TestServices _services = null!;

    public async Task InitializeAsync()
    {
        _server = await RerankTestServer.StartAsync(RerankProtocol.Tei);
        _services = await TestServices.StartAsync("rerank", new Dictionary<string, string?>
        {
            ["Reranking:Provider"] = "Http",
            ["Reranking:Protocol"] = "Tei",
            ["Reranking:Endpoint"] = _server.BaseUrl,
            ["Reranking:Candidates"] = "10",
            // Cloud (the default for HTTP): cleared for Internal, so Confidential HR passages are never sent.
        });
        await DemoCorpus.IngestAsync(_services);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task SearchAsync_RerankerPrefersAnotherPassage_ReturnsItsOrderAndSaysSo()
    {
        var staff = await _services.UserAsync("staff");
        var retriever = _services.Get<HybridRetriever>();
        var fused = await retriever.SearchAsync(staff, new SearchRequest("How many days a week can I work remotely?", Rerank: false));
        var fusedFirst = fused.Passages[0];
        // The reranker scores the fused winner lowest: it must no longer be first.
        _server.Scorer = (_, doc) => doc.Contains(fusedFirst.Text[..Math.Min(40, fusedFirst.Text.Length)], StringComparison.Ordinal) ? -10 : 1;

        var reranked = await retriever.SearchAsync(staff, new SearchRequest("How many days a week can I work remotely?"));

        Assert.Equal("none", fused.Diagnostics.Rerank);
        Assert.Equal("reranked", reranked.Diagnostics.Rerank);
        Assert.NotEqual(fusedFirst.ChunkId, reranked.Passages[0].ChunkId);
        // The reranker saw a wider window (10) than is returned (8): the demoted winner fell out, a candidate moved in.
        Assert.Equal(fused.Passages.Count, reranked.Passages.Count);
        Assert.DoesNotContain(reranked.Passages, p => p.ChunkId == fusedFirst.ChunkId);
    }

    [Fact]
    public async Task SearchAsync_CloudRerankerAndHrReader_ConfidentialPassagesNeverSent()
    {
        var hr = await _services.UserAsync("hr");
        var result = await _services.Get<HybridRetriever>().SearchAsync(hr, new SearchRequest("salary band G3"));

        Assert.Contains(result.Passages, p => p.Sensitivity >= SensitivityLabel.Confidential);
        var sent = _server.ReceivedDocuments.SelectMany(d => d).ToList();
        Assert.NotEmpty(sent);
        foreach (var p in result.Passages.Where(p => p.Sensitivity >= SensitivityLabel.Confidential))
            Assert.DoesNotContain(sent, d => d.Contains(p.Text, StringComparison.Ordinal));
    }
}
