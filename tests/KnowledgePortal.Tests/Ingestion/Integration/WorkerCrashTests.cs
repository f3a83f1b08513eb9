using System.Diagnostics;
using System.Text;
using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;
using static KnowledgePortal.Tests.Ingestion.Integration.IngestionTestKit;

namespace KnowledgePortal.Tests.Ingestion.Integration;

/// <summary>Timing-sensitive: runs alone, after the parallel tests, so a busy machine does not blur the kill point.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public class WorkerCrashCollection
{
    public const string Name = "ingestion-worker-crash";
}

/// <summary>
/// A real `worker` process is killed in the middle of a job; after its lease runs out another worker takes the job over
/// from the last saved step and finishes it without duplicating chunks.
/// </summary>
[Collection(WorkerCrashCollection.Name)]
[Trait(TestTier.Name, TestTier.Db)]
public class WorkerCrashTests(ITestOutputHelper output)
{
    private const int Pages = 300;

    [Fact]
    public async Task ProcessNextAsync_WorkerProcessKilledMidJob_JobResumedAfterLeaseWithoutDuplicates()
    {
        await using var services = await TestServices.StartAsync("ingcrash");
        var km = await services.UserAsync("km");
        var pdf = LargeTextPdf(Pages);
        var id = await services.UploadOkAsync(km, await services.CollectionIdAsync(DemoData.Handbook), "big-report.pdf", pdf);
        var jobId = Assert.Single(await services.JobsAsync(id)).Id;

        IngestionJob atKill;
        int pendingAtKill, embeddedAtKill;
        var log = new StringBuilder();
        var sw = Stopwatch.StartNew();
        using (var worker = StartWorkerProcess(services.Db.ConnectionString, log))
        {
            try
            {
                while (true)
                {
                    var job = Assert.Single(await services.JobsAsync(id));
                    if (job.Status != JobStatus.Queued && job.Status != JobStatus.Running)
                        Assert.Fail($"The worker finished the job ({job.Status}, {job.Error}) before it could be killed after {sw.Elapsed}; make the file bigger.\n{Log(log)}");
                    // Kill in the middle of the embed step: some chunks have vectors, the rest not yet.
                    if (job.ChunksEmbedded > 0 || job.CompletedStep == "embed") break;
                    if (worker.HasExited) Assert.Fail($"The worker exited with {worker.ExitCode}:\n{Log(log)}");
                    if (sw.Elapsed > TimeSpan.FromMinutes(4)) Assert.Fail($"The worker made no progress in 4 minutes:\n{Log(log)}");
                    await Task.Delay(20);
                }
            }
            finally
            {
                if (!worker.HasExited) worker.Kill(entireProcessTree: true);
                await worker.WaitForExitAsync();
            }
        }
        output.WriteLine($"killed after {sw.Elapsed}");

        await using (var db = services.Db.CreateContext())
        {
            atKill = await db.IngestionJobs.AsNoTracking().SingleAsync(j => j.Id == jobId);
            pendingAtKill = await db.PendingChunks.CountAsync(p => p.JobId == jobId);
            embeddedAtKill = await db.PendingChunks.CountAsync(p => p.JobId == jobId && p.Embedding != null);
            Assert.Equal(0, await db.Chunks.CountAsync(c => c.DocumentId == id));
        }
        output.WriteLine($"at kill: status {atKill.Status}, step {atKill.CompletedStep}, attempts {atKill.Attempts}, " +
                         $"chunks {atKill.ChunksEmbedded}/{atKill.ChunksTotal}, pending rows {pendingAtKill} ({embeddedAtKill} embedded)");
        Assert.Equal(JobStatus.Running, atKill.Status);
        Assert.NotEqual("persist", atKill.CompletedStep);
        Assert.Equal(1, atKill.Attempts);
        Assert.NotNull(atKill.LockedBy);
        Assert.DoesNotContain("test-worker", atKill.LockedBy);
        Assert.True(atKill.ChunksTotal > 0);
        Assert.Equal(atKill.ChunksTotal, pendingAtKill);
        Assert.True(embeddedAtKill > 0, "the worker had not embedded anything yet");
        Assert.NotEqual(DocumentStatus.Ready, (await services.DocumentAsync(id)).Status);

        // Nobody can claim the job while the dead worker's lease lasts; afterwards the in-process worker takes it over.
        await WaitForLeaseExpiryAsync(services, jobId);
        await services.DrainQueueAsync();

        var document = await services.DocumentAsync(id);
        Assert.True(document.Status == DocumentStatus.Ready, $"{document.Status} {document.FailureReason}");
        var final = Assert.Single(await services.JobsAsync(id));
        Assert.Equal(JobStatus.Succeeded, final.Status);
        Assert.Equal("persist", final.CompletedStep);
        Assert.True(final.Attempts >= 2, $"attempts {final.Attempts}");
        Assert.Equal(Pages, final.Pages);
        Assert.Equal(pendingAtKill, final.ChunksTotal);

        var chunks = await services.ChunksAsync(id);
        Assert.Equal(pendingAtKill, chunks.Count);
        Assert.Equal(chunks.Count, chunks.Select(c => c.Ordinal).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(c => c.Ordinal));
        Assert.Equal(chunks.Count, chunks.Select(c => c.ContentHash + "|" + c.Ordinal).Distinct().Count());
        Assert.All(chunks, c => Assert.Equal(document.CurrentVersionId, c.DocumentVersionId));
        Assert.All(chunks, c => Assert.NotNull(c.Embedding));
        Assert.Equal(Pages, chunks.Max(c => c.Page));
        await using (var db = services.Db.CreateContext())
        {
            Assert.Equal(0, await db.PendingChunks.CountAsync());
            var duplicates = await db.Database.SqlQueryRaw<int>(
                "SELECT count(*)::int AS \"Value\" FROM (SELECT document_version_id, ordinal FROM chunks GROUP BY 1, 2 HAVING count(*) > 1) d")
                .SingleAsync();
            Assert.Equal(0, duplicates);
        }
        Assert.Single(await services.AuditAsync(id), a => a.Action == "document-indexed");
    }

    private static async Task WaitForLeaseExpiryAsync(TestServices services, Guid jobId)
    {
        await Task.Delay(TimeSpan.FromSeconds(3));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await using var db = services.Db.CreateContext();
            var expired = await db.Database.SqlQuery<bool>(
                $"SELECT (locked_until IS NULL OR locked_until < now()) AS \"Value\" FROM ingestion_jobs WHERE id = {jobId}").SingleAsync();
            if (expired) return;
            Assert.True(DateTime.UtcNow < deadline, "the dead worker's lease never expired");
            await Task.Delay(200);
        }
    }

    /// <summary>`KnowledgePortal.Web.dll worker`, as `./portal worker` starts it, with a 2 s lease and one slot.</summary>
    private static Process StartWorkerProcess(string connectionString, StringBuilder log)
    {
        var webDir = Path.Combine(RepoPaths.Root, "src", "KnowledgePortal.Web");
        var config = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var dll = Path.Combine(webDir, "bin", config, "net10.0", "KnowledgePortal.Web.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("Build the web project first (./portal test does).", dll);
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = webDir,
        };
        foreach (var a in new[] { dll, "worker", "--contentRoot", webDir }) psi.ArgumentList.Add(a);
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        psi.Environment["ConnectionStrings__Portal"] = connectionString;
        psi.Environment["Ingestion__LeaseSeconds"] = "2";
        psi.Environment["Ingestion__WorkerConcurrency"] = "1";
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the worker");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static string Log(StringBuilder log)
    {
        lock (log) return log.ToString();
    }
}
