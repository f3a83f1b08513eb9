using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Insights;
using KnowledgePortal.Tests.Infrastructure;

namespace KnowledgePortal.Tests.Insights;

/// <summary>
/// The dashboard's first-token and total latency, over ledger rows shaped like the ones AskService writes: answers
/// stamp a first token, "not covered" replies do not. Percentiles taken over different sets of rows once showed a
/// first-token p50 above the total p50 (31 ms vs 30 ms).
/// </summary>
[Trait(TestTier.Name, TestTier.Db)]
public sealed class LatencyConsistencyTests : IAsyncLifetime
{
    private static readonly DateOnly Day = new(2026, 4, 1);
    private TestServices _services = null!;

    public async Task InitializeAsync() => _services = await TestServices.StartAsync("latency", seedDemo: false);
    public async Task DisposeAsync() => await _services.DisposeAsync();

    private async Task AddAsync(params (int? First, int Total)[] rows)
    {
        await using var db = _services.Db.CreateContext();
        var minute = 0;
        foreach (var (first, total) in rows)
            db.UsageRecords.Add(new UsageRecord
            {
                At = new DateTimeOffset(Day.ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero).AddMinutes(minute++),
                UserId = "u", Provider = "Extractive", Model = "Extractive", Route = first is null ? "not-covered" : "local",
                FirstTokenMs = first, TotalMs = total, AnsweredFromSources = first is not null,
            });
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task Latency_AnswersSlowerThanNotCoveredReplies_FirstTokenNeverAboveTotal()
    {
        // Extractive answers: first text at 31 ms, done at 32 ms; quick "not covered" replies at 20 ms with no first token.
        await AddAsync((31, 32), (31, 32), (31, 32), (null, 20), (null, 20), (null, 20));

        var latency = await _services.Get<InsightsQueries>().LatencyAsync(new InsightsFilter(Day, Day));

        Assert.Equal(6, latency.Count);
        Assert.True(latency.FirstTokenP50 <= latency.TotalP50, $"first token p50 {latency.FirstTokenP50} > total p50 {latency.TotalP50}");
        Assert.True(latency.FirstTokenP95 <= latency.TotalP95, $"first token p95 {latency.FirstTokenP95} > total p95 {latency.TotalP95}");
        // Same six questions in both columns; a reply without a streamed token showed its text when it was complete.
        Assert.Equal(25.5, latency.FirstTokenP50!.Value, 6); // of 20 20 20 31 31 31
        Assert.Equal(26, latency.TotalP50!.Value, 6); // of 20 20 20 32 32 32
    }

    [Fact]
    public async Task Latency_RandomLedger_EveryPercentileOfFirstTokenAtMostTotal()
    {
        var random = new Random(12);
        var rows = Enumerable.Range(0, 300).Select(_ =>
        {
            var total = random.Next(5, 5000);
            return (random.Next(3) == 0 ? (int?)null : random.Next(0, total + 1), total);
        }).ToArray();
        await AddAsync(rows);

        var latency = await _services.Get<InsightsQueries>().LatencyAsync(new InsightsFilter(Day, Day));

        Assert.Equal(300, latency.Count);
        Assert.True(latency.FirstTokenP50 <= latency.TotalP50);
        Assert.True(latency.FirstTokenP95 <= latency.TotalP95);
    }
}
