using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;

namespace KnowledgePortal.Core.Ingestion.Embedding;

/// <summary>Creates the configured <see cref="IEmbeddingGenerator{TInput,TEmbedding}"/>.</summary>
public static class EmbeddingGeneratorFactory
{
    /// <summary>
    /// Builds the generator for <paramref name="options"/>:
    /// <list type="bullet">
    /// <item><b>Builtin</b> → <see cref="HashingEmbeddingGenerator"/> (<see cref="EmbeddingOptions.Dimensions"/>, if set, must be 384).</item>
    /// <item><b>Onnx</b> → <see cref="OnnxEmbeddingGenerator"/> over <see cref="EmbeddingOptions.OnnxModelPath"/> with
    /// <see cref="EmbeddingOptions.Onnx"/> (model id = <see cref="EmbeddingOptions.Model"/> or the folder name;
    /// <see cref="EmbeddingOptions.Dimensions"/>, if set, must equal the model's output size).</item>
    /// <item><b>OpenAI</b> / <b>OpenAICompatible</b> → the OpenAI SDK's embedding client at
    /// <see cref="EmbeddingOptions.Endpoint"/> (OpenAI's default endpoint when unset for OpenAI; required for compatible
    /// servers, which may run without an API key).</item>
    /// <item><b>AzureOpenAI</b> → the same OpenAI SDK client pointed at the resource's OpenAI-compatible v1 API,
    /// <c>{Endpoint}/openai/v1/</c>, authenticating with the resource key. The v1 API needs no api-version and
    /// accepts the key as a bearer token, so no separate Azure SDK is required; <see cref="EmbeddingOptions.Model"/> is
    /// the deployment name.</item>
    /// </list>
    /// <para>HTTP providers send through <paramref name="http"/> when given — the caller then owns its retry handling
    /// and should include a <see cref="RetryingHttpHandler"/> in its handler chain (e.g. an HttpClientFactory client with
    /// <c>AddHttpMessageHandler</c>). Without <paramref name="http"/> a client from <see cref="CreateHttpClient"/> is
    /// created and disposed with the generator. Either way the SDK's own retry policy is disabled
    /// (<c>ClientRetryPolicy(0)</c>) so that retries happen in one layer only.</para>
    /// </summary>
    /// <exception cref="ArgumentException">A required setting is missing or invalid (message names the setting).</exception>
    public static IEmbeddingGenerator<string, Embedding<float>> Create(EmbeddingOptions options, HttpClient? http = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Dimensions is <= 0)
            throw new ArgumentException("Embedding:Dimensions must be positive when set.", nameof(options));

        switch (options.Provider)
        {
            case EmbeddingProvider.Builtin:
                if (options.Dimensions is { } d && d != HashingEmbeddingGenerator.Dimensions)
                    throw new ArgumentException(
                        $"Embedding:Dimensions is {d}, but the built-in model always produces {HashingEmbeddingGenerator.Dimensions}; remove the setting.", nameof(options));
                return new HashingEmbeddingGenerator();

            case EmbeddingProvider.Onnx:
                if (string.IsNullOrWhiteSpace(options.OnnxModelPath))
                    throw new ArgumentException("Embedding:OnnxModelPath is required for the Onnx provider.", nameof(options));
                var onnxOptions = (options.Onnx ?? new OnnxEmbeddingGeneratorOptions()).Clone();
                if (!string.IsNullOrWhiteSpace(options.Model)) onnxOptions.ModelId = options.Model;
                var onnx = new OnnxEmbeddingGenerator(options.OnnxModelPath, onnxOptions);
                if (options.Dimensions is { } od && od != onnx.Dimension)
                {
                    onnx.Dispose();
                    throw new ArgumentException(
                        $"Embedding:Dimensions is {od}, but the ONNX model '{onnx.ModelId}' produces {onnx.Dimension}; remove or correct the setting.", nameof(options));
                }
                return onnx;

            case EmbeddingProvider.OpenAI:
            case EmbeddingProvider.OpenAICompatible:
            case EmbeddingProvider.AzureOpenAI:
                return CreateOpenAI(options, http);

            default:
                throw new ArgumentException($"Unknown embedding provider '{options.Provider}'.", nameof(options));
        }
    }

    /// <summary>An HttpClient whose handler chain is <see cref="RetryingHttpHandler"/> → SocketsHttpHandler, with the
    /// per-attempt timeout from <see cref="EmbeddingOptions.TimeoutSeconds"/>.</summary>
    public static HttpClient CreateHttpClient(EmbeddingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var sockets = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        var retry = new RetryingHttpHandler(sockets, Math.Max(0, options.MaxRetries))
        {
            PerAttemptTimeout = AttemptTimeout(options),
        };
        return new HttpClient(retry) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The endpoint used for Azure OpenAI: <c>{endpoint}/openai/v1/</c> (kept as is when already in that form).</summary>
    public static Uri AzureV1Endpoint(string endpoint)
    {
        var trimmed = endpoint.Trim().TrimEnd('/');
        if (trimmed.EndsWith("/openai/v1", StringComparison.OrdinalIgnoreCase)) return new Uri(trimmed + "/");
        if (trimmed.EndsWith("/openai", StringComparison.OrdinalIgnoreCase)) return new Uri(trimmed + "/v1/");
        return new Uri(trimmed + "/openai/v1/");
    }

    private static IEmbeddingGenerator<string, Embedding<float>> CreateOpenAI(EmbeddingOptions options, HttpClient? http)
    {
        string provider = options.Provider.ToString();
        Uri? endpoint = null;
        string? model = options.Model;
        switch (options.Provider)
        {
            case EmbeddingProvider.OpenAI:
                model ??= EmbeddingOptions.DefaultOpenAIModel;
                if (!string.IsNullOrWhiteSpace(options.Endpoint)) endpoint = ParseEndpoint(options.Endpoint);
                break;
            case EmbeddingProvider.OpenAICompatible:
                if (string.IsNullOrWhiteSpace(options.Endpoint))
                    throw new ArgumentException("Embedding:Endpoint is required for the OpenAICompatible provider.", nameof(options));
                endpoint = ParseEndpoint(options.Endpoint);
                break;
            case EmbeddingProvider.AzureOpenAI:
                if (string.IsNullOrWhiteSpace(options.Endpoint))
                    throw new ArgumentException("Embedding:Endpoint (https://{resource}.openai.azure.com) is required for the AzureOpenAI provider.", nameof(options));
                endpoint = AzureV1Endpoint(ParseEndpoint(options.Endpoint).ToString());
                break;
        }
        if (string.IsNullOrWhiteSpace(model))
            throw new ArgumentException($"Embedding:Model is required for the {provider} provider{(options.Provider == EmbeddingProvider.AzureOpenAI ? " (the deployment name)" : "")}.", nameof(options));

        string? key = options.ApiKey;
        if (string.IsNullOrWhiteSpace(key))
        {
            if (options.Provider != EmbeddingProvider.OpenAICompatible)
                throw new ArgumentException($"Embedding:ApiKey is required for the {provider} provider.", nameof(options));
            key = "unused"; // local OpenAI-compatible servers usually ignore the key, but the SDK requires one
        }

        bool ownsHttp = http is null;
        http ??= CreateHttpClient(options);
        var clientOptions = new OpenAIClientOptions
        {
            Transport = new HttpClientPipelineTransport(http),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = OverallTimeout(options),
        };
        if (endpoint is not null) clientOptions.Endpoint = endpoint;

        var client = new OpenAIClient(new ApiKeyCredential(key), clientOptions);
        var generator = client.GetEmbeddingClient(model).AsIEmbeddingGenerator(options.Dimensions);
        return ownsHttp ? new HttpClientOwningEmbeddingGenerator(generator, http) : generator;
    }

    private static Uri ParseEndpoint(string endpoint)
    {
        if (!Uri.TryCreate(endpoint.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            throw new ArgumentException($"Embedding:Endpoint '{endpoint}' is not an absolute http(s) URL.", nameof(endpoint));
        return uri;
    }

    private static TimeSpan AttemptTimeout(EmbeddingOptions options) =>
        TimeSpan.FromSeconds(options.TimeoutSeconds > 0 ? options.TimeoutSeconds : 60);

    /// <summary>The SDK's network timeout wraps the whole retried exchange, so it must cover every attempt and wait.</summary>
    private static TimeSpan OverallTimeout(EmbeddingOptions options)
    {
        int retries = Math.Max(0, options.MaxRetries);
        return AttemptTimeout(options) * (retries + 1) + TimeSpan.FromSeconds(60) * retries;
    }

    /// <summary>Disposes the HttpClient the factory created together with the generator.</summary>
    private sealed class HttpClientOwningEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner, HttpClient http)
        : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
    {
        protected override void Dispose(bool disposing)
        {
            if (disposing) http.Dispose();
            base.Dispose(disposing);
        }
    }
}
