using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Retrieval.Reranking;
using KnowledgePortal.Tests.Answering;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Tests.Reranking;

public sealed class RerankStageTests
{
    private static RetrievedPassage P(long id, double relevance, SensitivityLabel label = SensitivityLabel.Internal) =>
        Passages.Make($"passage {id} score={relevance.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            sensitivity: label, chunkId: id, score: 1.0 / id);

    private static long[] Ids(IEnumerable<RetrievedPassage> passages) => passages.Select(p => p.ChunkId).ToArray();

    private static RerankStage Stage(IReranker? reranker, int candidates = 20, ILogger<RerankStage>? logger = null) =>
        new(reranker, Options.Create(new RerankingOptions { Candidates = candidates }), logger ?? NullLogger<RerankStage>.Instance);

    // --- the pure ordering ---

    [Fact]
    public void Plan_CandidatesAndClearance_SendsOnlyWindowWithinClearance()
    {
        var fused = new[] { P(1, 0), P(2, 0, SensitivityLabel.Confidential), P(3, 0), P(4, 0), P(5, 0) };

        var plan = RerankStage.Plan(fused, candidates: 3, SensitivityLabel.Internal);

        Assert.Equal([0, 2], plan.Sent);
        Assert.Equal(1, plan.HeldBack);
    }

    [Fact]
    public void Arrange_HeldBackAndBeyondWindow_KeepTheirPositions()
    {
        var fused = new[] { P(1, 0), P(2, 0), P(3, 0), P(4, 0), P(5, 0) };

        // positions 0, 2, 3 were sent; 1 was held back; 4 is beyond the window
        var arranged = RerankStage.Arrange(fused, [0, 2, 3], [0.1, 0.2, 0.9]);

        Assert.Equal([4L, 2, 3, 1, 5], Ids(arranged));
    }

    [Fact]
    public void Arrange_EqualScores_KeepFusedOrder()
    {
        var fused = new[] { P(1, 0), P(2, 0), P(3, 0) };

        Assert.Equal([3L, 1, 2], Ids(RerankStage.Arrange(fused, [0, 1, 2], [0.5, 0.5, 0.7])));
    }

    [Fact]
    public void Arrange_LowestScores_GoLast() =>
        Assert.Equal([2L, 1], Ids(RerankStage.Arrange([P(1, 0), P(2, 0)], [0, 1], [double.NegativeInfinity, -3])));

    // --- the stage with an in-memory reranker ---

    [Fact]
    public async Task ApplyAsync_NoReranker_UnchangedAndNone()
    {
        var fused = new[] { P(1, 0.1), P(2, 0.9) };

        var outcome = await Stage(null).ApplyAsync("q", fused, default);

        Assert.Same(fused, outcome.Passages);
        Assert.Equal(RerankStatus.None, outcome.Diagnostics.Status);
        Assert.Equal("none", outcome.Diagnostics.Summary);
        Assert.Equal("none", outcome.Diagnostics.Reranker);
    }

    [Fact]
    public async Task ApplyAsync_Reranker_OrderByScoreAndScoresUnchanged()
    {
        var fused = new[] { P(1, 0.1), P(2, 0.9), P(3, 0.5) };

        var outcome = await Stage(new TextScoreReranker()).ApplyAsync("q", fused, default);

        Assert.Equal([2L, 3, 1], Ids(outcome.Passages));
        Assert.Equal(fused.Select(p => p.Score).Order(), outcome.Passages.Select(p => p.Score).Order()); // order changes, not scores
        Assert.Equal(RerankStatus.Reranked, outcome.Diagnostics.Status);
        Assert.Equal(3, outcome.Diagnostics.Sent);
        Assert.Equal(0, outcome.Diagnostics.HeldBack);
    }

    [Fact]
    public async Task ApplyAsync_WrongNumberOfScores_FallbackProtocolError()
    {
        var fused = new[] { P(1, 0.1), P(2, 0.9) };

        var outcome = await Stage(new TextScoreReranker { Drop = 1 }).ApplyAsync("q", fused, default);

        Assert.Equal(Ids(fused), Ids(outcome.Passages));
        Assert.Equal("fallback: protocol error: 1 scores for 2 passages", outcome.Diagnostics.Summary);
    }

    [Fact]
    public async Task ApplyAsync_OnlyOnePassageWithinClearance_NothingSent()
    {
        var reranker = new TextScoreReranker();
        var fused = new[] { P(1, 0.1, SensitivityLabel.Secret), P(2, 0.9) };

        var outcome = await Stage(reranker).ApplyAsync("q", fused, default);

        Assert.Equal(Ids(fused), Ids(outcome.Passages));
        Assert.Equal(0, reranker.Calls);
        Assert.Equal(RerankStatus.None, outcome.Diagnostics.Status);
        Assert.Equal(1, outcome.Diagnostics.HeldBack);
    }

    [Fact]
    public async Task ApplyAsync_CallerCancels_Throws()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Stage(new TextScoreReranker()).ApplyAsync("q", [P(1, 0.1), P(2, 0.9)], cts.Token));
    }

    // --- the stage against a real rerank server ---

    private static async Task<(RerankTestServer Server, RerankStage Stage, ListLogger Log)> StartAsync(
        RerankProtocol protocol, Action<RerankingOptions>? configure = null)
    {
        var server = await RerankTestServer.StartAsync(protocol);
        var options = new RerankingOptions
        {
            Provider = RerankerProvider.Http, Protocol = protocol, Endpoint = server.BaseUrl, Model = "rerank-test",
        };
        configure?.Invoke(options);
        var log = new ListLogger();
        return (server, new RerankStage(RerankerFactory.Create(options), Options.Create(options), log), log);
    }

    [Fact]
    public async Task ApplyAsync_CloudReranker_ConfidentialNeverSentAndKeepsItsPlace()
    {
        var (server, stage, _) = await StartAsync(RerankProtocol.CohereV2); // Location unset: Cloud, cleared for Internal
        await using var _ = server;
        var fused = new[]
        {
            P(1, 0.1), P(2, 0.8, SensitivityLabel.Confidential), P(3, 0.9, SensitivityLabel.Public), P(4, 0.5), P(5, 0.7, SensitivityLabel.Secret),
        };

        var outcome = await stage.ApplyAsync("q", fused, default);

        Assert.Empty(server.Problems);
        var bodies = string.Join("\n", server.Requests.Select(r => r.Body));
        Assert.Contains("passage 1 ", bodies);
        Assert.Contains("passage 3 ", bodies);
        Assert.DoesNotContain("passage 2 ", bodies);
        Assert.DoesNotContain("passage 5 ", bodies);
        Assert.Equal([3L, 2, 4, 1, 5], Ids(outcome.Passages));
        Assert.Equal(RerankStatus.Reranked, outcome.Diagnostics.Status);
        Assert.Equal(3, outcome.Diagnostics.Sent);
        Assert.Equal(2, outcome.Diagnostics.HeldBack);
        Assert.Equal("http:cohere-v2 rerank-test", outcome.Diagnostics.Reranker);
    }

    [Fact]
    public async Task ApplyAsync_OnPremisesReranker_ConfidentialSent()
    {
        var (server, stage, _) = await StartAsync(RerankProtocol.Tei, o => o.Location = ProviderLocation.OnPremises);
        await using var _ = server;

        var outcome = await stage.ApplyAsync("q", [P(1, 0.1), P(2, 0.8, SensitivityLabel.Confidential), P(3, 0.9, SensitivityLabel.Secret)], default);

        Assert.Equal([3L, 2, 1], Ids(outcome.Passages));
        Assert.Equal(0, outcome.Diagnostics.HeldBack);
        Assert.Equal(3, Assert.Single(server.ReceivedDocuments).Count);
    }

    [Fact]
    public async Task ApplyAsync_CandidatesBound_OnlyFirstNSentRestKeepOrder()
    {
        var (server, stage, _) = await StartAsync(RerankProtocol.Jina, o => o.Candidates = 3);
        await using var _ = server;
        var fused = new[] { P(1, 0.1), P(2, 0.2), P(3, 0.3), P(4, 0.9), P(5, 0.8), P(6, 0.7) };

        var outcome = await stage.ApplyAsync("q", fused, default);

        Assert.Equal(fused.Take(3).Select(RerankStage.TextOf), Assert.Single(server.ReceivedDocuments));
        Assert.Equal([3L, 2, 1, 4, 5, 6], Ids(outcome.Passages));
        Assert.Equal(3, outcome.Diagnostics.Sent);
    }

    [Fact]
    public async Task ApplyAsync_ServerTimesOut_FallbackWithTimeoutReason()
    {
        var (server, stage, log) = await StartAsync(RerankProtocol.VllmRerank, o => o.TimeoutSeconds = 0.3);
        await using var _ = server;
        server.Delay = TimeSpan.FromSeconds(10);
        var fused = new[] { P(1, 0.1), P(2, 0.9) };

        var outcome = await stage.ApplyAsync("q", fused, default);

        Assert.Equal(Ids(fused), Ids(outcome.Passages));
        Assert.Equal(RerankStatus.Fallback, outcome.Diagnostics.Status);
        Assert.Equal("fallback: timeout after 0.3 s", outcome.Diagnostics.Summary);
        Assert.True(outcome.Diagnostics.Milliseconds < 5000);
        Assert.Single(log.Warnings);
    }

    [Fact]
    public async Task ApplyAsync_Server500_FallbackWithStatus()
    {
        var (server, stage, _) = await StartAsync(RerankProtocol.LlamaCpp);
        await using var _ = server;
        server.FailWith = 500;
        var fused = new[] { P(1, 0.1), P(2, 0.9) };

        var outcome = await stage.ApplyAsync("q", fused, default);

        Assert.Equal(Ids(fused), Ids(outcome.Passages));
        Assert.Equal("fallback: HTTP 500", outcome.Diagnostics.Summary);
        Assert.Equal(2, outcome.Diagnostics.Sent);
    }

    [Theory]
    [InlineData("""{"results":[{"index":0,"relevance_score":0.1}""", "fallback: protocol error: the response is not valid JSON")]
    [InlineData("<html>Bad gateway</html>", "fallback: protocol error: the response is not valid JSON")]
    [InlineData("""{"results":[{"index":1,"relevance_score":0.1},{"index":1,"relevance_score":0.2}]}""", "fallback: protocol error: index 1 is returned twice")]
    [InlineData("""{"results":[{"index":7,"relevance_score":0.1}]}""", "fallback: protocol error: a result has index 7, outside the 2 documents sent")]
    public async Task ApplyAsync_MalformedResponse_FallbackWithProtocolError(string response, string expected)
    {
        var (server, stage, _) = await StartAsync(RerankProtocol.CohereV1);
        await using var _ = server;
        server.RawResponse = response;
        var fused = new[] { P(1, 0.1), P(2, 0.9) };

        var outcome = await stage.ApplyAsync("q", fused, default);

        Assert.Equal(Ids(fused), Ids(outcome.Passages));
        Assert.Equal(expected, outcome.Diagnostics.Summary);
    }

    [Fact]
    public async Task ApplyAsync_NothingListening_FallbackConnectionFailed()
    {
        var (server, stage, _) = await StartAsync(RerankProtocol.Tei);
        await server.DisposeAsync(); // the port is closed now

        var outcome = await stage.ApplyAsync("q", [P(1, 0.1), P(2, 0.9)], default);

        Assert.Equal("fallback: connection failed", outcome.Diagnostics.Summary);
    }

    [Fact]
    public async Task ApplyAsync_Fallback_WarningWithoutPassageTextOrQuestion()
    {
        var (server, stage, log) = await StartAsync(RerankProtocol.VllmScore);
        await using var _ = server;
        server.FailWith = 502;

        await stage.ApplyAsync("what is the secret salary band", [P(1, 0.1), P(2, 0.9)], default);

        var warning = Assert.Single(log.Warnings);
        Assert.Contains("HTTP 502", warning);
        Assert.DoesNotContain("passage 1 score", warning);
        Assert.DoesNotContain("passage 2 score", warning);
        Assert.DoesNotContain("salary", warning);
    }

    /// <summary>Scores each passage by the number after "score=" in its text.</summary>
    private sealed class TextScoreReranker : IReranker
    {
        public int Calls { get; private set; }
        public int Drop { get; init; }
        public string Name => "test:text-score";
        public ProviderLocation Location => ProviderLocation.OnPremises;
        public SensitivityLabel MaxSensitivity => SensitivityLabel.Confidential;

        public Task<IReadOnlyList<double>> ScoreAsync(string query, IReadOnlyList<string> passages, CancellationToken ct = default)
        {
            ct.ThrowIfCancellationRequested();
            Calls++;
            return Task.FromResult<IReadOnlyList<double>>(passages.Skip(Drop).Select(RerankTestServer.ScoreIn).ToList());
        }
    }

    private sealed class ListLogger : ILogger<RerankStage>
    {
        private readonly List<string> _warnings = [];

        public IReadOnlyList<string> Warnings
        {
            get { lock (_warnings) return _warnings.ToList(); }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
                lock (_warnings) _warnings.Add(formatter(state, exception) + (exception is null ? "" : " " + exception));
        }
    }
}
