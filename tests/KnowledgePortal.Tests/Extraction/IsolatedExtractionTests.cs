using System.Diagnostics;
using System.Text;
using KnowledgePortal.Core.Ingestion.Extraction;
using KnowledgePortal.Tests.Ingestion.Integration;

namespace KnowledgePortal.Tests.Extraction;

/// <summary>The parent side of the child-process protocol, with stand-in children (a shell) that hang or die.</summary>
[Collection(ResourceMeasuringCollection.Name)]
public class IsolatedExtractionTests
{
    private static readonly byte[] Note = Encoding.UTF8.GetBytes("%PDF-1.4 not really");

    [Fact]
    public async Task RunAsync_ChildHangs_TimesOutAndChildIsGone()
    {
        // `sh -c "sleep 60" extract-file`: the shell and its sleep must both go.
        var host = new ExtractionHost("/bin/sh", ["-c", "sleep 60"]);
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAsync<TimeoutException>(() =>
            IsolatedExtraction.RunAsync(host, Note, "a.pdf", new ExtractionLimits(), TimeSpan.FromSeconds(1), CancellationToken.None));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Empty(IngestionBoundsTests.ChildProcesses());
    }

    [Fact]
    public async Task RunAsync_ChildDies_FailsTheFileAsUnreadable()
    {
        var host = new ExtractionHost("/bin/sh", ["-c", "exit 134"]);

        var ex = await Assert.ThrowsAsync<ExtractionException>(() =>
            IsolatedExtraction.RunAsync(host, Note, "a.pdf", new ExtractionLimits(), TimeSpan.FromSeconds(30), CancellationToken.None));

        Assert.Equal(ExtractionFailure.Corrupt, ex.Failure);
        Assert.Equal(IsolatedExtraction.CrashedMessage, ex.Message);
    }
}
