using KnowledgePortal.Core.Answering;

namespace KnowledgePortal.Tests.Answering;

public class CostTests
{
    [Fact]
    public void Compute_TypicalCall_SumsInputAndOutputPrices()
    {
        // 1,000 × $2.50/M + 500 × $10/M = 0.0025 + 0.005
        Assert.Equal(0.0075m, Cost.Compute(1_000, 500, 2.50m, 10m));
    }

    [Fact]
    public void Compute_ManyDecimals_RoundedToSixPlaces()
    {
        // 1 × 0.15/M = 0.00000015 → 0.000000; 7 × 0.15/M = 0.00000105 → 0.000001
        Assert.Equal(0m, Cost.Compute(1, 0, 0.15m, 0.60m));
        Assert.Equal(0.000001m, Cost.Compute(7, 0, 0.15m, 0.60m));
        Assert.Equal(0.123457m, Cost.Compute(123_456_700, 0, 0.001m, 0m));
    }

    [Fact]
    public void Compute_ZeroTokens_IsZero()
    {
        Assert.Equal(0m, Cost.Compute(0, 0, 5m, 15m));
    }

    [Fact]
    public void Compute_NegativeTokens_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Cost.Compute(-1, 0, 1m, 1m));
    }
}
