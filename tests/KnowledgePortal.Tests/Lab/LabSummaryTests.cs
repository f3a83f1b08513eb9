using KnowledgePortal.Core.Lab;

namespace KnowledgePortal.Tests.Lab;

public class LabSummaryTests
{
    private static LabResultView Result(string provider, bool? match = null, int inTok = 0, int outTok = 0, decimal cost = 0, int? first = null,
        int total = 0, string? error = null, bool answered = true) =>
        new(provider, "m", "direct", "answer", answered, match, [], 1, 0, inTok, outTok, false, cost, first, total, error, false);

    [Fact]
    public void For_Results_SumsTokensAndCostAndRatesOnlyJudgedAnswers()
    {
        LabResultView[] results =
        [
            Result("A", match: true, inTok: 100, outTok: 10, cost: 0.001m, first: 100, total: 1000),
            Result("A", match: false, inTok: 200, outTok: 20, cost: 0.002m, first: 300, total: 3000),
            Result("A", match: null, inTok: 50, outTok: 5, cost: 0.0005m, first: 200, total: 2000),
            Result("B", error: "The model 'B' could not be reached.", answered: false, total: 40),
            Result("B", match: true, total: 10, first: 5),
        ];

        var summary = LabProviderSummary.For(["A", "B", "C"], results);

        var a = summary[0];
        Assert.Equal(("A", 3, 3, 2, 1, 0), (a.Provider, a.Results, a.Answered, a.Judged, a.Matched, a.Errors));
        Assert.Equal(0.5, a.MatchRate);
        Assert.Equal((350L, 35L, 0.0035m), (a.InputTokens, a.OutputTokens, a.Cost));
        Assert.Equal(200, a.FirstTokenP50Ms);
        Assert.Equal(2000, a.TotalP50Ms);
        Assert.Equal(2900, a.TotalP95Ms!.Value, 6);

        var b = summary[1];
        Assert.Equal((2, 1, 1, 1, 1), (b.Results, b.Answered, b.Judged, b.Matched, b.Errors));
        Assert.Equal(10, b.TotalP50Ms); // failed calls do not count in timings

        var c = summary[2];
        Assert.Equal(0, c.Results);
        Assert.Null(c.MatchRate);
        Assert.Null(c.TotalP50Ms);
    }

    [Fact]
    public void For_SomeRepliesWithoutFirstToken_FirstTokenP50NeverAboveTotalP50()
    {
        // Fast "not covered" replies carry no first token; a median over the slow answers only would exceed the total's.
        LabResultView[] results =
        [
            Result("A", first: null, total: 20), Result("A", first: null, total: 25),
            Result("A", first: 31, total: 40), Result("A", first: 32, total: 45),
        ];

        var a = LabProviderSummary.For(["A"], results)[0];

        Assert.True(a.FirstTokenP50Ms <= a.TotalP50Ms, $"first {a.FirstTokenP50Ms} > total {a.TotalP50Ms}");
        Assert.Equal(28, a.FirstTokenP50Ms);
    }

    [Theory]
    [InlineData(new double[] { 5 }, 0.95, 5)]
    [InlineData(new double[] { 1, 2, 3, 4 }, 0.5, 2.5)]
    [InlineData(new double[] { 4, 1, 3, 2 }, 0.0, 1)]
    [InlineData(new double[] { 4, 1, 3, 2 }, 1.0, 4)]
    public void Percentile_Values_InterpolatesLikePercentileCont(double[] values, double fraction, double expected) =>
        Assert.Equal(expected, LabProviderSummary.Percentile(values, fraction)!.Value, 9);
}
