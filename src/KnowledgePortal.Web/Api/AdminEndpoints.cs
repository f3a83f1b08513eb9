using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Audit;
using KnowledgePortal.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KnowledgePortal.Web.Api;

public static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/audit.csv", ExportAuditAsync).WithName("ExportAudit").RequireAuthorization(Policies.Admin)
            .Produces<string>(StatusCodes.Status200OK, ExportFile.CsvContentType);
        return app;
    }

    /// <summary>
    /// GET /admin/audit.csv?from=yyyy-MM-dd&amp;to=yyyy-MM-dd&amp;actor=&amp;action=&amp;text= — the filtered audit trail as
    /// CSV. Dates are UTC days, both inclusive.
    /// </summary>
    public static async Task<Results<FileContentHttpResult, ForbidHttpResult>> ExportAuditAsync(Caller caller, DateOnly? from, DateOnly? to,
        string? actor, string? action, string? text, AccessAdministration admin, HttpContext http, CancellationToken ct)
    {
        if (!caller.Access.IsAdmin) return TypedResults.Forbid();
        var csv = await admin.ExportAuditCsvAsync(caller.Access, ToFilter(from, to, actor, action, text), ct);
        return ExportFile.Csv(http, csv, ExportFile.StampedName("audit", DateTime.UtcNow, "csv"));
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
