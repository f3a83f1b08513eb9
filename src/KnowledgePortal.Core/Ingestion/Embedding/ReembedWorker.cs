using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Core.Ingestion.Embedding;

/// <summary>Runs the background re-embedding after a model change (in processes that run the ingestion worker).</summary>
public sealed class ReembedWorker(EmbeddingIndexManager manager, IOptions<EmbeddingOptions> options, ILogger<ReembedWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var total = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var n = await manager.ReembedBatchAsync(options.Value.BatchSize, stoppingToken);
                total += n;
                if (n == 0)
                {
                    if (total > 0) { logger.LogInformation("Re-embedded {Count} chunks with the configured model", total); total = 0; }
                    await manager.DropUnusedIndexesAsync(stoppingToken);
                    await Task.Delay(TimeSpan.FromMinutes(1), stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception ex)
            {
                logger.LogWarning("Re-embedding paused after {Error}", ex.GetType().Name);
                await Task.Delay(TimeSpan.FromSeconds(30), stoppingToken);
            }
        }
    }
}
