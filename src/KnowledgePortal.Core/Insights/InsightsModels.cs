using KnowledgePortal.Core.Access;

namespace KnowledgePortal.Core.Insights;

/// <summary>
/// What the insights look at: whole UTC days <paramref name="From"/> to <paramref name="To"/> (both inclusive), and
/// optionally one provider, one group (any of the asker's groups) and one collection (any of the answer's sources).
/// </summary>
public sealed record InsightsFilter(DateOnly From, DateOnly To, string? Provider = null, int? GroupId = null, int? CollectionId = null,
    Guid? DocumentId = null)
{
    /// <summary>The last <paramref name="days"/> days up to today (UTC).</summary>
    public static InsightsFilter LastDays(int days, DateTimeOffset? now = null)
    {
        var today = DateOnly.FromDateTime((now ?? DateTimeOffset.UtcNow).UtcDateTime);
        return new InsightsFilter(today.AddDays(1 - days), today);
    }

    public DateTimeOffset FromInstant => new(From.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
    public DateTimeOffset ToExclusive => new(To.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}

/// <summary>What the cost and token charts are broken down by.</summary>
public enum UsageDimension { Provider, Group, Collection }

/// <summary>One day of one series (a provider, group or collection name).</summary>
public sealed record DailyUsage(DateOnly Day, string Series, decimal Cost, long InputTokens, long OutputTokens)
{
    public long Tokens => InputTokens + OutputTokens;
}

public sealed record DailyCount(DateOnly Day, long Questions);

/// <summary>Usage attributed to one group or collection (a question counts for each of its groups / source collections).</summary>
public sealed record UsageBreakdown(int Id, string Name, long Questions, decimal Cost, long Tokens);

public sealed record AnswerShare(long Total, long AnsweredFromSources, long NotCovered)
{
    public long Other => Math.Max(0, Total - AnsweredFromSources - NotCovered);
    public double AnsweredPercent => Total == 0 ? 0 : 100.0 * AnsweredFromSources / Total;
    public double NotCoveredPercent => Total == 0 ? 0 : 100.0 * NotCovered / Total;
}

public sealed record LatencyPercentiles(long Count, double? FirstTokenP50, double? FirstTokenP95, double? TotalP50, double? TotalP95);

/// <summary>
/// One piece of feedback. <paramref name="AnswerHidden"/>: the answer came from a document the viewer cannot read, so
/// <paramref name="Answer"/> is null and <paramref name="Sources"/> empty. <paramref name="UserId"/> is null for non-admins.
/// </summary>
public sealed record FeedbackItem(long Id, DateTimeOffset At, string? UserId, int Rating, string? Comment, string? Question, string? Answer,
    IReadOnlyList<string> Sources, bool AnswerHidden = false);

/// <summary>A question nothing readable covered; <paramref name="UserId"/> is null for non-admins.</summary>
public sealed record UnansweredQuestion(DateTimeOffset At, string? UserId, string Question);

/// <summary>
/// Whose view of the content-quality reports: answers are shown only when built from documents readable by
/// <paramref name="ReaderGroupIds"/>; rows are limited to <paramref name="CollectionIds"/> (null: every collection, for
/// admins); who asked is shown only when <paramref name="ShowUserIds"/>.
/// </summary>
public sealed record QualityScope(int[] ReaderGroupIds, int[]? CollectionIds, bool ShowUserIds)
{
    /// <summary>Admins see every collection and who asked; knowledge managers, the collections they manage.</summary>
    public static QualityScope For(UserAccess viewer)
    {
        if (!viewer.IsKnowledgeManager) throw new UnauthorizedAccessException("Content-quality reports are for knowledge managers and admins.");
        return viewer.IsAdmin ? new(viewer.GroupIds, null, true) : new(viewer.GroupIds, viewer.ManagedCollectionIds, false);
    }

    public bool Covers(int collectionId) => CollectionIds is null || CollectionIds.Contains(collectionId);
}

/// <summary>Similar unanswered questions: the first one seen stands for the group.</summary>
public sealed record QuestionGroup(string Representative, int Count, IReadOnlyList<string> Examples);

public sealed record StaleDocument(Guid Id, string Title, string FileName, string Collection, DateOnly ReviewDue);

public sealed record CitedDocument(Guid Id, string Title, string FileName, string Collection, long Citations);

public sealed record LedgerRow(long Id, DateTimeOffset At, string UserId, string Provider, string Model, string Route, int InputTokens,
    int OutputTokens, bool TokensEstimated, decimal Cost, int? FirstTokenMs, int TotalMs, bool AnsweredFromSources, int[] GroupIds,
    int[] CollectionIds);
