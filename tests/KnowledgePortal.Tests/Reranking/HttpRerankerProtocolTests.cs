using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Retrieval.Reranking;

namespace KnowledgePortal.Tests.Reranking;

/// <summary>The adapter against a real HTTP server per protocol that checks the request shape and answers shuffled.</summary>
public sealed class HttpRerankerProtocolTests
{
    private static readonly string[] Documents =
        ["alpha score=0.1", "bravo score=0.9", "charlie score=0.5", "delta score=0.3", "echo score=0.7"];

    public static TheoryData<RerankProtocol> AllProtocols => new(Enum.GetValues<RerankProtocol>());

    internal static IReranker Create(RerankTestServer server, Action<RerankingOptions>? configure = null)
    {
        var options = new RerankingOptions
        {
            Provider = RerankerProvider.Http,
            Protocol = server.Protocol,
            Endpoint = server.BaseUrl,
            Model = "rerank-test",
            ApiKey = "test-key",
            Location = ProviderLocation.OnPremises,
        };
        configure?.Invoke(options);
        return RerankerFactory.Create(options)!;
    }

    [Theory]
    [MemberData(nameof(AllProtocols))]
    public async Task ScoreAsync_EachProtocol_MapsShuffledResultsByIndex(RerankProtocol protocol)
    {
        await using var server = await RerankTestServer.StartAsync(protocol);
        server.RequiredApiKey = "test-key";
        var reranker = Create(server);

        var scores = await reranker.ScoreAsync("which letter?", Documents);

        Assert.Empty(server.Problems);
        var order = Enumerable.Range(0, Documents.Length).ToArray();
        new Random(server.ShuffleSeed).Shuffle(order);
        Assert.NotEqual(Enumerable.Range(0, Documents.Length), order); // the answer really is out of order
        Assert.Equal([0.1, 0.9, 0.5, 0.3, 0.7], scores);
        var request = Assert.Single(server.Requests);
        Assert.Equal("Bearer test-key", request.Authorization);
        Assert.Equal(Documents, Assert.Single(server.ReceivedDocuments));
        Assert.StartsWith("http:" + HttpReranker.Slug(protocol), reranker.Name);
    }

    [Theory]
    [InlineData(RerankProtocol.VllmRerank)]
    [InlineData(RerankProtocol.VllmScore)]
    [InlineData(RerankProtocol.Tei)]
    [InlineData(RerankProtocol.LlamaCpp)]
    public async Task ScoreAsync_SelfHostedWithoutModelOrKey_RequestStillValid(RerankProtocol protocol)
    {
        await using var server = await RerankTestServer.StartAsync(protocol);
        var reranker = Create(server, o => { o.Model = null; o.ApiKey = null; });

        var scores = await reranker.ScoreAsync("which letter?", Documents);

        Assert.Empty(server.Problems);
        Assert.Equal([0.1, 0.9, 0.5, 0.3, 0.7], scores);
        Assert.Null(Assert.Single(server.Requests).Authorization);
    }

    [Fact]
    public async Task ScoreAsync_ApiReturnsFewerResults_MissingOnesScoreLowest()
    {
        await using var server = await RerankTestServer.StartAsync(RerankProtocol.CohereV2);
        server.ReturnOnly = 3;
        var order = Enumerable.Range(0, Documents.Length).ToArray();
        new Random(server.ShuffleSeed).Shuffle(order);

        var scores = await Create(server).ScoreAsync("which letter?", Documents);

        Assert.Empty(server.Problems);
        for (var i = 0; i < Documents.Length; i++)
            Assert.Equal(order.Take(3).Contains(i) ? RerankTestServer.ScoreIn(Documents[i]) : double.NegativeInfinity, scores[i]);
    }

    [Fact]
    public async Task ScoreAsync_EndpointWithVersionSegment_PathNotDoubled()
    {
        await using var server = await RerankTestServer.StartAsync(RerankProtocol.VllmRerank);

        var scores = await Create(server, o => o.Endpoint = server.BaseUrl + "/v1/").ScoreAsync("which letter?", Documents);

        Assert.Empty(server.Problems);
        Assert.Equal("/v1/rerank", Assert.Single(server.Requests).Path);
        Assert.Equal(0.9, scores[1]);
    }

    [Fact]
    public async Task ScoreAsync_ServerTooSlow_ThrowsTimeout()
    {
        await using var server = await RerankTestServer.StartAsync(RerankProtocol.Jina);
        server.Delay = TimeSpan.FromSeconds(10);
        var reranker = Create(server, o => o.TimeoutSeconds = 0.3);

        var ex = await Assert.ThrowsAsync<TimeoutException>(() => reranker.ScoreAsync("which letter?", Documents));

        Assert.Equal("timeout after 0.3 s", ex.Message);
    }

    [Fact]
    public async Task ScoreAsync_ServerError_ThrowsWithStatus()
    {
        await using var server = await RerankTestServer.StartAsync(RerankProtocol.Voyage);
        server.FailWith = 503;

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => Create(server).ScoreAsync("which letter?", Documents));

        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, ex.StatusCode);
    }
}
