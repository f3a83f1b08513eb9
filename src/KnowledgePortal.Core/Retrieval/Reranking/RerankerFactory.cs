namespace KnowledgePortal.Core.Retrieval.Reranking;

/// <summary>The one place a configured <see cref="IReranker"/> is built.</summary>
public static class RerankerFactory
{
    /// <summary>Name of the IHttpClientFactory client HTTP rerankers send through (no retry handler, see <see cref="HttpReranker"/>).</summary>
    public const string HttpClientName = "reranking";

    /// <summary>
    /// The reranker for <paramref name="options"/> (API key already resolved, see <see cref="RerankingOptions.WithApiKey"/>),
    /// or null for <see cref="RerankerProvider.None"/>. HTTP rerankers send through <paramref name="http"/>, or a client of
    /// their own when it is null.
    /// </summary>
    /// <exception cref="ArgumentException">A setting is missing or invalid (the validator refuses these at start).</exception>
    /// <exception cref="NotSupportedException">The provider is not available in this build.</exception>
    public static IReranker? Create(RerankingOptions options, HttpClient? http = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = RerankingOptionsValidator.Problems(options).ToList();
        switch (options.Provider)
        {
            case RerankerProvider.None:
                return null;

            case RerankerProvider.Onnx:
                if (problems.Count > 0) throw new ArgumentException(string.Join("; ", problems), nameof(options));
                // In-process: on premises, cleared for Secret (see OnnxCrossEncoderReranker).
                return new OnnxCrossEncoderReranker(options.ModelPath!);

            case RerankerProvider.Http:
                if (problems.Count > 0) throw new ArgumentException(string.Join("; ", problems), nameof(options));
                var protocol = options.Protocol!.Value;
                var endpoint = string.IsNullOrWhiteSpace(options.Endpoint) ? HttpReranker.DefaultEndpoint(protocol)! : options.Endpoint;
                return new HttpReranker(http ?? new HttpClient(), protocol, HttpReranker.RequestUri(endpoint, protocol), options.Model,
                    options.ApiKey, TimeSpan.FromSeconds(options.TimeoutSeconds), RerankerClearance.From(options));

            default:
                throw new ArgumentException($"Unknown reranking provider '{options.Provider}'.", nameof(options));
        }
    }

}
