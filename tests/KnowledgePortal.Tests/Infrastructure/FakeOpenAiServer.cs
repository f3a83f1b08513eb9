using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace KnowledgePortal.Tests.Infrastructure;

/// <summary>One HTTP request the fake server received.</summary>
public sealed record RecordedRequest(string Method, string Path, string Body, DateTimeOffset ReceivedAt);

/// <summary>A parsed /v1/chat/completions request, handed to the responder.</summary>
/// <param name="CallIndex">0-based index among all chat requests (failed ones included).</param>
/// <param name="Model">The "model" field.</param>
/// <param name="Messages">Role and text of every message (multi-part text contents are concatenated).</param>
/// <param name="Stream">The "stream" field.</param>
/// <param name="IncludeUsage">stream_options.include_usage.</param>
/// <param name="Body">The raw JSON body.</param>
public sealed record ChatRequestInfo(
    int CallIndex,
    string Model,
    IReadOnlyList<(string Role, string Content)> Messages,
    bool Stream,
    bool IncludeUsage,
    string Body)
{
    /// <summary>Text of the last user message, or "".</summary>
    public string LastUserMessage => Messages.LastOrDefault(m => m.Role == "user").Content ?? string.Empty;
}

/// <summary>
/// A real OpenAI-compatible HTTP server (Kestrel on 127.0.0.1, random port) for tests: chat completions
/// (JSON and SSE streaming), embeddings (deterministic hash vectors), models. Every request is recorded;
/// answers, failures, delays and streaming speed are scriptable.
/// </summary>
public sealed partial class FakeOpenAiServer : IAsyncDisposable
{
    public const string DefaultAnswer = "Answer based on [1].";
    public const string DefaultModel = "test-model";

    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _gate = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly List<ChatRequestInfo> _chatRequests = [];
    private readonly ConcurrentQueue<int> _scriptedFailures = new();
    private int _chatCalls;
    private int _completionIds;

    private FakeOpenAiServer(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>e.g. "http://127.0.0.1:53124" (no trailing slash, no "/v1").</summary>
    public string BaseUrl { get; }

    /// <summary>Produces the assistant's answer text. Default: <see cref="DefaultAnswer"/>.</summary>
    public Func<ChatRequestInfo, string> Responder { get; set; } = _ => DefaultAnswer;

    /// <summary>Splits the answer into streamed pieces. Default: <see cref="SplitIntoTokens"/>.</summary>
    public Func<string, IReadOnlyList<string>> Tokenizer { get; set; } = SplitIntoTokens;

    /// <summary>Delay before each streamed piece.</summary>
    public TimeSpan TokenDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Delay before any response of chat/embeddings (use to exceed a client timeout). Null: none.</summary>
    public TimeSpan? ResponseDelay { get; set; }

    /// <summary>When set, every chat/embeddings request fails with this status code.</summary>
    public int? AlwaysFailWith { get; set; }

    /// <summary>Sent as retry-after-ms with 429/5xx failures, so client retries are quick.</summary>
    public int RetryAfterMilliseconds { get; set; } = 10;

    /// <summary>Stream a usage chunk even when stream_options.include_usage was not requested.</summary>
    public bool AlwaysIncludeStreamUsage { get; set; }

    /// <summary>Embedding dimension used when the request has no "dimensions".</summary>
    public int EmbeddingDimensions { get; set; } = 16;

    /// <summary>Model ids listed by GET /v1/models.</summary>
    public IReadOnlyList<string> Models { get; set; } = [DefaultModel, "test-embedding"];

    /// <summary>Snapshot of every request received, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get { lock (_gate) return _requests.ToList(); }
    }

    /// <summary>Snapshot of every chat completion request received, in arrival order.</summary>
    public IReadOnlyList<ChatRequestInfo> ChatRequests
    {
        get { lock (_gate) return _chatRequests.ToList(); }
    }

    /// <summary>The next <paramref name="times"/> chat/embeddings requests fail with <paramref name="statusCode"/>.</summary>
    public void FailNext(int statusCode, int times = 1)
    {
        for (var i = 0; i < times; i++)
            _scriptedFailures.Enqueue(statusCode);
    }

    /// <summary>Starts a server on a free port of 127.0.0.1.</summary>
    public static async Task<FakeOpenAiServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(2));
        var app = builder.Build();

        FakeOpenAiServer? server = null;
        app.MapPost("/v1/chat/completions", (RequestDelegate)(ctx => server!.HandleChatAsync(ctx)));
        app.MapPost("/v1/embeddings", (RequestDelegate)(ctx => server!.HandleEmbeddingsAsync(ctx)));
        app.MapGet("/v1/models", (RequestDelegate)(ctx => server!.HandleModelsAsync(ctx)));

        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.First();
        server = new FakeOpenAiServer(app, address.TrimEnd('/'));
        return server;
    }

    /// <summary>
    /// Default streaming split: each Latin/digit word or other single character, with its leading white space
    /// (trailing white space is its own piece). Concatenating the pieces gives the text back.
    /// </summary>
    public static IReadOnlyList<string> SplitIntoTokens(string text) =>
        TokenPattern().Matches(text).Select(m => m.Value).ToList();

    /// <summary>Token count the server reports for a text (number of <see cref="SplitIntoTokens"/> pieces).</summary>
    public static int CountTokens(string text) => SplitIntoTokens(text).Count;

    /// <summary>Prompt tokens the server reports for a chat request: sum of <see cref="CountTokens"/> over messages.</summary>
    public static int CountPromptTokens(IEnumerable<string> messageContents) => messageContents.Sum(CountTokens);

    /// <summary>
    /// The deterministic unit-length vector returned for <paramref name="input"/>: SHA-256 in counter mode mapped to
    /// [-1, 1], then normalised.
    /// </summary>
    public static float[] VectorFor(string input, int dimensions)
    {
        var vector = new float[dimensions];
        var inputBytes = Encoding.UTF8.GetBytes(input);
        var block = 0;
        for (var i = 0; i < dimensions; block++)
        {
            var seed = new byte[inputBytes.Length + 4];
            inputBytes.CopyTo(seed, 0);
            BitConverter.TryWriteBytes(seed.AsSpan(inputBytes.Length), block);
            var hash = SHA256.HashData(seed);
            for (var j = 0; j + 4 <= hash.Length && i < dimensions; j += 4, i++)
                vector[i] = BitConverter.ToUInt32(hash, j) / (float)uint.MaxValue * 2f - 1f;
        }
        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        if (norm > 0)
            for (var i = 0; i < dimensions; i++)
                vector[i] /= norm;
        return vector;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(timeout.Token);
        }
        finally
        {
            await _app.DisposeAsync();
            _stopping.Dispose();
        }
    }

    [GeneratedRegex(@"\s*(?:[A-Za-z0-9']+|\S)|\s+")]
    private static partial Regex TokenPattern();

    private async Task<string> RecordAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        lock (_gate)
            _requests.Add(new RecordedRequest(context.Request.Method, context.Request.Path, body, DateTimeOffset.UtcNow));
        return body;
    }

    /// <summary>Applies scripted failures and delays; true when the request has been answered (failed or aborted).</summary>
    private async Task<bool> FailOrDelayAsync(HttpContext context)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        if (ResponseDelay is { } delay)
        {
            try
            {
                await Task.Delay(delay, linked.Token);
            }
            catch (OperationCanceledException)
            {
                context.Abort();
                return true;
            }
        }

        int status;
        if (_scriptedFailures.TryDequeue(out var scripted))
            status = scripted;
        else if (AlwaysFailWith is { } always)
            status = always;
        else
            return false;

        context.Response.StatusCode = status;
        if (status == 429 || status >= 500)
        {
            context.Response.Headers["retry-after-ms"] = RetryAfterMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            context.Response.Headers.RetryAfter = "0";
        }
        var (type, message) = status switch
        {
            429 => ("rate_limit_error", "Rate limit reached (fake server)."),
            401 => ("authentication_error", "Invalid API key (fake server)."),
            400 => ("invalid_request_error", "Bad request (fake server)."),
            _ => ("server_error", $"Scripted failure {status} (fake server)."),
        };
        var error = new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = null, ["code"] = type },
        };
        await WriteJsonAsync(context, error);
        return true;
    }

    private async Task HandleChatAsync(HttpContext context)
    {
        var body = await RecordAsync(context);
        var info = ParseChatRequest(body, Interlocked.Increment(ref _chatCalls) - 1);
        lock (_gate)
            _chatRequests.Add(info);

        if (await FailOrDelayAsync(context))
            return;

        var answer = Responder(info);
        var pieces = Tokenizer(answer);
        var promptTokens = CountPromptTokens(info.Messages.Select(m => m.Content));
        var completionTokens = pieces.Count;
        var id = $"chatcmpl-fake-{Interlocked.Increment(ref _completionIds)}";
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        if (!info.Stream)
        {
            var response = new JsonObject
            {
                ["id"] = id,
                ["object"] = "chat.completion",
                ["created"] = created,
                ["model"] = info.Model,
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0,
                    ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = answer, ["refusal"] = null },
                    ["logprobs"] = null,
                    ["finish_reason"] = "stop",
                }),
                ["usage"] = Usage(promptTokens, completionTokens),
            };
            await WriteJsonAsync(context, response);
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        var token = linked.Token;
        try
        {
            await WriteEventAsync(context, Chunk(id, created, info.Model, new JsonObject { ["role"] = "assistant", ["content"] = "" }, null), token);
            foreach (var piece in pieces)
            {
                if (TokenDelay > TimeSpan.Zero)
                    await Task.Delay(TokenDelay, token);
                await WriteEventAsync(context, Chunk(id, created, info.Model, new JsonObject { ["content"] = piece }, null), token);
            }
            await WriteEventAsync(context, Chunk(id, created, info.Model, new JsonObject(), "stop"), token);
            if (info.IncludeUsage || AlwaysIncludeStreamUsage)
            {
                var usageChunk = new JsonObject
                {
                    ["id"] = id,
                    ["object"] = "chat.completion.chunk",
                    ["created"] = created,
                    ["model"] = info.Model,
                    ["choices"] = new JsonArray(),
                    ["usage"] = Usage(promptTokens, completionTokens),
                };
                await WriteEventAsync(context, usageChunk, token);
            }
            await context.Response.WriteAsync("data: [DONE]\n\n", token);
            await context.Response.Body.FlushAsync(token);
        }
        catch (OperationCanceledException)
        {
            // Client went away or the server is stopping.
        }
    }

    private async Task HandleEmbeddingsAsync(HttpContext context)
    {
        var body = await RecordAsync(context);
        if (await FailOrDelayAsync(context))
            return;

        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        var model = root.TryGetProperty("model", out var m) ? m.GetString() ?? "" : "";
        var dimensions = root.TryGetProperty("dimensions", out var d) && d.ValueKind == JsonValueKind.Number ? d.GetInt32() : EmbeddingDimensions;
        var base64 = root.TryGetProperty("encoding_format", out var f) && f.GetString() == "base64";

        var inputs = new List<string>();
        if (root.TryGetProperty("input", out var input))
        {
            if (input.ValueKind == JsonValueKind.String)
                inputs.Add(input.GetString()!);
            else if (input.ValueKind == JsonValueKind.Array)
                foreach (var item in input.EnumerateArray())
                    inputs.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : item.GetRawText());
        }

        var data = new JsonArray();
        for (var i = 0; i < inputs.Count; i++)
        {
            var vector = VectorFor(inputs[i], dimensions);
            JsonNode embedding;
            if (base64)
            {
                var bytes = new byte[vector.Length * sizeof(float)];
                Buffer.BlockCopy(vector, 0, bytes, 0, bytes.Length);
                if (!BitConverter.IsLittleEndian)
                    throw new PlatformNotSupportedException("The fake server writes little-endian floats.");
                embedding = JsonValue.Create(Convert.ToBase64String(bytes));
            }
            else
            {
                embedding = new JsonArray(vector.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
            }
            data.Add(new JsonObject { ["object"] = "embedding", ["index"] = i, ["embedding"] = embedding });
        }

        var tokens = inputs.Sum(CountTokens);
        var response = new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = model,
            ["usage"] = new JsonObject { ["prompt_tokens"] = tokens, ["total_tokens"] = tokens },
        };
        await WriteJsonAsync(context, response);
    }

    private async Task HandleModelsAsync(HttpContext context)
    {
        await RecordAsync(context);
        var data = new JsonArray(Models
            .Select(id => (JsonNode?)new JsonObject { ["id"] = id, ["object"] = "model", ["created"] = 0, ["owned_by"] = "fake" })
            .ToArray());
        await WriteJsonAsync(context, new JsonObject { ["object"] = "list", ["data"] = data });
    }

    private static ChatRequestInfo ParseChatRequest(string body, int callIndex)
    {
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        var model = root.TryGetProperty("model", out var m) ? m.GetString() ?? "" : "";
        var stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        var includeUsage = root.TryGetProperty("stream_options", out var so)
                           && so.ValueKind == JsonValueKind.Object
                           && so.TryGetProperty("include_usage", out var iu)
                           && iu.ValueKind == JsonValueKind.True;

        var messages = new List<(string Role, string Content)>();
        if (root.TryGetProperty("messages", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var message in list.EnumerateArray())
            {
                var role = message.TryGetProperty("role", out var r) ? r.GetString() ?? "" : "";
                var content = "";
                if (message.TryGetProperty("content", out var c))
                {
                    if (c.ValueKind == JsonValueKind.String)
                        content = c.GetString() ?? "";
                    else if (c.ValueKind == JsonValueKind.Array)
                        content = string.Concat(c.EnumerateArray()
                            .Where(p => p.TryGetProperty("text", out _))
                            .Select(p => p.GetProperty("text").GetString()));
                }
                messages.Add((role, content));
            }
        }
        return new ChatRequestInfo(callIndex, model, messages, stream, includeUsage, body);
    }

    private static JsonObject Usage(int prompt, int completion) => new()
    {
        ["prompt_tokens"] = prompt,
        ["completion_tokens"] = completion,
        ["total_tokens"] = prompt + completion,
    };

    private static JsonObject Chunk(string id, long created, string model, JsonObject delta, string? finishReason) => new()
    {
        ["id"] = id,
        ["object"] = "chat.completion.chunk",
        ["created"] = created,
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["delta"] = delta,
            ["logprobs"] = null,
            ["finish_reason"] = finishReason,
        }),
    };

    private static async Task WriteEventAsync(HttpContext context, JsonObject chunk, CancellationToken cancellationToken)
    {
        await context.Response.WriteAsync($"data: {chunk.ToJsonString()}\n\n", cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }

    private static async Task WriteJsonAsync(HttpContext context, JsonNode node)
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(node.ToJsonString(), context.RequestAborted);
    }
}
