using KnowledgePortal.Core.Answering;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Ingestion.Embedding;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Core.Hosting;

/// <summary>How much of the demo a start seeds.</summary>
public enum DemoSeed
{
    None,
    /// <summary>The demo groups, users and collections (the tests' starting point).</summary>
    Directory,
    /// <summary>The directory plus the demo documents, queued for indexing (<c>--seed-demo</c>, <c>./portal seed</c>).</summary>
    Full,
}

public static class PortalStartup
{
    /// <summary>
    /// Everything a process does before it serves: validates every bound options class, migrates the database,
    /// brings configured provider profiles into it, makes sure the vector index of the embedding model exists, and
    /// seeds the demo when asked. Every step is safe to repeat. Returns null when ready, else one line naming each
    /// bad setting (for the host to print instead of a stack trace).
    /// </summary>
    public static async Task<string?> InitializePortalAsync(this IServiceProvider services, DemoSeed seed, CancellationToken ct = default)
    {
        try
        {
            services.GetRequiredService<IStartupValidator>().Validate();
            await services.MigrateDatabaseAsync(ct);
            if (seed != DemoSeed.None) await services.SeedDemoDirectoryAsync(ct);
            await services.GetRequiredService<ProviderCatalog>().SyncFromConfigurationAsync(ct);
            await services.GetRequiredService<EmbeddingIndexManager>().EnsureIndexAsync(ct);
            if (seed == DemoSeed.Full) await services.SeedDemoDocumentsAsync(ct);
            return null;
        }
        catch (OptionsValidationException ex)
        {
            return OptionsExtensions.Describe(ex);
        }
        catch (AggregateException ex) when (OptionsExtensions.IsConfigurationError(ex))
        {
            return OptionsExtensions.Describe(ex.InnerExceptions.Cast<OptionsValidationException>());
        }
    }
}
