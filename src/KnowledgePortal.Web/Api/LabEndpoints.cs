using System.Text.Json;
using System.Text.Json.Serialization;
using KnowledgePortal.Core.Lab;
using KnowledgePortal.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

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
        group.MapGet("/{id:guid}/export.csv", ExportCsvAsync).WithName("ExportLabRunCsv")
            .Produces<string>(StatusCodes.Status200OK, ExportFile.CsvContentType);
        group.MapGet("/{id:guid}/export.json", ExportJsonAsync).WithName("ExportLabRunJson")
            .Produces<LabRunView>(StatusCodes.Status200OK, "application/json");
        return app;
    }

    public static async Task<Results<FileContentHttpResult, ForbidHttpResult, NotFound>> ExportCsvAsync(Caller caller, Guid id, ModelLab lab,
        HttpContext http, CancellationToken ct) =>
        await LoadAsync(caller, id, lab, ct) switch
        {
            (false, _) => TypedResults.Forbid(),
            (_, null) => TypedResults.NotFound(),
            (_, { } run) => ExportFile.Csv(http, LabCsv.Format(run), FileName(run, "csv")),
        };

    public static async Task<Results<FileContentHttpResult, ForbidHttpResult, NotFound>> ExportJsonAsync(Caller caller, Guid id, ModelLab lab,
        HttpContext http, CancellationToken ct) =>
        await LoadAsync(caller, id, lab, ct) switch
        {
            (false, _) => TypedResults.Forbid(),
            (_, null) => TypedResults.NotFound(),
            (_, { } run) => ExportFile.Create(http, JsonSerializer.SerializeToUtf8Bytes(run, Json), "application/json; charset=utf-8", FileName(run, "json")),
        };

    /// <summary>The policy checked the role claim of the cookie; the live mapping (<see cref="Caller"/>) decides.</summary>
    private static async Task<(bool Allowed, LabRunView? Run)> LoadAsync(Caller caller, Guid id, ModelLab lab, CancellationToken ct) =>
        caller.Access.IsAdmin ? (true, await lab.LoadAsync(caller.Access, id, ct)) : (false, null);

    private static string FileName(LabRunView run, string extension) => ExportFile.StampedName("model-lab", run.Run.CreatedAt.UtcDateTime, extension);
}
