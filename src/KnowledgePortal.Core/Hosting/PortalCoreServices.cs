using System.Reflection;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Answering;
using KnowledgePortal.Core.Audit;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Ingestion;
using KnowledgePortal.Core.Ingestion.Chunking;
using KnowledgePortal.Core.Ingestion.Embedding;
using KnowledgePortal.Core.Ingestion.Extraction;
using KnowledgePortal.Core.Ingestion.Steps;
using KnowledgePortal.Core.Insights;
using KnowledgePortal.Core.Lab;
using KnowledgePortal.Core.Library;
using KnowledgePortal.Core.Retrieval;
using KnowledgePortal.Core.Retrieval.Reranking;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Core.Hosting;

/// <summary>What a process is for; it decides which background work it runs.</summary>
public enum ProcessRole
{
    /// <summary>The web portal: audit retention, and the ingestion worker when Ingestion:RunWorkerInWebProcess.</summary>
    WebHost,
    /// <summary><c>./portal worker</c>: the ingestion queue, re-embedding and ACL reconciliation.</summary>
    Worker,
    /// <summary>A one-shot command or a test: no background work.</summary>
    Command,
}

public static class PortalCoreServices
{
    /// <summary>
    /// The one composition root of the portal's capabilities, called by the web host, the command line and the tests:
    /// data, access, ingestion, retrieval, answering, insights and the model lab, each from its own Add… below.
    /// <paramref name="entryAssembly"/> is the binary that reads one file as a child process (<c>extract-file</c>);
    /// without it files are read in process.
    /// </summary>
    public static IHostApplicationBuilder AddPortalCore(this IHostApplicationBuilder builder, ProcessRole process, Assembly? entryAssembly = null)
    {
        var services = builder.Services;
        var runIngestion = process == ProcessRole.Worker
            || process == ProcessRole.WebHost && (builder.Configuration.GetSection(IngestionOptions.Section).Get<IngestionOptions>() ?? new()).RunWorkerInWebProcess;
        services.AddPortalData();
        builder.AddPortalAccess(runAuditRetention: process == ProcessRole.WebHost);
        services.AddPortalIngestion(runIngestion, entryAssembly);
        services.AddPortalRetrieval(builder.Configuration);
        services.AddPortalAnswering();
        services.AddPortalInsights();
        services.AddPortalModelLab();
        return builder;
    }

    /// <summary>
    /// Who may read what (role mapping, access resolution, administration, audit, personal API tokens) and the Data Protection keys that
    /// protect sign-in cookies and stored provider keys.
    /// </summary>
    private static void AddPortalAccess(this IHostApplicationBuilder builder, bool runAuditRetention)
    {
        var services = builder.Services;
        var isDevelopment = builder.Environment.IsDevelopment();
        services.AddSingleton(sp => RoleClaimMapping.FromConfiguration(sp.GetRequiredService<IConfiguration>().GetSection("Authentication"), isDevelopment));
        services.AddSingleton<AccessResolver>();
        services.AddSingleton<AuditLog>();
        services.AddValidatedOptions<ApiTokenOptions>(ApiTokenOptions.Section)
            .Validate(o => o.DefaultDays <= o.MaxDays, "Tokens:DefaultDays must not be more than Tokens:MaxDays");
        services.AddSingleton<ApiTokens>();
        services.AddSingleton<AccountDeactivations>();
        services.AddSingleton<Provisioning>();
        builder.AddPortalDataProtection();
        services.AddPortalAdministration(runAuditRetention);
    }

    private static void AddPortalIngestion(this IServiceCollection services, bool runWorker, Assembly? entryAssembly)
    {
        services.AddValidatedOptions<IngestionOptions>(IngestionOptions.Section)
            .Validate(o => o.ChunkOverlapTokens < o.ChunkTokens, "Ingestion:ChunkOverlapTokens must be smaller than Ingestion:ChunkTokens");
        if (entryAssembly is not null && ExtractionHost.ForEntryAssembly(entryAssembly.Location) is { } extractionHost) services.AddSingleton(extractionHost);
        services.AddPortalEmbedding();
        services.AddSingleton<DocumentIntake>();
        services.AddSingleton<DocumentCommands>();
        services.AddSingleton<OfficeRenditions>();
        // The steps of ingestion in the order they run; completed_step names the last one a job finished.
        services.AddSingleton<IIngestionStep, ExtractStep>();
        services.AddSingleton<IIngestionStep, ChunkStep>();
        services.AddSingleton<IIngestionStep, EmbedStep>();
        services.AddSingleton<IIngestionStep, PersistStep>();
        services.AddSingleton<IngestionPipeline>();
        services.AddSingleton<IngestionWorker>();
        services.AddSingleton<AclReconciler>();
        if (!runWorker) return;
        services.AddHostedService(sp => sp.GetRequiredService<IngestionWorker>());
        services.AddHostedService<ReembedWorker>();
        services.AddHostedService(sp => new AclReconcileWorker(sp.GetRequiredService<AclReconciler>(),
            sp.GetRequiredService<ILogger<AclReconcileWorker>>(),
            TimeSpan.FromMinutes(sp.GetRequiredService<IOptions<IngestionOptions>>().Value.AclReconcileMinutes)));
    }

    /// <summary>The embedder (built-in, ONNX or an HTTP endpoint), its clearance, its model id and the vector index.</summary>
    private static void AddPortalEmbedding(this IServiceCollection services)
    {
        services.AddValidatedOptions<EmbeddingOptions>(EmbeddingOptions.Section)
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
        services.AddSingleton(sp => EmbeddingModelInfo.Of(sp.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(),
            sp.GetRequiredService<IOptions<EmbeddingOptions>>().Value));
        services.AddSingleton<EmbeddingIndexManager>();
    }

    private static void AddPortalRetrieval(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<RetrievalOptions>(RetrievalOptions.Section);
        services.AddMemoryCache();
        services.AddSingleton<HybridRetriever>();
        services.AddSingleton<ViewAsSearch>();
        services.AddPortalReranking(configuration);
        services.AddSingleton<SourceAccess>();
        services.AddSingleton<DocumentLibrary>();
        services.AddSingleton<ExampleQuestions>();
    }

    private static void AddPortalAnswering(this IServiceCollection services)
    {
        services.AddValidatedOptions<AnsweringOptions>(AnsweringOptions.Section)
            .Validate(o => o.Providers.Select(p => p.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count() == o.Providers.Count,
                "Answering:Providers has two profiles with the same Name")
            .Validate(o => o.Providers.All(p => ProviderKeys.IsAllowedSetting(p.ApiKeySetting)),
                "Answering:Providers: an ApiKeySetting " + ProviderKeys.SettingRule)
            .Validate(o => o.Providers.All(p => !ProviderProfileSettings.LacksEndpoint(p.Kind, p.Endpoint)),
                "Answering:Providers: " + ProviderProfileSettings.EndpointRule);
        services.AddSingleton<ProviderCatalog>();
        services.AddSingleton<AskService>();
        services.AddSingleton<ChatHistory>();
        services.AddSingleton<GlossaryCommands>();
    }
}
