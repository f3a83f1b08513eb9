using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Ingestion;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Core.Demo;

public static class DemoSeeding
{
    /// <summary>The demo groups, users and collections (safe to repeat).</summary>
    public static async Task SeedDemoDirectoryAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(ct);
        await DemoData.SeedAsync(db, ct);
    }

    /// <summary>
    /// Queues the generated demo files through the normal intake as the system identity. The bytes are deterministic,
    /// so a second run finds every file unchanged and queues nothing.
    /// </summary>
    public static async Task SeedDemoDocumentsAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(ct);
        var collections = await db.Collections.ToDictionaryAsync(c => c.Name, c => c.Id, ct);
        var system = UserAccess.System(collections.Values.ToArray());
        var intake = services.GetRequiredService<DocumentIntake>();
        var queued = 0;
        // With OCR on, the demo includes a scanned memo (rendered now: it needs pdftoppm); without, it would only fail.
        var ingestion = services.GetRequiredService<IOptions<IngestionOptions>>().Value;
        var scan = ingestion.OcrEnabled ? DemoScan.TryBuild(ingestion.ToLimits(), ct) : null;
        foreach (var file in scan is null ? DemoDocuments.All() : [.. DemoDocuments.All(), scan])
        {
            if (!collections.TryGetValue(file.Collection, out var collectionId)) continue;
            var result = await intake.UploadAsync(system, collectionId, file.FileName, file.Content, ct);
            if (result.Outcome is IntakeOutcome.Queued or IntakeOutcome.NewVersion) queued++;
        }
        if (queued > 0) Console.WriteLine($"Demo content: {queued} documents queued for indexing.");
    }
}
