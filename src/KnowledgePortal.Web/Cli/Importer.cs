using System.Diagnostics;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Web.Cli;

public sealed record ImportedFile(string Path, string Status, int Chunks, int Pages, string? Reason);

public sealed record ImportTotals(int Files, int Chunks, int Failures, int Pages, double Seconds, double PagesPerSecond);

public sealed record ImportResult(IReadOnlyList<ImportedFile> Files, ImportTotals Totals);

/// <summary>Uploads files through the same intake as the portal and, while waiting, works the queue itself.</summary>
public static class Importer
{
    public static async Task<ImportResult> ImportAsync(IServiceProvider services, UserAccess user, int collectionId,
        IReadOnlyList<string> files, bool wait, bool progress, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        var intake = services.GetRequiredService<DocumentIntake>();
        var worker = services.GetRequiredService<IngestionWorker>();
        var dbFactory = services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var entries = new List<(string Path, IntakeResult Intake)>();
        foreach (var path in files)
        {
            IntakeResult r;
            try
            {
                r = await intake.UploadAsync(user, collectionId, Path.GetFileName(path), await File.ReadAllBytesAsync(path, ct), ct);
            }
            catch (IOException ex)
            {
                r = new IntakeResult(IntakeOutcome.Rejected, Path.GetFileName(path), null, null, "Could not read the file: " + ex.Message);
            }
            entries.Add((path, r));
        }

        var pendingJobs = entries.Where(e => e.Intake.JobId is not null).Select(e => e.Intake.JobId!.Value).ToHashSet();
        var workerId = $"cli:{Environment.ProcessId}";
        while (wait && pendingJobs.Count > 0)
        {
            if (!await worker.ProcessNextAsync(workerId, ct)) await Task.Delay(200, ct);
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var open = await db.IngestionJobs.Where(j => pendingJobs.Contains(j.Id) && (j.Status == JobStatus.Queued || j.Status == JobStatus.Running))
                .CountAsync(ct);
            if (progress) DrawProgress(pendingJobs.Count - open, pendingJobs.Count);
            if (open == 0) break;
        }
        if (progress && pendingJobs.Count > 0) Console.Error.WriteLine();

        var results = new List<ImportedFile>();
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            foreach (var (path, r) in entries)
            {
                if (r.DocumentId is not { } docId)
                {
                    results.Add(new ImportedFile(path, "rejected", 0, 0, r.Message));
                    continue;
                }
                var doc = await db.Documents.AsNoTracking().FirstAsync(d => d.Id == docId, ct);
                var job = r.JobId is { } jobId ? await db.IngestionJobs.AsNoTracking().FirstAsync(j => j.Id == jobId, ct) : null;
                var status = r.Outcome == IntakeOutcome.Unchanged ? "unchanged"
                    : job is null ? doc.Status.ToString().ToLowerInvariant()
                    : job.Status switch
                    {
                        JobStatus.Succeeded => "ready",
                        JobStatus.Failed => "failed",
                        JobStatus.Cancelled => "cancelled",
                        _ => "queued",
                    };
                results.Add(new ImportedFile(path, status, doc.ChunkCount, job?.Pages ?? doc.PageCount,
                    status is "failed" or "cancelled" ? job?.Error : status == "unchanged" ? r.Message : null));
            }
        }
        var seconds = sw.Elapsed.TotalSeconds;
        var pages = results.Where(f => f.Status == "ready").Sum(f => f.Pages);
        return new ImportResult(results, new ImportTotals(results.Count, results.Sum(f => f.Status == "ready" ? f.Chunks : 0),
            results.Count(f => f.Status is "failed" or "rejected"), pages, Math.Round(seconds, 2), seconds > 0 ? Math.Round(pages / seconds, 2) : 0));
    }

    private static void DrawProgress(int done, int total)
    {
        const int width = 30;
        var filled = total == 0 ? width : done * width / total;
        Console.Error.Write($"\r[{new string('#', filled)}{new string('.', width - filled)}] {done}/{total} files");
    }

    public static void PrintTable(ImportResult result)
    {
        foreach (var f in result.Files)
            Console.WriteLine($"{f.Status,-10} {f.Chunks,5} chunks {f.Pages,4} pages  {f.Path}{(f.Reason is null ? "" : "  — " + f.Reason)}");
        var t = result.Totals;
        Console.WriteLine($"{t.Files} files, {t.Chunks} chunks, {t.Failures} failed, {t.Pages} pages in {t.Seconds:0.0} s ({t.PagesPerSecond:0.0} pages/s)");
    }
}
