using System.Globalization;
using System.Text;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Insights;
using KnowledgePortal.Web.Auth;
using Microsoft.Extensions.Options;

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
    /// UTF-8 with BOM; cells are formula-safe. The ledger is for admins; feedback and unanswered questions for knowledge
    /// managers, within the collections they manage (admins: all).
    /// </summary>
    public static IEndpointRouteBuilder MapInsightsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(LedgerCsv, ([AsParameters] ExportQuery q, HttpContext http, InsightsQueries insights, CancellationToken ct) =>
                ExportAsync(http, "ledger", async user => user.IsAdmin
                    ? InsightsCsv.Ledger(await insights.LedgerAsync(q.Filter, ct: ct))
                    : throw new UnauthorizedAccessException()))
            .RequireAuthorization(Policies.Admin);
        app.MapGet(FeedbackCsv, ([AsParameters] ExportQuery q, HttpContext http, InsightsQueries insights, CancellationToken ct) =>
                ExportAsync(http, "feedback", async user => InsightsCsv.Feedback(await insights.FeedbackAsync(QualityScope.For(user), q.Filter, 100_000, ct))))
            .RequireAuthorization(Policies.KnowledgeManager);
        app.MapGet(UnansweredCsv, ([AsParameters] ExportQuery q, HttpContext http, InsightsQueries insights, CancellationToken ct) =>
                ExportAsync(http, "unanswered", async user => InsightsCsv.Unanswered(await insights.UnansweredAsync(QualityScope.For(user), q.Filter, 100_000, ct))))
            .RequireAuthorization(Policies.KnowledgeManager);
        return app;
    }

    /// <summary>
    /// Re-resolves the user (the policy checked the role claim of the cookie; the live mapping decides) and answers 403
    /// when <paramref name="build"/> refuses them with <see cref="UnauthorizedAccessException"/>.
    /// </summary>
    private static async Task<IResult> ExportAsync(HttpContext http, string name, Func<UserAccess, Task<string>> build)
    {
        var services = http.RequestServices;
        var user = await CurrentUser.ResolveAsync(http.User, services.GetRequiredService<AccessResolver>(),
            services.GetRequiredService<IOptions<SignInOptions>>().Value, http.RequestAborted);
        string csv;
        try
        {
            csv = await build(user);
        }
        catch (UnauthorizedAccessException)
        {
            return Results.Forbid();
        }
        http.Response.Headers.CacheControl = "no-store";
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv)).ToArray();
        return Results.File(bytes, "text/csv; charset=utf-8", $"{name}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.csv");
    }

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
