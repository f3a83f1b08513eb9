using System.Text;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Audit;
using KnowledgePortal.Web.Auth;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Web.Api;

public static class AdminEndpoints
{
    /// <summary>
    /// GET /admin/audit.csv?from=yyyy-MM-dd&amp;to=yyyy-MM-dd&amp;actor=&amp;action=&amp;text= — the filtered audit trail as
    /// CSV (UTF-8 with BOM so spreadsheets read Japanese correctly). Dates are UTC days, both inclusive.
    /// </summary>
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/audit.csv", async (HttpContext http, DateOnly? from, DateOnly? to, string? actor, string? action, string? text,
                AccessAdministration admin, AccessResolver resolver, IOptions<SignInOptions> options, CancellationToken ct) =>
            {
                // The policy checked the role claim of the cookie; the live mapping decides.
                var user = await CurrentUser.ResolveAsync(http.User, resolver, options.Value, ct);
                if (!user.IsAdmin) return Results.Forbid();
                var csv = await admin.ExportAuditCsvAsync(user, ToFilter(from, to, actor, action, text), ct);
                http.Response.Headers.CacheControl = "no-store";
                var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv)).ToArray();
                return Results.File(bytes, "text/csv; charset=utf-8", $"audit-{DateTime.UtcNow:yyyyMMdd-HHmmss}.csv");
            })
            .RequireAuthorization(Policies.Admin);
        return app;
    }

    /// <summary>Whole UTC days: from the start of <paramref name="from"/> up to the end of <paramref name="to"/>.</summary>
    public static AuditFilter ToFilter(DateOnly? from, DateOnly? to, string? actor, string? action, string? text) => new(
        from?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) is { } f ? new DateTimeOffset(f) : null,
        to?.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) is { } t ? new DateTimeOffset(t) : null,
        string.IsNullOrWhiteSpace(actor) ? null : actor,
        string.IsNullOrWhiteSpace(action) ? null : action,
        string.IsNullOrWhiteSpace(text) ? null : text);

    /// <summary>The export link for a filter, as the audit page builds it.</summary>
    public static string ExportUrl(DateOnly? from, DateOnly? to, string? actor, string? action, string? text)
    {
        var query = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value)) query.Add($"{name}={Uri.EscapeDataString(value)}");
        }
        Add("from", from?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        Add("to", to?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        Add("actor", actor);
        Add("action", action);
        Add("text", text);
        return "/admin/audit.csv" + (query.Count == 0 ? "" : "?" + string.Join("&", query));
    }
}
