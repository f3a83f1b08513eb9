using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KnowledgePortal.Core.Domain;

namespace KnowledgePortal.Core.Retrieval.Reranking;

/// <summary>The rerank API answered, but not in its protocol's shape (missing array, bad or repeated index, bad score).</summary>
public sealed class RerankProtocolException(string message) : Exception(message);

/// <summary>
/// One adapter for the rerank APIs people run (<see cref="RerankProtocol"/>): the request is built and the response
/// parsed by pure per-protocol functions; scores are mapped by the returned index, never by position.
/// </summary>
/// <remarks>No retries: the stage's answer to a failure is the fused order, and a retry would spend the latency
/// budget the timeout exists to protect.</remarks>
public sealed class HttpReranker : IReranker
{
    /// <summary>Responses are small (indices and scores; some servers echo the documents); anything larger is refused.</summary>
    private const int MaxResponseBytes = 8 * 1024 * 1024;

    private readonly HttpClient _http;
    private readonly Uri _uri;
    private readonly RerankProtocol _protocol;
    private readonly string? _model;
    private readonly string? _apiKey;
    private readonly TimeSpan _timeout;

    public HttpReranker(HttpClient http, RerankProtocol protocol, Uri uri, string? model, string? apiKey, TimeSpan timeout, RerankerClearance clearance)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(clearance);
        if (timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), "The rerank timeout must be positive.");
        _http = http;
        _protocol = protocol;
        _uri = uri;
        _model = string.IsNullOrWhiteSpace(model) ? null : model.Trim();
        _apiKey = string.IsNullOrWhiteSpace(apiKey) ? null : apiKey;
        _timeout = timeout;
        Location = clearance.Location;
        MaxSensitivity = clearance.MaxSensitivity;
        Name = "http:" + Slug(protocol) + (_model is null ? "" : " " + _model);
    }

    public string Name { get; }

    public ProviderLocation Location { get; }

    public SensitivityLabel MaxSensitivity { get; }

    public async Task<IReadOnlyList<double>> ScoreAsync(string query, IReadOnlyList<string> passages, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(passages);
        if (passages.Count == 0) return [];

        using var request = new HttpRequestMessage(HttpMethod.Post, _uri)
        {
            Content = new StringContent(BuildRequestBody(_protocol, _model, query, passages), Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (_apiKey is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);

        // One deadline for sending and reading, so a server that trickles its body cannot hold the question either.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(_timeout);
        string json;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"The rerank API answered {(int)response.StatusCode}.", null, response.StatusCode);
            json = await ReadBoundedAsync(response.Content, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"timeout after {_timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s");
        }
        return ParseScores(_protocol, json, passages.Count);
    }

    /// <summary>Short protocol name used in <see cref="Name"/>.</summary>
    public static string Slug(RerankProtocol protocol) => protocol switch
    {
        RerankProtocol.CohereV1 => "cohere-v1",
        RerankProtocol.CohereV2 => "cohere-v2",
        RerankProtocol.Jina => "jina",
        RerankProtocol.Voyage => "voyage",
        RerankProtocol.VllmRerank => "vllm-rerank",
        RerankProtocol.VllmScore => "vllm-score",
        RerankProtocol.Tei => "tei",
        RerankProtocol.LlamaCpp => "llama-cpp",
        _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, null),
    };

    /// <summary>The path each protocol is served at, below the endpoint.</summary>
    public static string PathOf(RerankProtocol protocol) => protocol switch
    {
        RerankProtocol.CohereV2 => "/v2/rerank",
        RerankProtocol.VllmScore => "/score",
        RerankProtocol.Tei => "/rerank",
        RerankProtocol.CohereV1 or RerankProtocol.Jina or RerankProtocol.Voyage or RerankProtocol.VllmRerank or RerankProtocol.LlamaCpp => "/v1/rerank",
        _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, null),
    };

    /// <summary>The public API of a hosted service, used when Reranking:Endpoint is unset; null for self-hosted servers.</summary>
    public static string? DefaultEndpoint(RerankProtocol protocol) => protocol switch
    {
        RerankProtocol.CohereV1 or RerankProtocol.CohereV2 => "https://api.cohere.com",
        RerankProtocol.Jina => "https://api.jina.ai",
        RerankProtocol.Voyage => "https://api.voyageai.com",
        _ => null,
    };

    /// <summary>Whether the protocol's API rejects a request without a model.</summary>
    public static bool RequiresModel(RerankProtocol protocol) =>
        protocol is RerankProtocol.CohereV1 or RerankProtocol.CohereV2 or RerankProtocol.Jina or RerankProtocol.Voyage;

    /// <summary>
    /// Endpoint + the protocol's path. An endpoint that already ends with the path, or with its version segment
    /// (<c>http://vllm:8000/v1</c>, the form OpenAI-style clients are configured with), is not given it twice.
    /// </summary>
    public static Uri RequestUri(string endpoint, RerankProtocol protocol)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var trimmed = endpoint.Trim().TrimEnd('/');
        var path = PathOf(protocol);
        string url;
        if (trimmed.EndsWith(path, StringComparison.OrdinalIgnoreCase)) url = trimmed;
        else
        {
            var version = path.IndexOf('/', 1) is var slash and > 0 ? path[..slash] : null; // "/v1" of "/v1/rerank"
            url = version is not null && trimmed.EndsWith(version, StringComparison.OrdinalIgnoreCase)
                ? trimmed + path[version.Length..]
                : trimmed + path;
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"Reranking:Endpoint '{endpoint}' is not an absolute http(s) URL.", nameof(endpoint));
        return uri;
    }

    /// <summary>
    /// The JSON request of <paramref name="protocol"/>. Every API is asked for all results (top_n/top_k = count) and,
    /// where it would echo them, not to send the documents back.
    /// </summary>
    public static string BuildRequestBody(RerankProtocol protocol, string? model, string query, IReadOnlyList<string> documents)
    {
        var docs = new JsonArray(documents.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray());
        var body = new JsonObject();
        if (model is not null && protocol is not RerankProtocol.Tei) body["model"] = model; // TEI serves one model and takes none
        switch (protocol)
        {
            case RerankProtocol.CohereV1:
            case RerankProtocol.Jina:
                body["query"] = query;
                body["documents"] = docs;
                body["top_n"] = documents.Count;
                body["return_documents"] = false; // Jina echoes them by default
                break;
            case RerankProtocol.CohereV2:
            case RerankProtocol.VllmRerank:
            case RerankProtocol.LlamaCpp:
                body["query"] = query;
                body["documents"] = docs;
                body["top_n"] = documents.Count;
                break;
            case RerankProtocol.Voyage:
                body["query"] = query;
                body["documents"] = docs;
                body["top_k"] = documents.Count;
                body["truncation"] = true;
                break;
            case RerankProtocol.VllmScore:
                body["text_1"] = query;
                body["text_2"] = docs;
                break;
            case RerankProtocol.Tei:
                body["query"] = query;
                body["texts"] = docs;
                body["raw_scores"] = false;
                body["truncate"] = true; // a passage longer than the model's window is cut, not a 413
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(protocol), protocol, null);
        }
        return body.ToJsonString();
    }

    /// <summary>
    /// One score per sent document, by the returned index. Documents the API did not return get
    /// <see cref="double.NegativeInfinity"/> (last); an index outside the request or given twice, or a score that is not
    /// a finite number, is a <see cref="RerankProtocolException"/>.
    /// </summary>
    public static IReadOnlyList<double> ParseScores(RerankProtocol protocol, string json, int count)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            throw new RerankProtocolException("the response is not valid JSON");
        }

        var (arrayName, scoreName) = protocol switch
        {
            RerankProtocol.Tei => ((string?)null, "score"),
            RerankProtocol.VllmScore => ("data", "score"),
            RerankProtocol.Voyage => ("data", "relevance_score"),
            _ => ("results", "relevance_score"),
        };
        var items = arrayName is null ? root as JsonArray : (root as JsonObject)?[arrayName] as JsonArray;
        if (items is null)
            throw new RerankProtocolException(arrayName is null ? "the response is not a JSON array" : $"the response has no '{arrayName}' array");

        var scores = Enumerable.Repeat(double.NegativeInfinity, count).ToArray();
        var seen = new bool[count];
        foreach (var item in items)
        {
            if (item is not JsonObject result) throw new RerankProtocolException("a result is not a JSON object");
            if (result["index"] is not JsonValue indexValue || !indexValue.TryGetValue<int>(out var index))
                throw new RerankProtocolException("a result has no integer 'index'");
            if (index < 0 || index >= count)
                throw new RerankProtocolException($"a result has index {index}, outside the {count} documents sent");
            if (seen[index]) throw new RerankProtocolException($"index {index} is returned twice");
            if (result[scoreName] is not JsonValue scoreValue || !scoreValue.TryGetValue<double>(out var score) || !double.IsFinite(score))
                throw new RerankProtocolException($"the result for index {index} has no numeric '{scoreName}'");
            seen[index] = true;
            scores[index] = score;
        }
        return scores;
    }

    private static async Task<string> ReadBoundedAsync(HttpContent content, CancellationToken ct)
    {
        if (content.Headers.ContentLength > MaxResponseBytes)
            throw new RerankProtocolException($"the response is larger than {MaxResponseBytes / (1024 * 1024)} MB");
        await using var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxResponseBytes)
                throw new RerankProtocolException($"the response is larger than {MaxResponseBytes / (1024 * 1024)} MB");
            buffer.Write(chunk, 0, read);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
