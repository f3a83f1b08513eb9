using System.Text.Json;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Answering;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion;
using KnowledgePortal.Core.Ingestion.Extraction;
using KnowledgePortal.Core.Retrieval;
using KnowledgePortal.Web.Auth;
using KnowledgePortal.Web.Components.Shared;
using KnowledgePortal.Web.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace KnowledgePortal.Web.Api;

/// <summary>
/// The REST API (described at /openapi/v1.json): search and streamed ask for other tools, authenticated like the portal.
/// Every endpoint resolves the caller's access afresh; nothing is cached across users.
/// </summary>
public static class PortalApi
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static SearchHitDto ToDto(RetrievedPassage p) => new(p.ChunkId, p.DocumentId, p.DocumentTitle, p.FileName, p.CollectionName,
        p.Locator.ToDisplay(), p.Locator.Page, p.Locator.Slide, p.Locator.Sheet, p.Locator.CellRange, p.Locator.HeadingPath, Math.Round(p.Score, 6), p.Text);

    public static IEndpointRouteBuilder MapPortalApi(this IEndpointRouteBuilder app)
    {
        // JSON bodies and GETs only: cross-site forms cannot send them with our SameSite cookie, so no antiforgery token is needed.
        var api = app.MapGroup("/api").RequireAuthorization(Policies.Api).DisableAntiforgery().WithTags("KnowledgePortal");

        // A personal API token may call an endpoint only with the scope named here (TokenScopeRequirement).
        api.MapGet("/search", SearchAsync).WithName("Search").RequireTokenScope(ApiTokenScopes.Search)
            .Produces<ErrorResponse>(StatusCodes.Status429TooManyRequests);
        api.MapPost("/ask", AskAsync).WithName("Ask").RequireTokenScope(ApiTokenScopes.Ask)
            .WithDescription("Server-sent events: started, delta, completed (render its html), failed, notice; see AskStreamEvent.")
            // The body is read by hand (ReadJsonAsync) to answer 413 for oversize bodies, so it is described here.
            .Accepts<AskRequestDto>("application/json")
            .Produces<AskStreamEvent>(StatusCodes.Status200OK, "text/event-stream")
            .Produces<ErrorResponse>(StatusCodes.Status400BadRequest).Produces<ErrorResponse>(StatusCodes.Status413PayloadTooLarge)
            .Produces<ErrorResponse>(StatusCodes.Status415UnsupportedMediaType).Produces<ErrorResponse>(StatusCodes.Status429TooManyRequests);
        api.MapGet("/sessions", ListSessionsAsync).WithName("ListSessions").RequireTokenScope(ApiTokenScopes.Ask);
        api.MapGet("/sessions/{id:guid}", GetSessionAsync).WithName("GetSession").RequireTokenScope(ApiTokenScopes.Ask);
        api.MapDelete("/sessions/{id:guid}", DeleteSessionAsync).WithName("DeleteSession").RequireTokenScope(ApiTokenScopes.Ask);
        api.MapPost("/messages/{id:guid}/feedback", RateAnswerAsync).WithName("RateAnswer").RequireTokenScope(ApiTokenScopes.Ask);
        // Sources and originals are what answers cite, so either scope reads them (still only what the user may read).
        api.MapGet("/sources/{chunkId:long}", GetSourceAsync).WithName("GetSource").RequireTokenScope(ApiTokenScopes.Search, ApiTokenScopes.Ask);
        api.MapGet("/documents/{id:guid}/file", DownloadDocumentAsync).WithName("DownloadDocument").RequireTokenScope(ApiTokenScopes.Search, ApiTokenScopes.Ask)
            .Produces<Stream>(StatusCodes.Status200OK, "application/pdf", "application/octet-stream");
        return app;
    }

    public static async Task<Results<Ok<SearchResponse>, JsonHttpResult<ErrorResponse>>> SearchAsync(Caller caller, string q, int? top,
        [FromQuery(Name = "collection")] int[]? collections, HybridRetriever retriever, UserRateLimiter budget,
        IStringLocalizer<SharedResource> strings, HttpContext http, CancellationToken ct)
    {
        if (!budget.TryAsk(caller.Access)) return BudgetSpent(http, strings);
        var result = await retriever.SearchAsync(caller.Access, new SearchRequest(q, null, collections, Math.Clamp(top ?? 10, 1, 50)), ct);
        return TypedResults.Ok(new SearchResponse(result.Answerable, result.Passages.Select(ToDto)));
    }

    public static async Task<Ok<List<SessionSummary>>> ListSessionsAsync(Caller caller, ChatHistory history, CancellationToken ct) =>
        TypedResults.Ok(await history.ListAsync(caller.Access, ct));

    public static async Task<Results<Ok<IEnumerable<SessionMessageDto>>, NotFound>> GetSessionAsync(Caller caller, Guid id, ChatHistory history,
        CancellationToken ct) =>
        await history.LoadAsync(caller.Access, id, ct) is { } messages
            ? TypedResults.Ok(messages.Select(m => new SessionMessageDto(m.Id, m.Role, m.Content,
                m.Role == "assistant" ? SafeHtml(m.Content, m.Citations) : null, m.Provider, m.Route, m.At, m.Hidden, ToDtos(m.Citations))))
            : TypedResults.NotFound();

    public static async Task<Results<NoContent, NotFound>> DeleteSessionAsync(Caller caller, Guid id, ChatHistory history, CancellationToken ct) =>
        await history.DeleteAsync(caller.Access, id, ct) ? TypedResults.NoContent() : TypedResults.NotFound();

    public static async Task<Results<NoContent, NotFound, BadRequest<ErrorResponse>>> RateAnswerAsync(Caller caller, Guid id, FeedbackDto body,
        ChatHistory history, CancellationToken ct) =>
        body.Rating is not (1 or -1) ? TypedResults.BadRequest(new ErrorResponse("rating must be 1 (helpful) or -1 (not helpful)"))
        : await history.RateAsync(caller.Access, id, body.Rating, body.Comment, ct) ? TypedResults.NoContent()
        : TypedResults.NotFound();

    public static async Task<Results<Ok<SearchHitDto>, NotFound>> GetSourceAsync(Caller caller, long chunkId, SourceAccess sources, CancellationToken ct)
    {
        var passages = await sources.ReadablePassagesAsync(caller.Access, [chunkId], ct);
        return passages.Count == 1 ? TypedResults.Ok(ToDto(passages[0])) : TypedResults.NotFound();
    }

    /// <summary>The original file; permission is re-checked on every request, and "not readable" looks exactly like "missing".</summary>
    /// <summary>
    /// The current version's original; with <c>as=pdf</c> the document as PDF, shown inline — a PDF original, or an
    /// Office original rendered once per version (<see cref="OfficeRenditions"/>), behind the same permission.
    /// </summary>
    public static async Task<Results<FileContentHttpResult, NotFound>> DownloadDocumentAsync(Caller caller, Guid id, bool? download,
        [FromQuery(Name = "as")] string? asFormat, SourceAccess sources, OfficeRenditions renditions, HttpContext http, CancellationToken ct)
    {
        var file = asFormat == "pdf" ? await renditions.PdfAsync(caller.Access, id, ct) : await sources.OriginalAsync(caller.Access, id, ct);
        if (file is null) return TypedResults.NotFound();
        http.Response.Headers.CacheControl = "private, no-store";
        var inline = download != true && file.ContentType == DocumentFormats.Pdf.ContentType;
        if (inline) http.Response.Headers.ContentDisposition = $"inline; filename*=UTF-8''{Uri.EscapeDataString(file.FileName)}";
        return inline ? TypedResults.File(file.Content, file.ContentType) : TypedResults.File(file.Content, file.ContentType, file.FileName);
    }

    /// <summary>A question is a few sentences; the cap keeps one request from tying up memory and the model prompt.</summary>
    public const int MaxAskBodyBytes = 32 * 1024;

    public static async Task<Results<EmptyHttpResult, JsonHttpResult<ErrorResponse>>> AskAsync(Caller caller, AskService ask, UserRateLimiter budget, IStringLocalizer<SharedResource> strings,
        HttpContext http, CancellationToken ct)
    {
        var (body, error) = await ReadJsonAsync<AskRequestDto>(http, MaxAskBodyBytes);
        if (error is not null) return error;
        if (!budget.TryAsk(caller.Access)) return BudgetSpent(http, strings);

        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-store";
        await foreach (var e in ask.AskAsync(caller.Access, new AskRequest(body!.Question, body.SessionId, body.Provider, body.CollectionIds), ct))
        {
            var payload = ToStreamEvent(e);
            // Serialised as its own type: the event name goes on the SSE event line, not into the data.
            await http.Response.WriteAsync($"event: {payload.EventName}\ndata: {JsonSerializer.Serialize(payload, payload.GetType(), Json)}\n\n", ct);
            await http.Response.Body.FlushAsync(ct);
        }
        return TypedResults.Empty;
    }

    public static AskStreamEvent ToStreamEvent(AskEvent e) => e switch
    {
        AskStarted s => new AskStartedEvent(s.SessionId, s.Provider, s.Route, s.Notice, Codes(s.Notices)),
        AskDelta d => new AskDeltaEvent(d.Text),
        AskCompleted c => new AskCompletedEvent(c.SessionId, c.MessageId, c.Answer, SafeHtml(c.Answer, c.Citations), c.Provider, c.Model,
            c.Route, c.Answered, c.Usage, c.Notice, Codes(c.Notices), c.AnswerMessage?.Code, ToDtos(c.Citations)),
        AskFailed f => new AskFailedEvent(f.Message, f.Detail.Code),
        AskNotice n => new AskNoticeEvent(n.Notice, Codes(n.Notices)),
        _ => throw new InvalidOperationException($"{e.GetType().Name} has no server-sent event"),
    };

    private static string[] Codes(IReadOnlyList<Core.Text.PortalMessage> messages) => messages.Select(m => m.Code).ToArray();

    private static IEnumerable<CitationDto> ToDtos(IEnumerable<AnswerCitation> citations) => citations.Select(c => new CitationDto(c.Number, ToDto(c.Passage)));

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

    private static JsonHttpResult<ErrorResponse> BudgetSpent(HttpContext http, IStringLocalizer<SharedResource> strings)
    {
        http.Response.Headers.RetryAfter = "60";
        return TypedResults.Json(new ErrorResponse(strings["RateLimited"].Value), Json, statusCode: StatusCodes.Status429TooManyRequests);
    }

    /// <summary>
    /// Reads a JSON body of at most <paramref name="maxBytes"/>: a declared or streamed larger body is a 413 with a JSON
    /// error (model binding would turn it into an empty 400 or a logged I/O error), bad JSON a 400.
    /// </summary>
    private static async Task<(T? Body, JsonHttpResult<ErrorResponse>? Error)> ReadJsonAsync<T>(HttpContext http, int maxBytes) where T : class
    {
        JsonHttpResult<ErrorResponse> Error(int status, string message) => TypedResults.Json(new ErrorResponse(message), Json, statusCode: status);
        JsonHttpResult<ErrorResponse> TooLarge() => Error(StatusCodes.Status413PayloadTooLarge, $"The request body is larger than {maxBytes / 1024} KB.");

        if (http.Request.ContentLength > maxBytes) return (null, TooLarge());
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = maxBytes;
        if (!http.Request.HasJsonContentType()) return (null, Error(StatusCodes.Status415UnsupportedMediaType, "Send the body as application/json."));
        try
        {
            var body = await http.Request.ReadFromJsonAsync<T>(Json, http.RequestAborted);
            return body is null ? (null, Error(StatusCodes.Status400BadRequest, "The request body is empty.")) : (body, null);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge());
        }
        catch (JsonException)
        {
            return (null, Error(StatusCodes.Status400BadRequest, "The request body is not valid JSON."));
        }
    }
}
