using System.Globalization;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Audit;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Text;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Core.Insights;

public enum BudgetLevel { Allowed, Warning, Refused }

/// <summary>
/// The outcome of a budget check; <see cref="Message"/> names the cap that decided it (in the question's language),
/// <see cref="Detail"/> is the same for the UI to show in the reader's.
/// </summary>
public sealed record BudgetStatus(BudgetLevel Level, string? Message, PortalMessage? Detail = null)
{
    public static BudgetStatus Allowed { get; } = new(BudgetLevel.Allowed, null);
}

/// <summary>One cap with what was spent against it this month.</summary>
public sealed record BudgetUsage(Budget Budget, string Scope, decimal SpentCost, long SpentTokens)
{
    public double? CostRatio => Budget.MonthlyCostLimit is { } limit ? limit <= 0 ? double.PositiveInfinity : (double)(SpentCost / limit) : null;
    public double? TokenRatio => Budget.MonthlyTokenLimit is { } limit ? limit <= 0 ? double.PositiveInfinity : (double)SpentTokens / limit : null;
    /// <summary>The larger of the cost and token ratios (0 when the budget sets no limit).</summary>
    public double Ratio => Math.Max(CostRatio ?? 0, TokenRatio ?? 0);
}

/// <summary>
/// Monthly caps (calendar month, UTC) on cost and tokens, per user and per group, from the usage ledger. A user is
/// warned from 80% of any cap that applies to them and refused from 100% until the next month.
/// </summary>
public sealed class BudgetGuard(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider? clock = null)
{
    public const double WarningRatio = 0.8;

    private DateTimeOffset Now => (clock ?? TimeProvider.System).GetUtcNow();

    public static DateTimeOffset MonthStart(DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero);
    }

    public static DateTimeOffset NextMonthStart(DateTimeOffset now) => MonthStart(now).AddMonths(1);

    /// <summary>Whether <paramref name="user"/> may ask now, given the caps that apply to them; the message is in <paramref name="language"/> ("ja" or English).</summary>
    public async Task<BudgetStatus> CheckAsync(UserAccess user, string language = "en", CancellationToken ct = default)
    {
        var now = Now;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var budgets = await db.Budgets.AsNoTracking()
            .Where(b => b.UserId == user.UserId || (b.GroupId != null && user.GroupIds.Contains(b.GroupId.Value)))
            .ToListAsync(ct);
        budgets = budgets.Where(b => b.MonthlyCostLimit is not null || b.MonthlyTokenLimit is not null).ToList();
        if (budgets.Count == 0) return BudgetStatus.Allowed;
        // The asker reads "your account" rather than their own id.
        var usage = (await UsageAsync(db, budgets, now, ct)).Select(u => u.Budget.UserId is null ? u : u with { Scope = "your account" });
        return Evaluate(usage, now, language);
    }

    /// <summary>
    /// The decision from each applicable cap's spend: refused when any cap is reached, warned when any is at 80% or more
    /// (the message names the fullest cap), else allowed.
    /// </summary>
    public static BudgetStatus Evaluate(IEnumerable<BudgetUsage> usage, DateTimeOffset now, string language = "en")
    {
        var caps = usage.SelectMany(Caps).OrderByDescending(c => c.Ratio).ToList();
        if (caps.Count == 0) return BudgetStatus.Allowed;
        var top = caps[0];
        var level = top.Ratio >= 1 ? BudgetLevel.Refused : top.Ratio >= WarningRatio ? BudgetLevel.Warning : BudgetLevel.Allowed;
        if (level == BudgetLevel.Allowed) return BudgetStatus.Allowed;
        var english = English(top, now, level);
        var detail = Message(top, now, level, english);
        return new BudgetStatus(level, language == "ja" ? Japanese(top, now, level) : english, detail);
    }

    private static string English((string Kind, string Limit, string Scope, double Ratio, BudgetUsage Usage) top, DateTimeOffset now, BudgetLevel level)
    {
        var resumes = NextMonthStart(now).ToString("d MMM", CultureInfo.InvariantCulture);
        return level == BudgetLevel.Refused
            ? $"The monthly {top.Kind} cap of {top.Limit} for {top.Scope} is reached; asking resumes on {resumes}."
            : $"{Percent(top.Ratio)}% of the monthly {top.Kind} cap of {top.Limit} for {top.Scope} is used; asking stops at 100% until {resumes}.";
    }

    private static string Japanese((string Kind, string Limit, string Scope, double Ratio, BudgetUsage Usage) top, DateTimeOffset now, BudgetLevel level)
    {
        var resumes = NextMonthStart(now).ToString("M月d日", CultureInfo.InvariantCulture);
        var scope = top.Usage.Budget.UserId is not null ? "あなたのアカウント" : $"グループ「{GroupName(top.Scope)}」";
        var cap = top.Kind == "cost" ? $"月間コスト上限（{top.Limit}）" : $"月間トークン上限（{top.Usage.Budget.MonthlyTokenLimit!.Value.ToString("N0", CultureInfo.InvariantCulture)} トークン）";
        return level == BudgetLevel.Refused
            ? $"{scope}の{cap}に達しました。{resumes}から再び質問できます。"
            : $"{scope}の{cap}の {Percent(top.Ratio)}% を使用しました。100% に達すると{resumes}まで質問できません。";
    }

    /// <summary>
    /// The decision as a message the UI translates: "Budget.{Refused|Warning}{User|Group}{Cost|Tokens}", with the limit,
    /// the group, the percentage used and the month and day asking resumes as arguments.
    /// </summary>
    private static PortalMessage Message((string Kind, string Limit, string Scope, double Ratio, BudgetUsage Usage) top, DateTimeOffset now,
        BudgetLevel level, string english)
    {
        var resumes = NextMonthStart(now);
        var code = "Budget." + level + (top.Usage.Budget.UserId is not null ? "User" : "Group") + (top.Kind == "cost" ? "Cost" : "Tokens");
        var limit = top.Kind == "cost" ? top.Limit : top.Usage.Budget.MonthlyTokenLimit!.Value.ToString("N0", CultureInfo.InvariantCulture);
        return PortalMessage.Worded(code, english, ("limit", limit), ("group", GroupName(top.Scope)), ("percent", Percent(top.Ratio)),
            ("month", resumes.Month), ("day", resumes.Day));
    }

    private static string GroupName(string scope) => scope.StartsWith("group ", StringComparison.Ordinal) ? scope[6..] : scope;

    private static string Percent(double ratio) => Math.Floor(ratio * 100).ToString(CultureInfo.InvariantCulture);

    private static IEnumerable<(string Kind, string Limit, string Scope, double Ratio, BudgetUsage Usage)> Caps(BudgetUsage u)
    {
        if (u.CostRatio is { } cost) yield return ("cost", FormatCost(u.Budget.MonthlyCostLimit!.Value), u.Scope, cost, u);
        if (u.TokenRatio is { } tokens)
            yield return ("token", u.Budget.MonthlyTokenLimit!.Value.ToString("N0", CultureInfo.InvariantCulture) + " tokens", u.Scope, tokens, u);
    }

    public static string FormatCost(decimal amount) => "$" + amount.ToString("N2", CultureInfo.InvariantCulture);

    /// <summary>Every budget with this month's spend against it, fullest first (the "who is near the cap" list).</summary>
    public async Task<List<BudgetUsage>> AllUsageAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var budgets = await db.Budgets.AsNoTracking().OrderBy(b => b.Id).ToListAsync(ct);
        return (await UsageAsync(db, budgets, Now, ct)).OrderByDescending(u => u.Ratio).ThenBy(u => u.Scope).ToList();
    }

    private static async Task<List<BudgetUsage>> UsageAsync(PortalDbContext db, List<Budget> budgets, DateTimeOffset now, CancellationToken ct)
    {
        var from = MonthStart(now);
        var to = NextMonthStart(now);
        var month = db.UsageRecords.Where(u => u.At >= from && u.At < to);
        var userIds = budgets.Where(b => b.UserId != null).Select(b => b.UserId!).Distinct().ToList();
        var groupIds = budgets.Where(b => b.GroupId != null).Select(b => b.GroupId!.Value).Distinct().ToList();

        var byUser = userIds.Count == 0 ? [] : await month.Where(u => userIds.Contains(u.UserId))
            .GroupBy(u => u.UserId)
            .Select(g => new { Id = g.Key, Cost = g.Sum(u => u.Cost), Tokens = g.Sum(u => (long)u.InputTokens + u.OutputTokens) })
            .ToDictionaryAsync(x => x.Id, x => (x.Cost, x.Tokens), ct);
        var byGroup = new Dictionary<int, (decimal Cost, long Tokens)>();
        foreach (var groupId in groupIds)
        {
            var spent = await month.Where(u => u.GroupIds.Contains(groupId))
                .GroupBy(u => 1)
                .Select(g => new { Cost = g.Sum(u => u.Cost), Tokens = g.Sum(u => (long)u.InputTokens + u.OutputTokens) })
                .FirstOrDefaultAsync(ct);
            byGroup[groupId] = spent is null ? (0, 0) : (spent.Cost, spent.Tokens);
        }
        var groupNames = groupIds.Count == 0 ? [] : await db.Groups.Where(g => groupIds.Contains(g.Id)).ToDictionaryAsync(g => g.Id, g => g.Name, ct);

        var result = new List<BudgetUsage>();
        foreach (var b in budgets)
        {
            if (b.UserId is { } userId)
            {
                var (cost, tokens) = byUser.GetValueOrDefault(userId);
                result.Add(new BudgetUsage(b, $"user {userId}", cost, tokens));
            }
            else if (b.GroupId is { } groupId)
            {
                var (cost, tokens) = byGroup.GetValueOrDefault(groupId);
                result.Add(new BudgetUsage(b, $"group {groupNames.GetValueOrDefault(groupId) ?? "#" + groupId}", cost, tokens));
            }
        }
        return result;
    }

    public async Task<List<Budget>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Budgets.AsNoTracking().OrderBy(b => b.Id).ToListAsync(ct);
    }

    /// <summary>
    /// Creates or updates a budget (admins only); exactly one of group and user, and at least one limit. Returns null, or
    /// an error code for the UI to localise: BudgetScope, BudgetLimit, BudgetNegative, BudgetGone.
    /// </summary>
    public async Task<string?> SaveAsync(UserAccess actor, Budget budget, CancellationToken ct = default)
    {
        if (!actor.IsAdmin) throw new UnauthorizedAccessException();
        var userId = string.IsNullOrWhiteSpace(budget.UserId) ? null : budget.UserId.Trim();
        if ((budget.GroupId is null) == (userId is null)) return "BudgetScope";
        if (budget.MonthlyCostLimit is null && budget.MonthlyTokenLimit is null) return "BudgetLimit";
        if (budget.MonthlyCostLimit < 0 || budget.MonthlyTokenLimit < 0) return "BudgetNegative";
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var existing = budget.Id == 0 ? null : await db.Budgets.FirstOrDefaultAsync(b => b.Id == budget.Id, ct);
        if (budget.Id != 0 && existing is null) return "BudgetGone";
        if (existing is null) db.Budgets.Add(existing = new Budget());
        existing.GroupId = budget.GroupId;
        existing.UserId = userId;
        existing.MonthlyCostLimit = budget.MonthlyCostLimit;
        existing.MonthlyTokenLimit = budget.MonthlyTokenLimit;
        await db.SaveChangesAsync(ct);
        AuditLog.Add(db, actor.UserName, "budget-save", "budget", existing.Id.ToString(CultureInfo.InvariantCulture),
            new { existing.GroupId, existing.UserId, existing.MonthlyCostLimit, existing.MonthlyTokenLimit });
        await db.SaveChangesAsync(ct);
        return null;
    }

    public async Task DeleteAsync(UserAccess actor, int budgetId, CancellationToken ct = default)
    {
        if (!actor.IsAdmin) throw new UnauthorizedAccessException();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var deleted = await db.Budgets.Where(b => b.Id == budgetId).ExecuteDeleteAsync(ct);
        if (deleted == 0) return;
        AuditLog.Add(db, actor.UserName, "budget-delete", "budget", budgetId.ToString(CultureInfo.InvariantCulture));
        await db.SaveChangesAsync(ct);
    }
}
