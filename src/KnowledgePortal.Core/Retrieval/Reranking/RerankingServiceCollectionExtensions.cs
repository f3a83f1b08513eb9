using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Core.Retrieval.Reranking;

public static class RerankingServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates the Reranking section at start (<see cref="RerankingOptionsValidator"/>) and registers
    /// <see cref="RerankStage"/> as a singleton over the reranker <see cref="RerankerFactory"/> builds.
    /// </summary>
    internal static IServiceCollection AddPortalReranking(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<RerankingOptions>().Bind(configuration.GetSection(RerankingOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RerankingOptions>, RerankingOptionsValidator>();
        services.AddHttpClient(RerankerFactory.HttpClientName);
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RerankingOptions>>();
            var resolved = options.Value.WithApiKey(configuration);
            var http = resolved.Provider == RerankerProvider.Http
                ? sp.GetRequiredService<IHttpClientFactory>().CreateClient(RerankerFactory.HttpClientName)
                : null;
            return new RerankStage(RerankerFactory.Create(resolved, http), options, sp.GetRequiredService<ILogger<RerankStage>>());
        });
        return services;
    }
}
