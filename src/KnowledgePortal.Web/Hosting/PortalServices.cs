using System.Threading.RateLimiting;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Answering;
using KnowledgePortal.Core.Ingestion;
using KnowledgePortal.Core.Ingestion.Chunking;
using KnowledgePortal.Core.Ingestion.Embedding;
using KnowledgePortal.Core.Ingestion.Extraction;
using KnowledgePortal.Core.Retrieval;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Web.Hosting;

public static class PortalServices
{
    public const string AskRateLimit = "ask";
    public const string UploadRateLimit = "upload";

    /// <summary>Core capabilities shared by the web host and the command line: ingestion, retrieval, answering.</summary>
    public static IHostApplicationBuilder AddPortalCore(this IHostApplicationBuilder builder, bool runWorker)
    {
        var services = builder.Services;
        services.AddValidatedOptions<IngestionOptions>(IngestionOptions.Section)
            .Validate(o => o.ChunkOverlapTokens < o.ChunkTokens, "Ingestion:ChunkOverlapTokens must be smaller than Ingestion:ChunkTokens");
        // PDF and Office files are read by this binary started again as a child (Program.cs, `extract-file`).
        if (ExtractionHost.ForEntryAssembly(typeof(Program).Assembly.Location) is { } extractionHost) services.AddSingleton(extractionHost);
        services.AddValidatedOptions<RetrievalOptions>(RetrievalOptions.Section);
        services.AddValidatedOptions<AnsweringOptions>(AnsweringOptions.Section)
            .Validate(o => o.Providers.Select(p => p.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count() == o.Providers.Count,
                "Answering:Providers has two profiles with the same Name")
            .Validate(o => o.Providers.All(p => ProviderKeys.IsAllowedSetting(p.ApiKeySetting)),
                "Answering:Providers: an ApiKeySetting " + ProviderKeys.SettingRule)
            .Validate(o => o.Providers.All(p => !ProviderProfileSettings.LacksEndpoint(p.Kind, p.Endpoint)),
                "Answering:Providers: " + ProviderProfileSettings.EndpointRule);
        services.AddValidatedOptions<EmbeddingOptions>(EmbeddingOptions.SectionName)
            .Validate(o => o.Provider != EmbeddingProvider.Onnx || Directory.Exists(o.OnnxModelPath),
                "Embedding:OnnxModelPath must name a folder holding model.onnx and its tokenizer (sentencepiece.bpe.model, vocab.txt or tokenizer.json) when Embedding:Provider is Onnx")
            .Validate(o => o.Provider is EmbeddingProvider.Builtin or EmbeddingProvider.Onnx || !string.IsNullOrWhiteSpace(o.Model),
                "Embedding:Model is required for OpenAI, AzureOpenAI and OpenAICompatible embedding providers")
            .Validate(o => ProviderKeys.IsAllowedSetting(o.ApiKeySetting), "Embedding:ApiKeySetting " + ProviderKeys.SettingRule);
        services.AddSingleton<IValidateOptions<EmbeddingOptions>, EmbeddingClearance.Validator>();
        services.AddSingleton(sp => EmbeddingClearance.From(sp.GetRequiredService<IOptions<EmbeddingOptions>>().Value));

        services.AddSingleton<ITokenCounter, TiktokenCounter>();
        services.AddHttpClient("embeddings").AddHttpMessageHandler(sp => new RetryingHttpHandler(sp.GetRequiredService<IOptions<EmbeddingOptions>>().Value.MaxRetries));
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<EmbeddingOptions>>().Value;
            var resolved = o.WithApiKey(sp.GetRequiredService<IConfiguration>());
            return EmbeddingGeneratorFactory.Create(resolved, sp.GetRequiredService<IHttpClientFactory>().CreateClient("embeddings"));
        });
        services.AddSingleton(sp =>
        {
            var generator = sp.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
            var o = sp.GetRequiredService<IOptions<EmbeddingOptions>>().Value;
            var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
            var id = metadata?.DefaultModelId ?? o.Model ?? "unknown";
            var dimension = metadata?.DefaultModelDimensions ?? o.Dimensions
                ?? throw new OptionsValidationException(EmbeddingOptions.SectionName, typeof(EmbeddingOptions),
                    ["Embedding:Dimensions is required for this embedding provider"]);
            if (!EmbeddingModelInfo.IsSafeId(id))
                throw new OptionsValidationException(EmbeddingOptions.SectionName, typeof(EmbeddingOptions),
                    [$"Embedding model id '{id}' may contain only letters, digits and - _ . : /"]);
            return new EmbeddingModelInfo(id, dimension);
        });
        services.AddSingleton<EmbeddingIndexManager>();

        services.AddSingleton<DocumentIntake>();
        services.AddSingleton<DocumentCommands>();
        services.AddSingleton<IngestionPipeline>();
        services.AddSingleton<IngestionWorker>();
        services.AddSingleton<AclReconciler>();
        if (runWorker)
        {
            services.AddHostedService(sp => sp.GetRequiredService<IngestionWorker>());
            services.AddHostedService<ReembedWorker>();
            services.AddHostedService(sp => new AclReconcileWorker(sp.GetRequiredService<AclReconciler>(),
                sp.GetRequiredService<ILogger<AclReconcileWorker>>(),
                TimeSpan.FromMinutes(sp.GetRequiredService<IOptions<IngestionOptions>>().Value.AclReconcileMinutes)));
        }

        services.AddMemoryCache();
        services.AddSingleton<HybridRetriever>();
        Core.Retrieval.Reranking.RerankingServiceCollectionExtensions.AddPortalReranking(services, builder.Configuration); // RerankStage + Reranking options
        services.AddSingleton<SourceAccess>();
        services.AddSingleton<KnowledgePortal.Core.Library.DocumentLibrary>();
        services.AddSingleton<KnowledgePortal.Core.Library.ExampleQuestions>();
        builder.AddPortalDataProtection();
        services.AddSingleton<ProviderCatalog>();
        services.AddSingleton<AskService>();
        services.AddSingleton<ChatHistory>();
        services.AddSingleton<GlossaryCommands>();
        return builder;
    }

    /// <summary>Web-only concerns: the above plus per-user rate limits.</summary>
    public static IHostApplicationBuilder AddPortalServices(this IHostApplicationBuilder builder)
    {
        var ingestion = builder.Configuration.GetSection(IngestionOptions.Section).Get<IngestionOptions>() ?? new();
        builder.AddPortalCore(runWorker: ingestion.RunWorkerInWebProcess);
        var portal = builder.Configuration.GetSection(PortalOptions.Section).Get<PortalOptions>() ?? new();
        builder.Services.AddSingleton(new UserRateLimiter(portal.AskPerMinutePerUser, portal.UploadsPerMinutePerUser));
        return builder;
    }
}

/// <summary>
/// The one per-user budget for questions and uploads, spent alike by the chat page (Blazor events never pass through
/// HTTP middleware) and by /api/ask and /api/search, so a user cannot double it by switching between them. Keyed by
/// <see cref="UserAccess.UserId"/>: the object id of a person, "app:" + client id of an application (app-only token).
/// </summary>
public sealed class UserRateLimiter(int asksPerMinute, int uploadsPerMinute)
{
    private readonly PartitionedRateLimiter<string> _asks = PartitionedRateLimiter.Create<string, string>(user =>
        RateLimitPartition.GetFixedWindowLimiter(user, _ => new FixedWindowRateLimiterOptions { PermitLimit = asksPerMinute, Window = TimeSpan.FromMinutes(1) }));
    private readonly PartitionedRateLimiter<string> _uploads = PartitionedRateLimiter.Create<string, string>(user =>
        RateLimitPartition.GetFixedWindowLimiter(user, _ => new FixedWindowRateLimiterOptions { PermitLimit = uploadsPerMinute, Window = TimeSpan.FromMinutes(1) }));

    public bool TryAsk(UserAccess user) => !string.IsNullOrEmpty(user.UserId) && _asks.AttemptAcquire(user.UserId).IsAcquired;
    public bool TryUpload(UserAccess user) => !string.IsNullOrEmpty(user.UserId) && _uploads.AttemptAcquire(user.UserId).IsAcquired;
}
