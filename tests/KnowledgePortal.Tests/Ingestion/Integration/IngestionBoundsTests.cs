using System.Diagnostics;
using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Tests.Extraction;
using KnowledgePortal.Tests.Infrastructure;
using static KnowledgePortal.Tests.Ingestion.Integration.IngestionTestKit;

namespace KnowledgePortal.Tests.Ingestion.Integration;

/// <summary>A decompression bomb, a late DTD and a file slower than the timeout each fail alone; the work really stops.</summary>
[Collection(ResourceMeasuringCollection.Name)]
[Trait(TestTier.Name, TestTier.Db)]
public class IngestionBoundsTests
{
    [Fact]
    public async Task DrainQueueAsync_PdfFlateBombAndLateDoctypeDocx_FailAloneWithReasonGoodFileReady()
    {
        await using var services = await TestServices.StartAsync("ingbounds");
        var km = await services.UserAsync("km");
        var handbook = await services.CollectionIdAsync(DemoData.Handbook);
        var bomb = await services.UploadOkAsync(km, handbook, "annual-report.pdf", HostileFiles.FlateBombPdf(2 * HostileFiles.Gibibyte));
        var lateDtd = await services.UploadOkAsync(km, handbook, "leave-policy.docx",
            HostileFiles.WithLateDoctype(DocxExtractionTests.GeneratedDocx(), paddingBytes: 200_000));
        var good = await services.UploadOkAsync(km, handbook, "welcome-guide.pdf", DemoBytes("welcome-guide.pdf"));

        await services.DrainQueueAsync();

        var bombDocument = await services.DocumentAsync(bomb);
        Assert.Equal(DocumentStatus.Failed, bombDocument.Status);
        AssertHumanReason(bombDocument.FailureReason);
        Assert.Contains("decompressed", bombDocument.FailureReason);
        var dtdDocument = await services.DocumentAsync(lateDtd);
        Assert.Equal(DocumentStatus.Failed, dtdDocument.Status);
        AssertHumanReason(dtdDocument.FailureReason);
        Assert.Contains("DTD", dtdDocument.FailureReason);
        foreach (var id in new[] { bomb, lateDtd })
        {
            Assert.Equal(1, Assert.Single(await services.JobsAsync(id)).Attempts); // refused, not retried
            Assert.Empty(await services.ChunksAsync(id));
        }
        var goodDocument = await services.DocumentAsync(good);
        Assert.True(goodDocument.Status == DocumentStatus.Ready, $"{goodDocument.Status} {goodDocument.FailureReason}");
        Assert.NotEmpty(await services.ChunksAsync(good));
    }

    [Fact]
    public async Task DrainQueueAsync_FileSlowerThanTimeout_WorkStopsConsumingCpu()
    {
        await using var services = await TestServices.StartAsync("ingcpu", new Dictionary<string, string?> { ["Ingestion:FileTimeoutSeconds"] = "1" });
        var km = await services.UserAsync("km");
        var handbook = await services.CollectionIdAsync(DemoData.Handbook);
        var slow = await services.UploadOkAsync(km, handbook, "slow-book.pdf", HostileFiles.DensePagePdf());
        var quick = await services.UploadOkAsync(km, handbook, "welcome-note.txt",
            System.Text.Encoding.UTF8.GetBytes("Welcome to the company.\n\nBring your ID card on your first day."));

        await services.DrainQueueAsync();

        var failed = await services.DocumentAsync(slow);
        Assert.Equal(DocumentStatus.Failed, failed.Status);
        Assert.Contains("Ingestion:FileTimeoutSeconds", failed.FailureReason);
        Assert.Equal(DocumentStatus.Ready, (await services.DocumentAsync(quick)).Status);

        // No extraction process is left behind, and no thread of this process keeps reading the abandoned file.
        Assert.Empty(ChildProcesses());
        await Task.Delay(300);
        var before = ThreadCpu();
        await Task.Delay(TimeSpan.FromSeconds(3));
        var after = ThreadCpu();
        var busy = TimeSpan.FromTicks(after.Sum(t => (t.Value.Cpu - before.GetValueOrDefault(t.Key).Cpu).Ticks));
        var top = string.Join(", ", after.OrderByDescending(t => t.Value.Cpu - before.GetValueOrDefault(t.Key).Cpu).Take(3)
            .Select(t => $"{t.Value.Name} {(t.Value.Cpu - before.GetValueOrDefault(t.Key).Cpu).TotalSeconds:N2} s"));
        Assert.True(busy < TimeSpan.FromSeconds(0.5),
            $"this process used {busy.TotalSeconds:N2} s of CPU in the 3 s after the timeout ({top})");
    }

    /// <summary>
    /// CPU time per thread of this process, without the runtime's tiered compiler: it keeps re-optimising the code the
    /// test ran for seconds on a loaded machine, which is not extraction work.
    /// </summary>
    private static Dictionary<int, (string Name, TimeSpan Cpu)> ThreadCpu()
    {
        var threads = new Dictionary<int, (string, TimeSpan)>();
        foreach (ProcessThread thread in Process.GetCurrentProcess().Threads)
        {
            try
            {
                var name = File.ReadAllText($"/proc/self/task/{thread.Id}/comm").Trim();
                if (!name.StartsWith(".NET Tiered", StringComparison.Ordinal)) threads[thread.Id] = (name, thread.TotalProcessorTime);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException) { } // the thread ended meanwhile
        }
        return threads;
    }

    /// <summary>Live extraction processes started by this process (Linux /proc), by command line.</summary>
    internal static List<string> ChildProcesses() => ChildProcesses("extract-file");

    /// <summary>Live processes started by this process whose command line contains <paramref name="command"/>.</summary>
    internal static List<string> ChildProcesses(string command)
    {
        var children = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[0] is "Z" or "X" || int.Parse(fields[1]) != Environment.ProcessId) continue;
                var line = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (line.Contains(command, StringComparison.Ordinal)) children.Add(line);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return children;
    }
}
