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

    /// <summary>
    /// CSV exports, filtered like their pages: ?from=yyyy-MM-dd&amp;to=yyyy-MM-dd&amp;provider=&amp;group=&amp;collection=&amp;document=
    /// (UTC days, both inclusive; last 30 days by default). UTF-8 with BOM; cells are formula-safe.
    /// GET /admin/insights/ledger.csv (admins); /quality/feedback.csv and /quality/unanswered.csv (knowledge managers,
    /// within the collections they manage; admins, all).
    /// </summary>
    public static IEndpointRouteBuilder MapInsightsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/insights/ledger.csv", (HttpContext http, DateOnly? from, DateOnly? to, string? provider, int? group, int? collection,
                Guid? document, InsightsQueries insights, AccessResolver resolver, IOptions<Hosting.AuthenticationOptions> options, CancellationToken ct) =>
            ExportAsync(http, resolver, options.Value, "ledger", ct, async user => user.IsAdmin
                ? InsightsCsv.Ledger(await insights.LedgerAsync(ToFilter(from, to, provider, group, collection, document), ct: ct))
                : null))
            .RequireAuthorization(Policies.Admin);
        var quality = app.MapGroup("/quality").RequireAuthorization(Policies.KnowledgeManager);
        quality.MapGet("/feedback.csv", (HttpContext http, DateOnly? from, DateOnly? to, string? provider, int? group, int? collection, Guid? document,
                InsightsQueries insights, AccessResolver resolver, IOptions<Hosting.AuthenticationOptions> options, CancellationToken ct) =>
            ExportAsync(http, resolver, options.Value, "feedback", ct, async user => InsightsCsv.Feedback(
                await insights.FeedbackAsync(QualityScope.For(user), ToFilter(from, to, provider, group, collection, document), 100_000, ct))));
        quality.MapGet("/unanswered.csv", (HttpContext http, DateOnly? from, DateOnly? to, string? provider, int? group, int? collection, Guid? document,
                InsightsQueries insights, AccessResolver resolver, IOptions<Hosting.AuthenticationOptions> options, CancellationToken ct) =>
            ExportAsync(http, resolver, options.Value, "unanswered", ct, async user => InsightsCsv.Unanswered(
                await insights.UnansweredAsync(QualityScope.For(user), ToFilter(from, to, provider, group, collection, document), 100_000, ct))));
        return app;
    }

    /// <summary>
    /// Re-resolves the user (the policy checked the role claim of the cookie; the live mapping decides) and answers 403
    /// when <paramref name="build"/> refuses (null or <see cref="UnauthorizedAccessException"/>).
    /// </summary>
    private static async Task<IResult> ExportAsync(HttpContext http, AccessResolver resolver, Hosting.AuthenticationOptions options, string name,
        CancellationToken ct, Func<UserAccess, Task<string?>> build)
    {
        var user = await CurrentUser.ResolveAsync(http.User, resolver, options, ct);
        string? csv;
        try
        {
            csv = await build(user);
        }
        catch (UnauthorizedAccessException)
        {
            csv = null;
        }
        if (csv is null) return Results.Forbid();
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

    /// <summary>The export link for a filter and one of "ledger", "feedback", "unanswered".</summary>
    public static string ExportUrl(string kind, InsightsFilter f)
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
        var path = kind == "ledger" ? "/admin/insights" : "/quality";
        return $"{path}/{kind}.csv?" + string.Join("&", query);
    }
}
