using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Insights;
using KnowledgePortal.Tests.Infrastructure;

namespace KnowledgePortal.Tests.Insights;

/// <summary>Ledger, messages, citations, feedback and documents inserted directly; the SQL aggregates checked against PostgreSQL.</summary>
public sealed class InsightsDataFixture : IAsyncLifetime
{
    public static readonly DateOnly Day1 = new(2026, 3, 1);
    public static readonly DateOnly Day2 = new(2026, 3, 2);
    public static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    public TestServices Services { get; private set; } = null!;
    public InsightsQueries Queries => Services.Get<InsightsQueries>();
    public int Hr, Sales, Policies, Handbook;
    public Guid PolicyDoc, HandbookDoc, UnusedDoc;

    private static DateTimeOffset At(DateOnly day, int hour) => new(day.ToDateTime(new TimeOnly(hour, 0)), TimeSpan.Zero);

    public async Task InitializeAsync()
    {
        Services = await TestServices.StartAsync("insights", seedDemo: false);
        await using var db = Services.Db.CreateContext();
        var hr = new PortalGroup { Name = "HR" };
        var sales = new PortalGroup { Name = "Sales" };
        var policies = new Collection { Name = "Policies" };
        var handbook = new Collection { Name = "Handbook" };
        db.AddRange(hr, sales, policies, handbook);
        await db.SaveChangesAsync();
        (Hr, Sales, Policies, Handbook) = (hr.Id, sales.Id, policies.Id, handbook.Id);

        Document Doc(string title, int collection, DateOnly? due) => new()
        {
            Title = title, FileName = title + ".pdf", ContentType = "application/pdf", Sha256 = Guid.NewGuid().ToString("N"),
            UploadedBy = "admin", CollectionId = collection, ReviewDue = due,
        };
        var policyDoc = Doc("Travel policy", Policies, Today.AddDays(-3));
        var handbookDoc = Doc("Employee handbook", Handbook, Today.AddDays(10));
        var unusedDoc = Doc("Old memo", Policies, null);
        db.AddRange(policyDoc, handbookDoc, unusedDoc);
        (PolicyDoc, HandbookDoc, UnusedDoc) = (policyDoc.Id, handbookDoc.Id, unusedDoc.Id);

        var session = new ChatSession { UserId = "u1", Title = "t" };
        db.Add(session);
        // The asker of the first question read both collections (HR); the later ones only the handbook (Sales).
        int[] AskerOf(DateTimeOffset at) => at < At(Day2, 0) ? [Policies, Handbook] : [Handbook];
        ChatMessage Ask(string text, DateTimeOffset at) =>
            new() { SessionId = session.Id, Role = "user", Content = text, CreatedAt = at, AskerCollectionIds = AskerOf(at) };
        ChatMessage Answer(string text, DateTimeOffset at, string provider) =>
            new() { SessionId = session.Id, Role = "assistant", Content = text, CreatedAt = at.AddMicroseconds(1), Provider = provider, AskerCollectionIds = AskerOf(at) };

        var a1 = Answer("Economy class [1].", At(Day1, 10), "P1");
        a1.Citations =
        [
            new MessageCitation { Number = 1, ChunkId = 11, DocumentId = policyDoc.Id },
            new MessageCitation { Number = 2, ChunkId = 12, DocumentId = policyDoc.Id },
            new MessageCitation { Number = 3, ChunkId = 21, DocumentId = handbookDoc.Id },
        ];
        var a2 = Answer("Not covered.", At(Day2, 11), "P1");
        var a3 = Answer("Not covered.", At(Day2, 12), "P1");
        var a4 = Answer("Not covered.", At(Day2, 13), "P1");
        db.AddRange(
            Ask("Which class may I fly?", At(Day1, 10)), a1,
            Ask("How do I claim taxi expenses?", At(Day2, 11)), a2,
            Ask("how do I claim taxi expenses", At(Day2, 12)), a3,
            Ask("Where is the cafeteria menu for this week?", At(Day2, 13)), a4);

        UsageRecord Usage(DateTimeOffset at, string provider, decimal cost, int input, int output, int[] groups, int[] collections,
            int? first, int total, bool answered, string route, Guid? message) => new()
        {
            At = at, UserId = "u1", Provider = provider, Model = "m", Route = route, Cost = cost, InputTokens = input, OutputTokens = output,
            GroupIds = groups, CollectionIds = collections, FirstTokenMs = first, TotalMs = total, AnsweredFromSources = answered, MessageId = message,
        };
        db.UsageRecords.AddRange(
            Usage(At(Day1, 10), "P1", 0.10m, 100, 50, [Hr], [Policies, Handbook], 100, 1000, true, "cloud", a1.Id),
            Usage(At(Day2, 10), "P2", 0.20m, 200, 100, [Hr, Sales], [Handbook], 300, 3000, true, "cloud", null),
            Usage(At(Day2, 11), "P1", 0, 0, 0, [Sales], [], null, 500, false, "not-covered", a2.Id),
            Usage(At(Day2, 12), "P1", 0, 0, 0, [Sales], [], null, 500, false, "not-covered", a3.Id),
            Usage(At(Day2, 13), "P1", 0, 0, 0, [Sales], [], null, 500, false, "not-covered", a4.Id),
            Usage(At(Day1.AddDays(-30), 9), "P1", 5m, 1000, 1000, [Hr], [Policies], 50, 50, true, "cloud", null)); // outside the period
        await db.SaveChangesAsync();
        db.Feedback.AddRange(
            new Feedback { MessageId = a1.Id, UserId = "u1", Rating = 1, Comment = "Helpful", At = At(Day1, 11) },
            new Feedback { MessageId = a4.Id, UserId = "u2", Rating = -1, Comment = "No menu", At = At(Day2, 14) });
        // HR reads both collections; Sales reads and manages only the handbook.
        db.CollectionAccess.AddRange(
            new CollectionAccess { CollectionId = Policies, GroupId = Hr, Level = AccessLevel.Read },
            new CollectionAccess { CollectionId = Handbook, GroupId = Hr, Level = AccessLevel.Read },
            new CollectionAccess { CollectionId = Handbook, GroupId = Sales, Level = AccessLevel.Manage });
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await Services.DisposeAsync();
}

[Trait(TestTier.Name, TestTier.Db)]
public class InsightsQueriesTests(InsightsDataFixture data) : IClassFixture<InsightsDataFixture>
{
    private static readonly InsightsFilter Period = new(InsightsDataFixture.Day1, InsightsDataFixture.Day2);
    private InsightsQueries Q => data.Queries;

    [Fact]
    public async Task CostPerDay_GroupsByUtcDayAndProvider()
    {
        var rows = await Q.CostPerDayAsync(Period);

        Assert.Equal(
            [
                new DailyUsage(InsightsDataFixture.Day1, "P1", 0.10m, 100, 50),
                new DailyUsage(InsightsDataFixture.Day2, "P1", 0m, 0, 0),
                new DailyUsage(InsightsDataFixture.Day2, "P2", 0.20m, 200, 100),
            ], rows);
    }

    [Fact]
    public async Task CostPerDay_ByGroupAndByCollection_OneSeriesPerNameCountingSharedAnswersInEach()
    {
        var byGroup = await Q.CostPerDayAsync(Period, UsageDimension.Group);
        var byCollection = await Q.CostPerDayAsync(Period, UsageDimension.Collection);

        Assert.Equal(
            [
                new DailyUsage(InsightsDataFixture.Day1, "HR", 0.10m, 100, 50),
                new DailyUsage(InsightsDataFixture.Day2, "HR", 0.20m, 200, 100),
                new DailyUsage(InsightsDataFixture.Day2, "Sales", 0.20m, 200, 100),
            ], byGroup);
        Assert.Equal(
            [
                new DailyUsage(InsightsDataFixture.Day1, "Handbook", 0.10m, 100, 50),
                new DailyUsage(InsightsDataFixture.Day1, "Policies", 0.10m, 100, 50),
                new DailyUsage(InsightsDataFixture.Day2, "Handbook", 0.20m, 200, 100),
            ], byCollection);
    }

    [Fact]
    public async Task QuestionsPerDay_CountsLedgerRows()
    {
        var rows = await Q.QuestionsPerDayAsync(Period);

        Assert.Equal([new DailyCount(InsightsDataFixture.Day1, 1), new DailyCount(InsightsDataFixture.Day2, 4)], rows);
    }

    [Fact]
    public async Task AnswerShare_AnsweredVsNotCovered()
    {
        var share = await Q.AnswerShareAsync(Period);

        Assert.Equal(new AnswerShare(5, 2, 3), share);
        Assert.Equal(40, share.AnsweredPercent, 6);
    }

    [Fact]
    public async Task Filters_ProviderGroupAndCollection()
    {
        Assert.Equal(1, (await Q.AnswerShareAsync(Period with { Provider = "P2" })).Total);
        Assert.Equal(4, (await Q.AnswerShareAsync(Period with { GroupId = data.Sales })).Total);
        Assert.Equal(1, (await Q.AnswerShareAsync(Period with { CollectionId = data.Policies })).Total);
        Assert.Equal(6, (await Q.AnswerShareAsync(Period with { From = InsightsDataFixture.Day1.AddDays(-30) })).Total);
    }

    [Fact]
    public async Task ByGroup_UnnestsGroupIds()
    {
        var rows = await Q.ByGroupAsync(Period);

        Assert.Equal(
            [
                new UsageBreakdown(data.Hr, "HR", 2, 0.30m, 450),
                new UsageBreakdown(data.Sales, "Sales", 4, 0.20m, 300),
            ], rows);
    }

    [Fact]
    public async Task ByCollection_UnnestsCollectionIds()
    {
        var rows = await Q.ByCollectionAsync(Period);

        Assert.Equal(
            [
                new UsageBreakdown(data.Handbook, "Handbook", 2, 0.30m, 450),
                new UsageBreakdown(data.Policies, "Policies", 1, 0.10m, 150),
            ], rows);
    }

    [Fact]
    public async Task Latency_ContinuousPercentiles()
    {
        var latency = await Q.LatencyAsync(Period);

        Assert.Equal(5, latency.Count);
        Assert.Equal(500, latency.FirstTokenP50!.Value, 6); // of 100 300 500 500 500: a reply without a first token counts at its total
        Assert.Equal(500, latency.FirstTokenP95!.Value, 6);
        Assert.Equal(500, latency.TotalP50!.Value, 6); // of 500 500 500 1000 3000
        Assert.Equal(2600, latency.TotalP95!.Value, 6);
    }

    [Fact]
    public async Task Latency_NoRows_Nulls()
    {
        var latency = await Q.LatencyAsync(new InsightsFilter(new DateOnly(2020, 1, 1), new DateOnly(2020, 1, 2)));

        Assert.Equal(0, latency.Count);
        Assert.Null(latency.TotalP50);
    }

    /// <summary>An admin in HR: every collection, who asked, and answers from documents HR reads.</summary>
    private QualityScope AdminInHr => new([data.Hr], null, true);

    /// <summary>A knowledge manager in Sales, managing the handbook only.</summary>
    private QualityScope SalesManager => new([data.Sales], [data.Handbook], false);

    [Fact]
    public async Task Feedback_AdminWhoCanReadSources_NewestFirstWithQuestionAnswerAndSources()
    {
        var items = await Q.FeedbackAsync(AdminInHr, Period);

        Assert.Equal(["No menu", "Helpful"], items.Select(i => i.Comment));
        var item = items[1];
        Assert.Equal("Which class may I fly?", item.Question);
        Assert.Equal("Economy class [1].", item.Answer);
        Assert.Equal(["Travel policy", "Employee handbook"], item.Sources);
        Assert.Equal((1, "u1", false), (item.Rating, item.UserId, item.AnswerHidden));
    }

    [Fact]
    public async Task Feedback_FilteredByCollectionAndDocument()
    {
        Assert.Equal("Helpful", Assert.Single(await Q.FeedbackAsync(AdminInHr, Period with { CollectionId = data.Handbook })).Comment);
        Assert.Single(await Q.FeedbackAsync(AdminInHr, Period with { DocumentId = data.PolicyDoc }));
        Assert.Empty(await Q.FeedbackAsync(AdminInHr, Period with { DocumentId = data.UnusedDoc }));
        Assert.Empty(await Q.FeedbackAsync(AdminInHr, Period with { Provider = "P2" }));
        Assert.Equal("No menu", Assert.Single(await Q.FeedbackAsync(AdminInHr, Period with { From = InsightsDataFixture.Day2 })).Comment);
    }

    [Fact]
    public async Task Feedback_ViewerCannotReadOneSource_AnswerAndSourcesHidden()
    {
        // The answer cites the travel policy, which Sales cannot read: its text and titles stay in the database.
        var item = Assert.Single(await Q.FeedbackAsync(SalesManager, Period with { CollectionId = data.Handbook }));

        Assert.True(item.AnswerHidden);
        Assert.Null(item.Answer);
        Assert.Empty(item.Sources);
        // Its asker read the travel policy too: what they asked and wrote is theirs and HR's to read, not Sales'.
        Assert.Equal((QuestionPrivacy.Redacted, QuestionPrivacy.Redacted), (item.Question, item.Comment));
        var csv = InsightsCsv.Feedback([item]);
        Assert.DoesNotContain("Economy", csv);
        Assert.DoesNotContain("Which class", csv);
        Assert.DoesNotContain("Helpful", csv);
    }

    [Fact]
    public async Task Feedback_AdminInNoGroup_EveryAnswerWithSourcesHidden()
    {
        var items = await Q.FeedbackAsync(new QualityScope([], null, true), Period);

        Assert.Equal([false, true], items.Select(i => i.AnswerHidden)); // the not-covered answer had no sources
        Assert.Null(items[1].Answer);
    }

    [Fact]
    public async Task Feedback_KnowledgeManager_OwnCollectionsAndSourcelessAnswersOnly_WithoutUserIds()
    {
        var items = await Q.FeedbackAsync(SalesManager, Period);
        Assert.Equal(["No menu", QuestionPrivacy.Redacted], items.Select(i => i.Comment));
        Assert.All(items, i => Assert.Null(i.UserId));

        // A manager of another collection only sees feedback on answers without sources.
        var otherManager = new QualityScope([data.Hr], [data.Policies + data.Handbook + 100], false);
        Assert.Equal("No menu", Assert.Single(await Q.FeedbackAsync(otherManager, Period)).Comment);
        // A collection filter outside the scope finds nothing rather than everything.
        Assert.Empty(await Q.FeedbackAsync(otherManager, Period with { CollectionId = data.Policies }));
    }

    [Fact]
    public void QualityScope_For_ReaderRefused_KnowledgeManagerScopedToManagedCollections()
    {
        var reader = new KnowledgePortal.Core.Access.UserAccess("s", "staff", "Staff", [data.Sales], false, false, []);
        var manager = reader with { IsKnowledgeManager = true, ManagedCollectionIds = [data.Handbook] };
        var admin = reader with { IsKnowledgeManager = true, IsAdmin = true };

        Assert.Throws<UnauthorizedAccessException>(() => QualityScope.For(reader));
        Assert.Equal(new[] { data.Handbook }, QualityScope.For(manager).CollectionIds);
        Assert.False(QualityScope.For(manager).ShowUserIds);
        Assert.Null(QualityScope.For(admin).CollectionIds);
        Assert.True(QualityScope.For(admin).ShowUserIds);
    }

    [Fact]
    public async Task Unanswered_QuestionsNewestFirst_AndGroupedBySimilarity()
    {
        var questions = await Q.UnansweredAsync(AdminInHr, Period);
        Assert.Equal(["Where is the cafeteria menu for this week?", "how do I claim taxi expenses", "How do I claim taxi expenses?"],
            questions.Select(q => q.Question));
        Assert.All(questions, q => Assert.Equal("u1", q.UserId));

        var groups = await Q.UnansweredGroupsAsync(SalesManager, Period);
        Assert.Equal(2, groups.Count);
        Assert.Equal(("How do I claim taxi expenses?", 2), (groups[0].Representative, groups[0].Count));
        Assert.Equal(("Where is the cafeteria menu for this week?", 1), (groups[1].Representative, groups[1].Count));
        Assert.All(await Q.UnansweredAsync(SalesManager, Period), q => Assert.Null(q.UserId));
    }

    [Fact]
    public async Task Unanswered_ViewerWhoCannotReadWhatTheAskerCould_SeesQuestionsRedacted()
    {
        var nobody = new QualityScope([], null, true);

        var questions = await Q.UnansweredAsync(nobody, Period);

        Assert.Equal(3, questions.Count);
        Assert.All(questions, q => Assert.Equal(QuestionPrivacy.Redacted, q.Question));
        Assert.DoesNotContain("taxi", InsightsCsv.Unanswered(questions));
    }

    [Fact]
    public async Task StaleDocuments_ReviewDueBeforeToday_InScopeOnly()
    {
        var stale = Assert.Single(await Q.StaleDocumentsAsync(AdminInHr, InsightsDataFixture.Today));

        Assert.Equal(("Travel policy", "Policies"), (stale.Title, stale.Collection));
        Assert.Empty(await Q.StaleDocumentsAsync(AdminInHr, InsightsDataFixture.Today, data.Handbook));
        Assert.Empty(await Q.StaleDocumentsAsync(SalesManager, InsightsDataFixture.Today));
    }

    [Fact]
    public async Task MostAndNeverCited_InScopeOnly()
    {
        var most = await Q.MostCitedAsync(AdminInHr, Period);
        Assert.Equal(["Employee handbook", "Travel policy"], most.Select(d => d.Title)); // one answer each, by title
        Assert.All(most, d => Assert.Equal(1, d.Citations));
        Assert.Equal(["Employee handbook"], (await Q.MostCitedAsync(SalesManager, Period)).Select(d => d.Title));

        var never = Assert.Single(await Q.NeverCitedAsync(AdminInHr));
        Assert.Equal(data.UnusedDoc, never.Id);
        Assert.Empty(await Q.NeverCitedAsync(AdminInHr, data.Handbook));
        Assert.Empty(await Q.NeverCitedAsync(SalesManager));
    }

    [Fact]
    public async Task Ledger_RowsInPeriod_CsvFormulaSafe()
    {
        var rows = await Q.LedgerAsync(Period);

        Assert.Equal(5, rows.Count);
        Assert.Equal([data.Hr, data.Sales], rows[1].GroupIds);
        var csv = InsightsCsv.Ledger(rows);
        Assert.Equal(6, csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
