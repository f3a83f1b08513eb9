using System.Security.Claims;
using System.Text.Json;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Answering;
using KnowledgePortal.Core.Retrieval;
using KnowledgePortal.Web.Auth;
using KnowledgePortal.Web.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Web.Api;

public sealed record SearchHitDto(long ChunkId, Guid DocumentId, string Title, string FileName, string Collection, string Locator,
    int? Page, int? Slide, string? Sheet, string? CellRange, string? HeadingPath, double Score, string Text);

public sealed record AskRequestDto(string Question, Guid? SessionId, string? Provider, int[]? CollectionIds);

/// <summary>Thumbs up (1) or down (-1) on one of the caller's own answers, with an optional comment.</summary>
public sealed record FeedbackDto(int Rating, string? Comment);

/// <summary>
/// The REST API (described at /openapi/v1.json): search and streamed ask for other tools, authenticated like the portal.
/// Every endpoint resolves the caller's access afresh; nothing is cached across users.
/// </summary>
public static class PortalApi
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static SearchHitDto ToDto(RetrievedPassage p) => new(p.ChunkId, p.DocumentId, p.DocumentTitle, p.FileName, p.CollectionName,
        p.Locator.ToDisplay(), p.Locator.Page, p.Locator.Slide, p.Locator.Sheet, p.Locator.CellRange, p.Locator.HeadingPath, Math.Round(p.Score, 6), p.Text);

    private static Task<UserAccess> AccessAsync(HttpContext http) =>
        CurrentUser.ResolveAsync(http.User, http.RequestServices.GetRequiredService<AccessResolver>(),
            http.RequestServices.GetRequiredService<IOptions<Hosting.AuthenticationOptions>>().Value, http.RequestAborted);

    public static IEndpointRouteBuilder MapPortalApi(this IEndpointRouteBuilder app)
    {
        // JSON bodies and GETs only: cross-site forms cannot send them with our SameSite cookie, so no antiforgery token is needed.
        var api = app.MapGroup("/api").RequireAuthorization(Policies.Api).DisableAntiforgery().WithTags("KnowledgePortal");

        api.MapGet("/search", async (HttpContext http, HybridRetriever retriever, string q, int? top, [FromQuery(Name = "collection")] int[]? collections) =>
        {
            var user = await AccessAsync(http);
            var result = await retriever.SearchAsync(user, new SearchRequest(q, null, collections, Math.Clamp(top ?? 10, 1, 50)), http.RequestAborted);
            return Results.Ok(new { answerable = result.Answerable, results = result.Passages.Select(ToDto) });
        }).WithName("Search").RequireRateLimiting(PortalServices.AskRateLimit);

        api.MapPost("/ask", async (HttpContext http, AskService ask, AskRequestDto body) =>
        {
            var user = await AccessAsync(http);
            http.Response.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-store";
            await foreach (var e in ask.AskAsync(user, new AskRequest(body.Question, body.SessionId, body.Provider, body.CollectionIds), http.RequestAborted))
            {
                var (name, payload) = e switch
                {
                    AskStarted s => ("started", (object)new { s.SessionId, s.Provider, s.Route, s.Notice }),
                    AskDelta d => ("delta", new { d.Text }),
                    AskCompleted c => ("completed", new
                    {
                        c.SessionId, c.MessageId, c.Answer, c.Provider, c.Model, c.Route, c.Answered, c.Usage, c.Notice,
                        Citations = c.Citations.Select(x => new { x.Number, Source = ToDto(x.Passage) }),
                    }),
                    AskFailed f => ("failed", new { f.Message }),
                    _ => ("unknown", new { }),
                };
                await http.Response.WriteAsync($"event: {name}\ndata: {JsonSerializer.Serialize(payload, Json)}\n\n", http.RequestAborted);
                await http.Response.Body.FlushAsync(http.RequestAborted);
            }
        }).WithName("Ask").RequireRateLimiting(PortalServices.AskRateLimit);

        api.MapGet("/sessions", async (HttpContext http, ChatHistory history) =>
            Results.Ok(await history.ListAsync(await AccessAsync(http), http.RequestAborted))).WithName("ListSessions");

        api.MapGet("/sessions/{id:guid}", async (HttpContext http, ChatHistory history, Guid id) =>
            await history.LoadAsync(await AccessAsync(http), id, http.RequestAborted) is { } messages
                ? Results.Ok(messages.Select(m => new { m.Id, m.Role, m.Content, m.Provider, m.Route, m.At, m.Hidden,
                    Citations = m.Citations.Select(c => new { c.Number, Source = ToDto(c.Passage) }) }))
                : Results.NotFound()).WithName("GetSession");

        api.MapDelete("/sessions/{id:guid}", async (HttpContext http, ChatHistory history, Guid id) =>
            await history.DeleteAsync(await AccessAsync(http), id, http.RequestAborted) ? Results.NoContent() : Results.NotFound()).WithName("DeleteSession");

        api.MapPost("/messages/{id:guid}/feedback", async (HttpContext http, ChatHistory history, Guid id, FeedbackDto body) =>
            body.Rating is not (1 or -1) ? Results.BadRequest(new { error = "rating must be 1 (helpful) or -1 (not helpful)" })
            : await history.RateAsync(await AccessAsync(http), id, body.Rating, body.Comment, http.RequestAborted) ? Results.NoContent()
            : Results.NotFound()).WithName("RateAnswer");

        api.MapGet("/sources/{chunkId:long}", async (HttpContext http, SourceAccess sources, long chunkId) =>
        {
            var passages = await sources.ReadablePassagesAsync(await AccessAsync(http), [chunkId], http.RequestAborted);
            return passages.Count == 1 ? Results.Ok(ToDto(passages[0])) : Results.NotFound();
        }).WithName("GetSource");

        // The original file; permission is re-checked on every request, and "not readable" looks exactly like "missing".
        api.MapGet("/documents/{id:guid}/file", async (HttpContext http, SourceAccess sources, Guid id, bool? download) =>
        {
            var file = await sources.OriginalAsync(await AccessAsync(http), id, http.RequestAborted);
            if (file is null) return Results.NotFound();
            http.Response.Headers.CacheControl = "private, no-store";
            var inline = download != true && file.ContentType == "application/pdf";
            if (inline) http.Response.Headers.ContentDisposition = $"inline; filename*=UTF-8''{Uri.EscapeDataString(file.FileName)}";
            return inline ? Results.File(file.Content, file.ContentType) : Results.File(file.Content, file.ContentType, file.FileName);
        }).WithName("DownloadDocument");

        return app;
    }
}
