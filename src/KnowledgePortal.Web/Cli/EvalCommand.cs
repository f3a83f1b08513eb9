using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Answering;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion;
using KnowledgePortal.Core.Lab;
using KnowledgePortal.Core.Retrieval;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Web.Cli;

/// <summary>
/// `./portal eval file.jsonl`: imports the set's contexts as documents into a scratch collection readable only by a
/// scratch group, asks every question as a member of that group, and reports retrieval recall@k / MRR of the gold
/// context, answer match and refusal rate. Everything it created is deleted afterwards.
/// </summary>
public static class EvalCommand
{
    private sealed record Item(string Id, string Lang, string Context, string Question, string[] Answers);

    private sealed class Line
    {
        [JsonPropertyName("id")] public string? Id { get; set; }
        [JsonPropertyName("lang")] public string? Lang { get; set; }
        [JsonPropertyName("context")] public string? Context { get; set; }
        [JsonPropertyName("question")] public string? Question { get; set; }
        [JsonPropertyName("answers")] public string[]? Answers { get; set; }
    }

    public static async Task<int> RunAsync(IServiceProvider services, CliArgs a)
    {
        var path = a.Positional.FirstOrDefault() ?? throw new CliException("usage: ./portal eval <file.jsonl> [--limit N] [--distractors N] [--provider NAME] [--json]");
        if (!File.Exists(path)) throw new CliException($"No such file: {path}");
        var limit = int.TryParse(a.Get("limit"), out var l) ? l : 200;
        var distractorCount = int.TryParse(a.Get("distractors"), out var d) ? d : 300;
        var json = a.Has("json");

        var all = new List<Item>();
        foreach (var raw in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(raw)) continue;
            var line = JsonSerializer.Deserialize<Line>(raw) ?? throw new CliException("A line is not a JSON object.");
            if (line.Context is null || line.Question is null) continue;
            all.Add(new Item(line.Id ?? all.Count.ToString(CultureInfo.InvariantCulture), line.Lang ?? "", line.Context, line.Question, line.Answers ?? []));
        }
        var items = all.Take(limit).ToList();
        if (items.Count == 0) throw new CliException("The file has no questions.");
        // Contexts of the asked questions, plus other contexts of the set as distractors, so retrieval has to choose.
        var contexts = items.Select(i => i.Context).Concat(all.Skip(limit).Select(i => i.Context)).Distinct().Take(items.Select(i => i.Context).Distinct().Count() + distractorCount).ToList();

        var dbFactory = services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var stamp = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        int collectionId, groupId;
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            var group = new PortalGroup { Name = $"eval-{stamp}", Description = "Scratch group of ./portal eval" };
            db.Groups.Add(group);
            await db.SaveChangesAsync();
            var collection = new Collection { Name = $"eval-{stamp}", Description = "Scratch collection of ./portal eval", Sensitivity = SensitivityLabel.Internal };
            collection.Access.Add(new CollectionAccess { GroupId = group.Id, Level = AccessLevel.Read });
            db.Collections.Add(collection);
            await db.SaveChangesAsync();
            (collectionId, groupId) = (collection.Id, group.Id);
        }
        var user = new UserAccess($"eval:{stamp}", "eval", "Evaluation", [groupId], false, false, []);
        try
        {
            // 1. Import the contexts through the normal pipeline.
            var ingest = Stopwatch.StartNew();
            var system = UserAccess.System([collectionId]);
            var intake = services.GetRequiredService<DocumentIntake>();
            var docOfContext = new Dictionary<string, Guid>();
            for (var i = 0; i < contexts.Count; i++)
            {
                // JSQuAD contexts start with "<title> [SEP] ": index the title as the document's heading instead.
                var sep = contexts[i].IndexOf(" [SEP] ", StringComparison.Ordinal);
                var (name, text) = sep > 0
                    ? ($"context-{i:D5}.md", $"# {contexts[i][..sep]}\n\n{contexts[i][(sep + 7)..]}")
                    : ($"context-{i:D5}.txt", contexts[i]);
                var r = await intake.UploadAsync(system, collectionId, name, Encoding.UTF8.GetBytes(text));
                if (r.DocumentId is { } id) docOfContext[contexts[i]] = id;
            }
            var worker = services.GetRequiredService<IngestionWorker>();
            while (await worker.ProcessNextAsync($"eval:{Environment.ProcessId}", CancellationToken.None))
                if (!json) Console.Error.Write($"\rindexing {docOfContext.Count} contexts…");
            ingest.Stop();
            if (!json) Console.Error.WriteLine();

            // 2. Ask every question.
            var retriever = services.GetRequiredService<HybridRetriever>();
            var ask = services.GetRequiredService<AskService>();
            var ranks = new List<int?>();
            var searchMs = new List<double>();
            var askMs = new List<double>();
            int matched = 0, refused = 0;
            string? provider = null;
            for (var n = 0; n < items.Count; n++)
            {
                var item = items[n];
                var sw = Stopwatch.StartNew();
                var result = await retriever.SearchAsync(user, new SearchRequest(item.Question, null, [collectionId], 10));
                searchMs.Add(sw.Elapsed.TotalMilliseconds);
                var gold = docOfContext.GetValueOrDefault(item.Context);
                var rank = result.Passages.Select((p, i) => (p, i)).FirstOrDefault(x => x.p.DocumentId == gold).i;
                ranks.Add(result.Passages.Any(p => p.DocumentId == gold) ? rank + 1 : null);

                sw.Restart();
                AskCompleted? done = null;
                await foreach (var e in ask.AskAsync(user, new AskRequest(item.Question, null, a.Get("provider"), [collectionId])))
                    if (e is AskCompleted c) done = c;
                askMs.Add(sw.Elapsed.TotalMilliseconds);
                provider ??= done?.Provider;
                if (done is null || !done.Answered) refused++;
                else if (ExpectedAnswer.Matches(done.Answer, item.Answers)) matched++;
                if (!json) Console.Error.Write($"\rasked {n + 1}/{items.Count}");
            }
            if (!json) Console.Error.WriteLine();

            double RecallAt(int k) => Math.Round(ranks.Count(r => r <= k) / (double)ranks.Count, 4);
            var report = new Dictionary<string, object?>
            {
                ["file"] = Path.GetFileName(path),
                ["questions"] = items.Count,
                ["contexts"] = contexts.Count,
                ["provider"] = provider,
                ["recall@1"] = RecallAt(1),
                ["recall@5"] = RecallAt(5),
                ["recall@10"] = RecallAt(10),
                ["mrr"] = Math.Round(ranks.Sum(r => r is { } x ? 1.0 / x : 0) / ranks.Count, 4),
                ["answer_match"] = Math.Round(matched / (double)items.Count, 4),
                ["refusal_rate"] = Math.Round(refused / (double)items.Count, 4),
                ["timings"] = new Dictionary<string, double>
                {
                    ["ingest_seconds"] = Math.Round(ingest.Elapsed.TotalSeconds, 2),
                    ["search_p50_ms"] = Percentile(searchMs, 50),
                    ["search_p95_ms"] = Percentile(searchMs, 95),
                    ["ask_p50_ms"] = Percentile(askMs, 50),
                    ["ask_p95_ms"] = Percentile(askMs, 95),
                },
            };
            if (json) Console.WriteLine(JsonSerializer.Serialize(report));
            else
            {
                Console.WriteLine($"{report["file"]}: {items.Count} questions over {contexts.Count} contexts (answers by {provider})");
                foreach (var key in new[] { "recall@1", "recall@5", "recall@10", "mrr", "answer_match", "refusal_rate" })
                    Console.WriteLine($"  {key,-13} {report[key]}");
                foreach (var (k, v) in (Dictionary<string, double>)report["timings"]!) Console.WriteLine($"  {k,-13} {v}");
            }
            return 0;
        }
        finally
        {
            await CleanupAsync(dbFactory, collectionId, groupId, user.UserId);
        }
    }

    private static async Task CleanupAsync(IDbContextFactory<PortalDbContext> dbFactory, int collectionId, int groupId, string userId)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var fileIds = await db.DocumentVersions.Where(v => db.Documents.Any(d => d.Id == v.DocumentId && d.CollectionId == collectionId))
            .Select(v => v.StoredFileId).ToListAsync();
        await db.Chunks.Where(c => c.CollectionId == collectionId).ExecuteDeleteAsync();
        await db.Documents.Where(d => d.CollectionId == collectionId).ExecuteDeleteAsync();
        await db.StoredFiles.Where(f => fileIds.Contains(f.Id)).ExecuteDeleteAsync();
        await db.Collections.Where(c => c.Id == collectionId).ExecuteDeleteAsync();
        await db.Groups.Where(g => g.Id == groupId).ExecuteDeleteAsync();
        await db.ChatSessions.Where(s => s.UserId == userId).ExecuteDeleteAsync();
    }

    private static double Percentile(List<double> values, int p)
    {
        if (values.Count == 0) return 0;
        var sorted = values.Order().ToList();
        return Math.Round(sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)], 1);
    }
}
