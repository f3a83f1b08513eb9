using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Insights;

namespace KnowledgePortal.Tests.Insights;

public class BudgetArithmeticTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 15, 9, 30, 0, TimeSpan.Zero);

    private static BudgetUsage Cost(decimal limit, decimal spent, string scope = "group HR") =>
        new(new Budget { GroupId = 1, MonthlyCostLimit = limit }, scope, spent, 0);

    private static BudgetUsage Tokens(long limit, long spent, string scope = "your account") =>
        new(new Budget { UserId = "u", MonthlyTokenLimit = limit }, scope, 0, spent);

    [Fact]
    public void Evaluate_CostAtCap_RefusedNamingCapAndResumeDate()
    {
        var status = BudgetGuard.Evaluate([Cost(50, 50)], Now);

        Assert.Equal(BudgetLevel.Refused, status.Level);
        Assert.Equal("The monthly cost cap of $50.00 for group HR is reached; asking resumes on 1 Dec.", status.Message);
    }

    [Fact]
    public void Evaluate_JapaneseQuestion_MessagesInJapaneseNamingCapAndDate()
    {
        var refused = BudgetGuard.Evaluate([Cost(50, 50)], Now, "ja");
        var warned = BudgetGuard.Evaluate([Tokens(100_000, 85_000)], Now, "ja");

        Assert.Equal(BudgetLevel.Refused, refused.Level);
        Assert.Equal("グループ「HR」の月間コスト上限（$50.00）に達しました。12月1日から再び質問できます。", refused.Message);
        Assert.Equal(BudgetLevel.Warning, warned.Level);
        Assert.Equal("あなたのアカウントの月間トークン上限（100,000 トークン）の 85% を使用しました。100% に達すると12月1日まで質問できません。", warned.Message);
    }

    [Fact]
    public void Evaluate_CostOverCap_Refused() => Assert.Equal(BudgetLevel.Refused, BudgetGuard.Evaluate([Cost(50, 63.2m)], Now).Level);

    [Theory]
    [InlineData(40, BudgetLevel.Warning)]
    [InlineData(49.99, BudgetLevel.Warning)]
    [InlineData(39.99, BudgetLevel.Allowed)]
    [InlineData(0, BudgetLevel.Allowed)]
    public void Evaluate_CostThresholds(decimal spent, BudgetLevel expected) =>
        Assert.Equal(expected, BudgetGuard.Evaluate([Cost(50, spent)], Now).Level);

    [Fact]
    public void Evaluate_TokensAt85Percent_WarningNamingCap()
    {
        var status = BudgetGuard.Evaluate([Tokens(100_000, 85_000)], Now);

        Assert.Equal(BudgetLevel.Warning, status.Level);
        Assert.Equal("85% of the monthly token cap of 100,000 tokens for your account is used; asking stops at 100% until 1 Dec.", status.Message);
    }

    [Fact]
    public void Evaluate_SeveralCaps_FullestDecides()
    {
        var status = BudgetGuard.Evaluate([Cost(50, 10), Tokens(1000, 1000), Cost(10, 9, "group Sales")], Now);

        Assert.Equal(BudgetLevel.Refused, status.Level);
        Assert.Contains("token cap of 1,000 tokens for your account", status.Message);
    }

    [Fact]
    public void Evaluate_BudgetWithBothLimits_EitherCanRefuse()
    {
        var both = new BudgetUsage(new Budget { GroupId = 1, MonthlyCostLimit = 100, MonthlyTokenLimit = 10 }, "group HR", 1, 12);

        var status = BudgetGuard.Evaluate([both], Now);

        Assert.Equal(BudgetLevel.Refused, status.Level);
        Assert.Contains("token cap", status.Message);
    }

    [Fact]
    public void Evaluate_NoCaps_Allowed()
    {
        Assert.Equal(BudgetLevel.Allowed, BudgetGuard.Evaluate([], Now).Level);
        Assert.Equal(BudgetLevel.Allowed, BudgetGuard.Evaluate([new BudgetUsage(new Budget { GroupId = 1 }, "group HR", 5, 5)], Now).Level);
    }

    [Fact]
    public void Evaluate_ZeroCap_RefusedAtOnce() => Assert.Equal(BudgetLevel.Refused, BudgetGuard.Evaluate([Cost(0, 0)], Now).Level);

    [Fact]
    public void Ratio_IsTheLargerOfCostAndTokens()
    {
        var usage = new BudgetUsage(new Budget { MonthlyCostLimit = 10, MonthlyTokenLimit = 100 }, "x", 5, 90);

        Assert.Equal(0.5, usage.CostRatio!.Value, 6);
        Assert.Equal(0.9, usage.TokenRatio!.Value, 6);
        Assert.Equal(0.9, usage.Ratio, 6);
    }

    [Fact]
    public void Month_IsTheUtcCalendarMonth()
    {
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), BudgetGuard.MonthStart(Now));
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero),
            BudgetGuard.NextMonthStart(new DateTimeOffset(2026, 12, 31, 23, 59, 0, TimeSpan.Zero)));
        // 1 Dec 08:00 in Tokyo is still 30 Nov in UTC.
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero),
            BudgetGuard.MonthStart(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.FromHours(9))));
    }
}
