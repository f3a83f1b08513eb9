using KnowledgePortal.Core.Answering;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Insights;
using KnowledgePortal.Tests.Infrastructure;

namespace KnowledgePortal.Tests.Insights;

public sealed class BudgetAskFixture : IAsyncLifetime
{
    public TestServices Services { get; private set; } = null!;
    public async Task InitializeAsync() => Services = await TestServices.StartAsync("budget");
    public async Task DisposeAsync() => await Services.DisposeAsync();
}

/// <summary>Monthly caps enforced by AskService through BudgetGuard, with this month's spend written into usage_records.</summary>
[Trait(TestTier.Name, TestTier.Db)]
public class BudgetGuardAskTests(BudgetAskFixture fixture) : IClassFixture<BudgetAskFixture>
{
    private TestServices Services => fixture.Services;

    private async Task SpendAsync(string userId, int[] groups, decimal cost, int tokens)
    {
        await using var db = Services.Db.CreateContext();
        db.UsageRecords.Add(new UsageRecord
        {
            UserId = userId, GroupIds = groups, Provider = "P", Model = "m", Route = "cloud", Cost = cost, InputTokens = tokens,
        });
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task Ask_UserAtCostCap_RefusedWithMessageNamingTheCap()
    {
        var staff = await Services.UserAsync("staff");
        await using (var db = Services.Db.CreateContext())
        {
            db.Budgets.Add(new Budget { UserId = staff.UserId, MonthlyCostLimit = 2m });
            await db.SaveChangesAsync();
        }
        await SpendAsync(staff.UserId, staff.GroupIds, 2m, 10);

        var events = await Services.Get<AskService>().AskAsync(staff, new AskRequest("What should I bring on my first day?")).ToListAsync();

        var failed = Assert.IsType<AskFailed>(Assert.Single(events));
        var resumes = BudgetGuard.NextMonthStart(DateTimeOffset.UtcNow).ToString("d MMM", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal($"The monthly cost cap of $2.00 for your account is reached; asking resumes on {resumes}.", failed.Message);
    }

    [Fact]
    public async Task Ask_GroupAt85PercentOfTokenCap_WarnedInNoticeAndAnswered()
    {
        var hr = await Services.UserAsync("hr");
        var staff = await Services.UserAsync("staff");
        var hrGroup = hr.GroupIds.Except(staff.GroupIds).First();
        string groupName;
        await using (var db = Services.Db.CreateContext())
        {
            groupName = db.Groups.Single(g => g.Id == hrGroup).Name;
            db.Budgets.Add(new Budget { GroupId = hrGroup, MonthlyTokenLimit = 1000 });
            await db.SaveChangesAsync();
        }
        await SpendAsync("someone-else-in-hr", [hrGroup], 0m, 850);

        var events = await Services.Get<AskService>().AskAsync(hr, new AskRequest("How long can parental leave last?")).ToListAsync();

        var started = Assert.IsType<AskStarted>(events[0]);
        Assert.StartsWith($"85% of the monthly token cap of 1,000 tokens for group {groupName} is used", started.Notice);
        Assert.IsType<AskCompleted>(events[^1]);
        var status = await Services.Get<BudgetGuard>().CheckAsync(hr);
        Assert.Equal(BudgetLevel.Warning, status.Level);
        var near = await Services.Get<BudgetGuard>().AllUsageAsync();
        Assert.Contains(near, u => u.Scope == $"group {groupName}" && u.SpentTokens >= 850);
    }

    [Fact]
    public async Task Check_NoBudget_Allowed()
    {
        var km = await Services.UserAsync("km");
        Assert.Equal(BudgetLevel.Allowed, (await Services.Get<BudgetGuard>().CheckAsync(km)).Level);
    }

    [Fact]
    public async Task Budgets_SaveValidatesAndOnlyAdminsChange()
    {
        var guard = Services.Get<BudgetGuard>();
        var admin = await Services.UserAsync("admin");
        var staff = await Services.UserAsync("staff");

        Assert.Equal("BudgetScope", await guard.SaveAsync(admin, new Budget { MonthlyCostLimit = 1 }));
        Assert.Equal("BudgetScope", await guard.SaveAsync(admin, new Budget { GroupId = 1, UserId = "x", MonthlyCostLimit = 1 }));
        Assert.Equal("BudgetLimit", await guard.SaveAsync(admin, new Budget { UserId = "x" }));
        Assert.Equal("BudgetNegative", await guard.SaveAsync(admin, new Budget { UserId = "x", MonthlyTokenLimit = -1 }));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => guard.SaveAsync(staff, new Budget { UserId = "x", MonthlyCostLimit = 1 }));

        Assert.Null(await guard.SaveAsync(admin, new Budget { UserId = "crud-user", MonthlyCostLimit = 3 }));
        var saved = Assert.Single(await guard.ListAsync(), b => b.UserId == "crud-user");
        Assert.Null(await guard.SaveAsync(admin, new Budget { Id = saved.Id, UserId = "crud-user", MonthlyCostLimit = 4 }));
        Assert.Equal(4m, Assert.Single(await guard.ListAsync(), b => b.UserId == "crud-user").MonthlyCostLimit);
        await guard.DeleteAsync(admin, saved.Id);
        Assert.DoesNotContain(await guard.ListAsync(), b => b.UserId == "crud-user");
    }
}
