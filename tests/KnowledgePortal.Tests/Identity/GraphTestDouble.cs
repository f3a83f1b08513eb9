using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace KnowledgePortal.Tests.Identity;

/// <summary>
/// A stand-in for the Microsoft identity platform token endpoint and Microsoft Graph, speaking their protocol on
/// 127.0.0.1: client credentials at POST /{tenant}/oauth2/v2.0/token, and POST /v1.0/users/{id}/getMemberObjects
/// (bearer token required, {"securityEnabledOnly": true} body, results paged with @odata.nextLink).
/// </summary>
public sealed class GraphTestDouble : IAsyncDisposable
{
    public const string Tenant = "tenant";
    public const string ClientId = "portal-app";
    public const string ClientSecret = "graph-double-secret-9d1f";
    public const string GraphScope = "https://graph.microsoft.com/.default";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, string[]> _memberships = new(StringComparer.OrdinalIgnoreCase);
    private int _tokenRequests;
    private int _memberRequests;
    private int _issued;

    private GraphTestDouble(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }
    public string TokenEndpoint => $"{BaseUrl}/{Tenant}/oauth2/v2.0/token";
    public int TokenRequests => Volatile.Read(ref _tokenRequests);
    public int MemberObjectsRequests => Volatile.Read(ref _memberRequests);
    /// <summary>Every access token handed out, to check none of them reaches a log.</summary>
    public ConcurrentBag<string> IssuedTokens { get; } = [];
    public int PageSize { get; set; } = 200;
    /// <summary>When set, getMemberObjects answers with this status code.</summary>
    public int? FailWithStatus { get; set; }
    public TimeSpan Delay { get; set; } = TimeSpan.Zero;
    /// <summary>When set, replaces the host of each @odata.nextLink (to check the bearer token never leaves Graph).</summary>
    public string? NextLinkBase { get; set; }

    public void SetMemberships(string userId, IEnumerable<string> objectIds) => _memberships[userId] = objectIds.ToArray();

    /// <summary>Users whose account is disabled: GET /v1.0/users/{id} answers accountEnabled false.</summary>
    public ConcurrentDictionary<string, bool> DisabledUsers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static async Task<GraphTestDouble> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        GraphTestDouble? self = null;
        var app = builder.Build();
        app.MapPost("/{tenant}/oauth2/v2.0/token", (string tenant, HttpContext http) => self!.TokenAsync(tenant, http));
        app.MapPost("/v1.0/users/{id}/getMemberObjects", (string id, HttpContext http) => self!.MemberObjectsAsync(id, http));
        app.MapGet("/v1.0/users/{id}", (string id, HttpContext http) => self!.User(id, http));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new GraphTestDouble(app, address.TrimEnd('/'));
        return self;
    }

    private async Task<IResult> TokenAsync(string tenant, HttpContext http)
    {
        Interlocked.Increment(ref _tokenRequests);
        if (!http.Request.HasFormContentType) return Results.BadRequest(new { error = "invalid_request" });
        var form = await http.Request.ReadFormAsync();
        if (tenant != Tenant) return Results.BadRequest(new { error = "invalid_tenant" });
        if (form["grant_type"] != "client_credentials") return Results.BadRequest(new { error = "unsupported_grant_type" });
        if (form["client_id"] != ClientId || form["client_secret"] != ClientSecret)
            return Results.Json(new { error = "invalid_client", error_description = "AADSTS7000215: Invalid client secret provided." }, statusCode: 401);
        if (form["scope"] != GraphScope) return Results.BadRequest(new { error = "invalid_scope" });
        var token = $"graph-double-token-{Interlocked.Increment(ref _issued)}-{Guid.NewGuid():N}";
        IssuedTokens.Add(token);
        return Results.Json(new Dictionary<string, object> { ["access_token"] = token, ["token_type"] = "Bearer", ["expires_in"] = 3600 });
    }

    /// <summary>GET /v1.0/users/{id}?$select=accountEnabled, as session revalidation reads it.</summary>
    private IResult User(string id, HttpContext http)
    {
        var auth = http.Request.Headers.Authorization.ToString();
        if (!auth.StartsWith("Bearer ", StringComparison.Ordinal) || !IssuedTokens.Contains(auth["Bearer ".Length..]))
            return Results.Json(new { error = new { code = "InvalidAuthenticationToken", message = "Access token is empty or invalid." } }, statusCode: 401);
        if (!_memberships.ContainsKey(id))
            return Results.Json(new { error = new { code = "Request_ResourceNotFound", message = $"Resource '{id}' does not exist." } }, statusCode: 404);
        return Results.Json(new Dictionary<string, object> { ["id"] = id, ["accountEnabled"] = !DisabledUsers.ContainsKey(id) });
    }

    private async Task<IResult> MemberObjectsAsync(string id, HttpContext http)
    {
        Interlocked.Increment(ref _memberRequests);
        if (Delay > TimeSpan.Zero) await Task.Delay(Delay, http.RequestAborted);
        var auth = http.Request.Headers.Authorization.ToString();
        if (!auth.StartsWith("Bearer ", StringComparison.Ordinal) || !IssuedTokens.Contains(auth["Bearer ".Length..]))
            return Results.Json(new { error = new { code = "InvalidAuthenticationToken", message = "Access token is empty or invalid." } }, statusCode: 401);
        if (FailWithStatus is { } status)
            return Results.Json(new { error = new { code = "generalException", message = "General exception while processing." } }, statusCode: status);

        using var body = await JsonDocument.ParseAsync(http.Request.Body);
        if (!body.RootElement.TryGetProperty("securityEnabledOnly", out var flag) || flag.ValueKind != JsonValueKind.True)
            return Results.BadRequest(new { error = new { code = "Request_BadRequest", message = "securityEnabledOnly is required." } });
        if (!_memberships.TryGetValue(id, out var all))
            return Results.Json(new { error = new { code = "Request_ResourceNotFound", message = $"Resource '{id}' does not exist." } }, statusCode: 404);

        var skip = int.TryParse(http.Request.Query["$skiptoken"], out var s) ? s : 0;
        var page = all.Skip(skip).Take(PageSize).ToArray();
        var result = new Dictionary<string, object>
        {
            ["@odata.context"] = $"{BaseUrl}/v1.0/$metadata#Collection(Edm.String)",
            ["value"] = page,
        };
        if (skip + page.Length < all.Length)
            result["@odata.nextLink"] = $"{NextLinkBase ?? BaseUrl}/v1.0/users/{Uri.EscapeDataString(id)}/getMemberObjects?$skiptoken={skip + page.Length}";
        return Results.Json(result);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>An ILogger that keeps what was logged, to assert on warnings and on what must never appear.</summary>
public sealed class ListLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();
    public string Text => string.Join("\n", Entries.Select(e => $"{e.Level}: {e.Message}"));
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, formatter(state, exception) + (exception is null ? "" : " " + exception)));
}
