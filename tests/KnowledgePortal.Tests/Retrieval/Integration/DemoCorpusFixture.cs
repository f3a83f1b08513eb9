using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Tests.Retrieval.Integration;

/// <summary>Uploads every demo document through <see cref="DocumentIntake"/> and works the queue until all are ready.</summary>
public static class DemoCorpus
{
    public static async Task IngestAsync(TestServices services)
    {
        var system = await services.SystemAsync();
        var intake = services.Get<DocumentIntake>();
        foreach (var file in DemoDocuments.All())
        {
            var result = await intake.UploadAsync(system, await services.CollectionIdAsync(file.Collection), file.FileName, file.Content);
            if (result.Outcome != IntakeOutcome.Queued)
                throw new InvalidOperationException($"{file.FileName}: {result.Outcome} {result.Message}");
        }
        await services.DrainQueueAsync();

        await using var db = services.Db.CreateContext();
        var notReady = await db.Documents.Where(d => d.Status != DocumentStatus.Ready)
            .Select(d => d.FileName + ": " + d.Status + " " + d.FailureReason).ToListAsync();
        if (notReady.Count > 0)
            throw new InvalidOperationException("Demo documents not ready: " + string.Join("; ", notReady));
    }
}

/// <summary>A fresh database with the demo organisation and every demo document ingested (once per test class).</summary>
public class DemoCorpusFixture : IAsyncLifetime
{
    public TestServices Services { get; private set; } = null!;

    /// <summary>Configuration overrides for this fixture's service graph.</summary>
    protected virtual IDictionary<string, string?>? Settings => null;

    protected virtual string Purpose => "corpus";

    public virtual async Task InitializeAsync()
    {
        Services = await TestServices.StartAsync(Purpose, Settings);
        await DemoCorpus.IngestAsync(Services);
    }

    public virtual async Task DisposeAsync() => await Services.DisposeAsync();
}
