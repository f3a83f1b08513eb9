using System.Globalization;
using KnowledgePortal.Core.Insights;
using KnowledgePortal.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KnowledgePortal.Web.Api;

public static class InsightsEndpoints
{
    /// <summary>Days covered when the query gives no dates.</summary>
    public const int DefaultDays = 30;

    public const string LedgerCsv = "/admin/insights/ledger.csv";
    public const string FeedbackCsv = "/quality/feedback.csv";
    public const string UnansweredCsv = "/quality/unanswered.csv";

    /// <summary>The query string of every export: the page's filters (UTC days, both inclusive; last 30 days by default).</summary>
    public sealed record ExportQuery(DateOnly? From, DateOnly? To, string? Provider, int? Group, int? Collection, Guid? Document)
    {
        public InsightsFilter Filter => ToFilter(From, To, Provider, Group, Collection, Document);
    }

    /// <summary>
    /// CSV exports, filtered like their pages (?from=yyyy-MM-dd&amp;to=yyyy-MM-dd&amp;provider=&amp;group=&amp;collection=&amp;document=).
    /// Cells are formula-safe. The ledger is for admins; feedback and unanswered questions for knowledge managers, within
    /// the collections they manage (admins: all).
    /// </summary>
    public static IEndpointRouteBuilder MapInsightsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(LedgerCsv, ExportLedgerAsync).WithName("ExportLedger").RequireAuthorization(Policies.Admin)
            .Produces<string>(StatusCodes.Status200OK, ExportFile.CsvContentType);
        app.MapGet(FeedbackCsv, ExportFeedbackAsync).WithName("ExportFeedback").RequireAuthorization(Policies.KnowledgeManager)
            .Produces<string>(StatusCodes.Status200OK, ExportFile.CsvContentType);
        app.MapGet(UnansweredCsv, ExportUnansweredAsync).WithName("ExportUnanswered").RequireAuthorization(Policies.KnowledgeManager)
            .Produces<string>(StatusCodes.Status200OK, ExportFile.CsvContentType);
        return app;
    }

    public static async Task<Results<FileContentHttpResult, ForbidHttpResult>> ExportLedgerAsync([AsParameters] ExportQuery q, Caller caller,
        InsightsQueries insights, HttpContext http, CancellationToken ct)
    {
        if (!caller.Access.IsAdmin) return TypedResults.Forbid();
        return Csv(http, "ledger", InsightsCsv.Ledger(await insights.LedgerAsync(q.Filter, ct: ct)));
    }

    public static async Task<FileContentHttpResult> ExportFeedbackAsync([AsParameters] ExportQuery q, Caller caller, InsightsQueries insights,
        HttpContext http, CancellationToken ct) =>
        Csv(http, "feedback", InsightsCsv.Feedback(await insights.FeedbackAsync(QualityScope.For(caller.Access), q.Filter, 100_000, ct)));

    public static async Task<FileContentHttpResult> ExportUnansweredAsync([AsParameters] ExportQuery q, Caller caller, InsightsQueries insights,
        HttpContext http, CancellationToken ct) =>
        Csv(http, "unanswered", InsightsCsv.Unanswered(await insights.UnansweredAsync(QualityScope.For(caller.Access), q.Filter, 100_000, ct)));

    private static FileContentHttpResult Csv(HttpContext http, string name, string csv) =>
        ExportFile.Csv(http, csv, ExportFile.StampedName(name, DateTime.UtcNow, "csv"));

    public static InsightsFilter ToFilter(DateOnly? from, DateOnly? to, string? provider, int? group, int? collection, Guid? document)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var end = to ?? today;
        var start = from ?? end.AddDays(1 - DefaultDays);
        if (start > end) (start, end) = (end, start);
        return new InsightsFilter(start, end, string.IsNullOrWhiteSpace(provider) ? null : provider, group, collection, document);
    }

    /// <summary>The link to an export (<see cref="LedgerCsv"/>, <see cref="FeedbackCsv"/>, <see cref="UnansweredCsv"/>) with a filter.</summary>
    public static string ExportUrl(string path, InsightsFilter f)
    {
        var query = new List<string>
        {
            "from=" + f.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            "to=" + f.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        if (!string.IsNullOrWhiteSpace(f.Provider)) query.Add("provider=" + Uri.EscapeDataString(f.Provider));
        if (f.GroupId is { } g) query.Add("group=" + g.ToString(CultureInfo.InvariantCulture));
        if (f.CollectionId is { } c) query.Add("collection=" + c.ToString(CultureInfo.InvariantCulture));
        if (f.DocumentId is { } d) query.Add("document=" + d);
        return path + "?" + string.Join("&", query);
    }
}
