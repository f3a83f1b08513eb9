using System.Text.Json.Serialization;

namespace KnowledgePortal.Web.Api;

// The request and response bodies of /api, so /openapi/v1.json describes each one. JSON names are camelCase of the
// property names and are a contract for scripts: add properties, never rename them.

public sealed record SearchHitDto(long ChunkId, Guid DocumentId, string Title, string FileName, string Collection, string Locator,
    int? Page, int? Slide, string? Sheet, string? CellRange, string? HeadingPath, double Score, string Text);

/// <summary>GET /api/search: whether the question is covered by what the caller may read, and the ranked passages.</summary>
public sealed record SearchResponse(bool Answerable, IEnumerable<SearchHitDto> Results);

public sealed record AskRequestDto(string Question, Guid? SessionId, string? Provider, int[]? CollectionIds);

/// <summary>Thumbs up (1) or down (-1) on one of the caller's own answers, with an optional comment.</summary>
public sealed record FeedbackDto(int Rating, string? Comment);

/// <summary>Every error body of /api: one human-readable sentence.</summary>
public sealed record ErrorResponse(string Error);

/// <summary>A cited passage: the number used in the answer's [n] and the passage itself.</summary>
public sealed record CitationDto(int Number, SearchHitDto Source);

/// <summary>One message of a session; <c>html</c> (assistant messages only) is the answer to render.</summary>
public sealed record SessionMessageDto(Guid Id, string Role, string Content, string? Html, string? Provider, string? Route,
    DateTimeOffset At, bool Hidden, IEnumerable<CitationDto> Citations);

/// <summary>
/// The server-sent events of POST /api/ask: each message's <c>event:</c> line is the discriminator below and its
/// <c>data:</c> line the JSON of the matching record (without the discriminator).
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "event")]
[JsonDerivedType(typeof(AskStartedEvent), "started")]
[JsonDerivedType(typeof(AskDeltaEvent), "delta")]
[JsonDerivedType(typeof(AskCompletedEvent), "completed")]
[JsonDerivedType(typeof(AskFailedEvent), "failed")]
[JsonDerivedType(typeof(AskNoticeEvent), "notice")]
public abstract record AskStreamEvent
{
    private static readonly Dictionary<Type, string> Names = typeof(AskStreamEvent)
        .GetCustomAttributes(typeof(JsonDerivedTypeAttribute), false).Cast<JsonDerivedTypeAttribute>()
        .ToDictionary(a => a.DerivedType, a => (string)a.TypeDiscriminator!);

    /// <summary>The SSE event name, from the discriminators above (one list for the stream and its description).</summary>
    [JsonIgnore]
    public string EventName => Names[GetType()];
}

/// <summary>Text fields as worded for the question's language; the codes (Msg.&lt;code&gt; in strings.tsv) let a client word them itself.</summary>
public sealed record AskStartedEvent(Guid SessionId, string Provider, string Route, string? Notice, IReadOnlyList<string> NoticeCodes) : AskStreamEvent;

/// <summary>Raw Markdown from the model: never render it (see <see cref="AskCompletedEvent.Html"/>).</summary>
public sealed record AskDeltaEvent(string Text) : AskStreamEvent;

public sealed record AskCompletedEvent(Guid SessionId, Guid MessageId, string Answer, string Html, string Provider, string? Model,
    string Route, bool Answered, Core.Answering.AskUsage Usage, string? Notice, IReadOnlyList<string> NoticeCodes, string? AnswerCode,
    IEnumerable<CitationDto> Citations) : AskStreamEvent;

public sealed record AskFailedEvent(string Message, string Code) : AskStreamEvent;

public sealed record AskNoticeEvent(string Notice, IReadOnlyList<string> NoticeCodes) : AskStreamEvent;

/// <summary>POST /api/tokens: a name, the scopes ("search", "ask") and the lifetime in days (default Tokens:DefaultDays, at most Tokens:MaxDays).</summary>
public sealed record CreateTokenRequest(string Name, string[]? Scopes, int? Days);

/// <summary>A personal API token as listed; <c>status</c> is "active", "expired" or "revoked". The secret is never listed.</summary>
public sealed record ApiTokenDto(Guid Id, string Name, string Prefix, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
    DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, string? RevokedBy, string Owner, string Status);

/// <summary>The answer to POST /api/tokens: <c>token</c> is the secret, shown this once (send it as "Authorization: Bearer …").</summary>
public sealed record CreatedTokenDto(string Token, ApiTokenDto Details);
