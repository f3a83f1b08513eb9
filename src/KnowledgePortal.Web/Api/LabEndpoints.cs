using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Lab;
using KnowledgePortal.Web.Auth;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Web.Api;

/// <summary>
/// Exports of a model-lab run, as the requesting admin may see it (answers built from passages they cannot read
/// are hidden): GET /admin/lab/runs/{id}/export.csv (UTF-8 with BOM, formula-safe cells) and /export.json.
/// </summary>
public static class LabEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static string ExportUrl(Guid runId, string format) => $"/admin/lab/runs/{runId}/export.{format}";

    public static IEndpointRouteBuilder MapLabEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/admin/lab/runs").RequireAuthorization(Policies.Admin);
        group.MapGet("/{id:guid}/export.csv", (HttpContext http, Guid id, ModelLab lab, AccessResolver resolver,
                IOptions<SignInOptions> options, CancellationToken ct) =>
            ExportAsync(http, id, lab, resolver, options.Value, ct, run =>
                (Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(LabCsv.Format(run))).ToArray(), "text/csv; charset=utf-8", "csv")));
        group.MapGet("/{id:guid}/export.json", (HttpContext http, Guid id, ModelLab lab, AccessResolver resolver,
                IOptions<SignInOptions> options, CancellationToken ct) =>
            ExportAsync(http, id, lab, resolver, options.Value, ct, run =>
                (JsonSerializer.SerializeToUtf8Bytes(run, Json), "application/json; charset=utf-8", "json")));
        return app;
    }

    private static async Task<IResult> ExportAsync(HttpContext http, Guid id, ModelLab lab, AccessResolver resolver,
        SignInOptions options, CancellationToken ct, Func<LabRunView, (byte[] Bytes, string ContentType, string Extension)> format)
    {
        // The policy checked the role claim of the cookie; the live mapping decides.
        var user = await CurrentUser.ResolveAsync(http.User, resolver, options, ct);
        if (!user.IsAdmin) return Results.Forbid();
        var run = await lab.LoadAsync(user, id, ct);
        if (run is null) return Results.NotFound();
        var (bytes, contentType, extension) = format(run);
        http.Response.Headers.CacheControl = "no-store";
        return Results.File(bytes, contentType, $"model-lab-{run.Run.CreatedAt.UtcDateTime:yyyyMMdd-HHmmss}.{extension}");
    }
}
