using System.Text;
using System.Text.Json.Nodes;
using KnowledgePortal.Core.Retrieval.Reranking;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace KnowledgePortal.Tests.Reranking;

/// <summary>One request the rerank test server received.</summary>
public sealed record RerankRequestRecord(string Path, string Body, string? Authorization);

/// <summary>
/// A real HTTP server (Kestrel on 127.0.0.1, random port) speaking one rerank protocol (<see cref="RerankApiFake"/>):
/// it checks every request's shape, scores the documents with <see cref="Scorer"/> and answers in a shuffled order.
/// A request of the wrong shape is answered 422 and listed in <see cref="Problems"/>.
/// </summary>
public sealed class RerankTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly object _gate = new();
    private readonly List<RerankRequestRecord> _requests = [];
    private readonly List<string> _problems = [];

    private RerankTestServer(WebApplication app, RerankProtocol protocol, string baseUrl)
    {
        _app = app;
        Protocol = protocol;
        BaseUrl = baseUrl;
    }

    public RerankProtocol Protocol { get; }

    /// <summary>e.g. "http://127.0.0.1:53124" (no trailing slash, no path).</summary>
    public string BaseUrl { get; }

    /// <summary>Relevance of a document to the query; default: the number after "score=" in the document, else 0.</summary>
    public Func<string, string, double> Scorer { get; set; } = (_, doc) => ScoreIn(doc);

    /// <summary>Seed of the answer order's shuffle.</summary>
    public int ShuffleSeed { get; set; } = 7;

    /// <summary>Answer only the first N results of the shuffled order (an API honouring a smaller top_n).</summary>
    public int? ReturnOnly { get; set; }

    /// <summary>Wait this long before answering.</summary>
    public TimeSpan? Delay { get; set; }

    /// <summary>Answer with this status and a JSON error body instead of results.</summary>
    public int? FailWith { get; set; }

    /// <summary>Answer with this raw body (status 200) instead of results.</summary>
    public string? RawResponse { get; set; }

    /// <summary>Bearer token the server requires, or null.</summary>
    public string? RequiredApiKey { get; set; }

    public IReadOnlyList<RerankRequestRecord> Requests
    {
        get { lock (_gate) return _requests.ToList(); }
    }

    public IReadOnlyList<string> Problems
    {
        get { lock (_gate) return _problems.ToList(); }
    }

    /// <summary>The documents of every request, in the order they were sent.</summary>
    public IReadOnlyList<IReadOnlyList<string>> ReceivedDocuments =>
        Requests.Select(r => RerankApiFake.Read(Protocol, JsonNode.Parse(r.Body)!.AsObject()).Documents).ToList();

    public static double ScoreIn(string doc)
    {
        var at = doc.IndexOf("score=", StringComparison.Ordinal);
        if (at < 0) return 0;
        var digits = new string(doc[(at + 6)..].TakeWhile(c => char.IsDigit(c) || c == '.').ToArray());
        return double.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task<RerankTestServer> StartAsync(RerankProtocol protocol)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(2));
        var app = builder.Build();
        RerankTestServer? server = null;
        app.Run(ctx => server!.HandleAsync(ctx));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new RerankTestServer(app, protocol, address.TrimEnd('/'));
        return server;
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(ctx.RequestAborted);
        var authorization = ctx.Request.Headers.Authorization.ToString();
        lock (_gate) _requests.Add(new RerankRequestRecord(ctx.Request.Path, body, authorization.Length == 0 ? null : authorization));

        var problem = Check(ctx, body, out var request);
        if (problem is not null)
        {
            lock (_gate) _problems.Add(problem);
            await WriteAsync(ctx, 422, new JsonObject { ["error"] = problem }.ToJsonString());
            return;
        }
        if (Delay is { } delay)
        {
            try
            {
                await Task.Delay(delay, ctx.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return; // the client gave up
            }
        }
        if (FailWith is { } status)
        {
            await WriteAsync(ctx, status, """{"error":"scripted failure"}""");
            return;
        }
        if (RawResponse is { } raw)
        {
            await WriteAsync(ctx, 200, raw);
            return;
        }

        var order = Enumerable.Range(0, request!.Documents.Count).ToArray();
        new Random(ShuffleSeed).Shuffle(order);
        var results = order.Take(ReturnOnly ?? order.Length).Select(i => (i, Scorer(request.Query, request.Documents[i]))).ToList();
        await WriteAsync(ctx, 200, RerankApiFake.Respond(Protocol, results, request.Model, request.Documents));
    }

    private string? Check(HttpContext ctx, string body, out RerankApiRequest? request)
    {
        request = null;
        if (!HttpMethods.IsPost(ctx.Request.Method)) return $"method {ctx.Request.Method}, expected POST";
        var path = RerankApiFake.PathOf(Protocol);
        if (ctx.Request.Path != path) return $"path {ctx.Request.Path}, expected {path}";
        if (ctx.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
            return $"content type {ctx.Request.ContentType}, expected application/json";
        if (RequiredApiKey is { } key && ctx.Request.Headers.Authorization.ToString() != "Bearer " + key)
            return "missing or wrong bearer token";
        JsonObject json;
        try
        {
            json = JsonNode.Parse(body)?.AsObject() ?? throw new InvalidOperationException();
        }
        catch (Exception)
        {
            return "body is not a JSON object";
        }
        var shape = RerankApiFake.Validate(Protocol, json);
        if (shape is not null) return shape;
        request = RerankApiFake.Read(Protocol, json);
        return null;
    }

    private static async Task WriteAsync(HttpContext ctx, int status, string json)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(json, ctx.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(timeout.Token);
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }
}
