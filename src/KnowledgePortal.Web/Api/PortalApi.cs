using System.Security.Claims;
using System.Text.Json;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Answering;
using KnowledgePortal.Core.Retrieval;
using KnowledgePortal.Web.Auth;
using KnowledgePortal.Web.Components.Shared;
using KnowledgePortal.Web.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
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
            http.RequestServices.GetRequiredService<IOptions<SignInOptions>>().Value, http.RequestAborted);

    public static IEndpointRouteBuilder MapPortalApi(this IEndpointRouteBuilder app)
    {
        // JSON bodies and GETs only: cross-site forms cannot send them with our SameSite cookie, so no antiforgery token is needed.
        var api = app.MapGroup("/api").RequireAuthorization(Policies.Api).DisableAntiforgery().WithTags("KnowledgePortal");

        api.MapGet("/search", async (HttpContext http, HybridRetriever retriever, UserRateLimiter budget, IStringLocalizer<SharedResource> L, string q, int? top, [FromQuery(Name = "collection")] int[]? collections) =>
        {
            var user = await AccessAsync(http);
            if (!budget.TryAsk(user)) return BudgetSpent(http, L);
            var result = await retriever.SearchAsync(user, new SearchRequest(q, null, collections, Math.Clamp(top ?? 10, 1, 50)), http.RequestAborted);
            return Results.Ok(new { answerable = result.Answerable, results = result.Passages.Select(ToDto) });
        }).WithName("Search").Produces(StatusCodes.Status429TooManyRequests);

        api.MapPost("/ask", AskAsync).WithName("Ask")
            .Accepts<AskRequestDto>("application/json")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .Produces(StatusCodes.Status400BadRequest).Produces(StatusCodes.Status413PayloadTooLarge).Produces(StatusCodes.Status429TooManyRequests);

        api.MapGet("/sessions", async (HttpContext http, ChatHistory history) =>
            Results.Ok(await history.ListAsync(await AccessAsync(http), http.RequestAborted))).WithName("ListSessions");

        api.MapGet("/sessions/{id:guid}", async (HttpContext http, ChatHistory history, Guid id) =>
            await history.LoadAsync(await AccessAsync(http), id, http.RequestAborted) is { } messages
                ? Results.Ok(messages.Select(m => new { m.Id, m.Role, m.Content,
                    Html = m.Role == "assistant" ? SafeHtml(m.Content, m.Citations) : null, m.Provider, m.Route, m.At, m.Hidden,
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

    /// <summary>A question is a few sentences; the cap keeps one request from tying up memory and the model prompt.</summary>
    public const int MaxAskBodyBytes = 32 * 1024;

    private static async Task<IResult> AskAsync(HttpContext http, AskService ask, UserRateLimiter budget, IStringLocalizer<SharedResource> L)
    {
        var (body, error) = await ReadJsonAsync<AskRequestDto>(http, MaxAskBodyBytes);
        if (error is not null) return error;
        var user = await AccessAsync(http);
        if (!budget.TryAsk(user)) return BudgetSpent(http, L);

        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-store";
        await foreach (var e in ask.AskAsync(user, new AskRequest(body!.Question, body.SessionId, body.Provider, body.CollectionIds), http.RequestAborted))
        {
            var (name, payload) = e switch
            {
                // Text fields as before; the codes (Msg.<code> in strings.tsv) let a client word them in its own language.
                AskStarted s => ("started", (object)new { s.SessionId, s.Provider, s.Route, s.Notice, NoticeCodes = Codes(s.Notices) }),
                AskDelta d => ("delta", new { d.Text }),
                AskCompleted c => ("completed", new
                {
                    c.SessionId, c.MessageId, c.Answer, Html = SafeHtml(c.Answer, c.Citations), c.Provider, c.Model, c.Route, c.Answered, c.Usage, c.Notice,
                    NoticeCodes = Codes(c.Notices), AnswerCode = c.AnswerMessage?.Code,
                    Citations = c.Citations.Select(x => new { x.Number, Source = ToDto(x.Passage) }),
                }),
                AskFailed f => ("failed", new { f.Message, f.Detail.Code }),
                AskNotice n => ("notice", new { n.Notice, NoticeCodes = Codes(n.Notices) }),
                _ => ("unknown", new { }),
            };
            await http.Response.WriteAsync($"event: {name}\ndata: {JsonSerializer.Serialize(payload, Json)}\n\n", http.RequestAborted);
            await http.Response.Body.FlushAsync(http.RequestAborted);
        }
        return Results.Empty;
    }

    private static string[] Codes(IReadOnlyList<Core.Text.PortalMessage> messages) => messages.Select(m => m.Code).ToArray();

    /// <summary>
    /// The answer exactly as the chat page renders it (<see cref="AnswerMarkdown.ToSafeHtml"/>): no images, no links but
    /// the citations, which point to /api/sources/{chunkId}. Model Markdown is attacker-influenced (documents can carry
    /// prompt injection), so callers render this, never <c>answer</c>.
    /// </summary>
    public static string SafeHtml(string answer, IEnumerable<AnswerCitation> citations)
    {
        var byNumber = citations.GroupBy(c => c.Number).ToDictionary(g => g.Key, g => g.First().Passage.ChunkId);
        return AnswerMarkdown.ToSafeHtml(answer, n => byNumber.TryGetValue(n, out var chunkId) ? $"/api/sources/{chunkId}" : null);
    }

    private static IResult BudgetSpent(HttpContext http, IStringLocalizer<SharedResource> L)
    {
        http.Response.Headers.RetryAfter = "60";
        return Results.Json(new { error = L["RateLimited"].Value }, Json, statusCode: StatusCodes.Status429TooManyRequests);
    }

    /// <summary>
    /// Reads a JSON body of at most <paramref name="maxBytes"/>: a declared or streamed larger body is a 413 with a JSON
    /// error (model binding would turn it into an empty 400 or a logged I/O error), bad JSON a 400.
    /// </summary>
    private static async Task<(T? Body, IResult? Error)> ReadJsonAsync<T>(HttpContext http, int maxBytes) where T : class
    {
        IResult TooLarge() => Results.Json(new { error = $"The request body is larger than {maxBytes / 1024} KB." }, Json,
            statusCode: StatusCodes.Status413PayloadTooLarge);

        if (http.Request.ContentLength > maxBytes) return (null, TooLarge());
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = maxBytes;
        if (!http.Request.HasJsonContentType())
            return (null, Results.Json(new { error = "Send the body as application/json." }, Json, statusCode: StatusCodes.Status415UnsupportedMediaType));
        try
        {
            var body = await http.Request.ReadFromJsonAsync<T>(Json, http.RequestAborted);
            return body is null ? (null, Results.BadRequest(new { error = "The request body is empty." })) : (body, null);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge());
        }
        catch (JsonException)
        {
            return (null, Results.BadRequest(new { error = "The request body is not valid JSON." }));
        }
    }
}
