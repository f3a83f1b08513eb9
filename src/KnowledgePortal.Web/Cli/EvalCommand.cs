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
using KnowledgePortal.Core.Retrieval.Reranking;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Web.Cli;

/// <summary>
/// `./portal eval file.jsonl`: imports the set's contexts as documents into a scratch collection readable only by a
/// scratch group, asks every question as a member of that group, and reports retrieval recall@k / MRR / nDCG@10 of the
/// gold context (ranked by distinct document, as the BM25 baseline ranks contexts), answer match and refusal rate.
/// <c>--all</c> imports every context (no sampling); <c>--compare</c> ranks each question with every stage alone and
/// fused in the same run; <c>--off-corpus FILE</c> asks questions of another set that this corpus cannot answer and
/// reports how many were refused. Everything it created is deleted afterwards.
/// </summary>
public static class EvalCommand
{
    private sealed record Item(string Id, string Lang, string Context, string Question, string[] Answers, string? Title);

    private sealed class Line
    {
        [JsonPropertyName("id")] public string? Id { get; set; }
        [JsonPropertyName("lang")] public string? Lang { get; set; }
        [JsonPropertyName("title")] public string? Title { get; set; }
        [JsonPropertyName("context")] public string? Context { get; set; }
        [JsonPropertyName("question")] public string? Question { get; set; }
        [JsonPropertyName("answers")] public string[]? Answers { get; set; }
    }

    public static async Task<int> RunAsync(IServiceProvider services, CliArgs a)
    {
        var path = a.Positional.FirstOrDefault() ?? throw new CliException(
            "usage: ./portal eval <file.jsonl> [--all] [--limit N] [--distractors N] [--compare] [--off-corpus FILE] [--no-ask] [--calibration FILE.tsv] [--provider NAME] [--json]");
        if (!File.Exists(path)) throw new CliException($"No such file: {path}");
        var everyContext = a.Has("all");
        var all = Load(path);
        var limit = int.TryParse(a.Get("limit"), out var l) ? l : everyContext ? all.Count : 200;
        var distractorCount = int.TryParse(a.Get("distractors"), out var d) ? d : 300;
        var json = a.Has("json");
        var compare = a.Has("compare");
        var answer = !a.Has("no-ask");

        var items = all.Take(limit).ToList();
        if (items.Count == 0) throw new CliException("The file has no questions.");
        // Contexts of the asked questions, plus other contexts of the set as distractors, so retrieval has to choose;
        // with --all, every context of the file.
        var contexts = everyContext ? all.Select(i => i.Context).Distinct().ToList()
            : items.Select(i => i.Context).Concat(all.Skip(limit).Select(i => i.Context)).Distinct().Take(items.Select(i => i.Context).Distinct().Count() + distractorCount).ToList();
        var contextSet = contexts.ToHashSet();
        List<Item> offCorpus = [];
        if (a.Get("off-corpus") is { } offPath)
        {
            if (!File.Exists(offPath)) throw new CliException($"No such file: {offPath}");
            // Only questions whose own context was not imported: none of them is answerable from this corpus.
            offCorpus = Load(offPath).Where(i => !contextSet.Contains(i.Context)).Take(limit).ToList();
        }

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
            var titleOf = all.GroupBy(i => i.Context).ToDictionary(g => g.Key, g => g.First().Title);
            for (var i = 0; i < contexts.Count; i++)
            {
                // The article's title is the document's heading, as a portal document has one. JSQuAD contexts start
                // with "<title> [SEP] " (stripped); SQuAD titles come from the "title" field ("Super_Bowl_50").
                var sep = contexts[i].IndexOf(" [SEP] ", StringComparison.Ordinal);
                var body = sep > 0 ? contexts[i][(sep + 7)..] : contexts[i];
                var title = sep > 0 ? contexts[i][..sep] : titleOf.GetValueOrDefault(contexts[i])?.Replace('_', ' ');
                var (name, text) = string.IsNullOrWhiteSpace(title)
                    ? ($"context-{i:D5}.txt", body)
                    : ($"context-{i:D5}.md", $"# {title}\n\n{body}");
                var r = await intake.UploadAsync(system, collectionId, name, Encoding.UTF8.GetBytes(text));
                if (r.DocumentId is { } id) docOfContext[contexts[i]] = id;
            }
            var worker = services.GetRequiredService<IngestionWorker>();
            while (await worker.ProcessNextAsync($"eval:{Environment.ProcessId}", CancellationToken.None))
                if (!json) Console.Error.Write($"\rindexing {docOfContext.Count} contexts…");
            ingest.Stop();
            if (!json) Console.Error.WriteLine();

            // 2. Rank every question with each stage (--compare) or the portal's own fusion, and answer it once.
            var retriever = services.GetRequiredService<HybridRetriever>();
            var ask = services.GetRequiredService<AskService>();
            var portalStage = PortalStage(services);
            var stages = compare ? CompareStages(services) : [(portalStage, SearchMode.Hybrid, true)];
            var ranks = stages.ToDictionary(s => s.Name, _ => new List<int?>());
            var searchMs = new List<double>();
            var askMs = new List<double>();
            var coverageIn = new List<double>();
            // --calibration FILE: one line per question (set, coverage, best similarity, gold rank) to choose the gate's thresholds.
            List<string>? calibration = a.Get("calibration") is null ? null : ["set\tcoverage\tsimilarity\trank"];
            int matched = 0, refused = 0;
            string? provider = null;
            for (var n = 0; n < items.Count; n++)
            {
                var item = items[n];
                var gold = docOfContext.GetValueOrDefault(item.Context);
                RetrievalResult? portal = null;
                foreach (var (name, mode, rerank) in stages)
                {
                    var sw = Stopwatch.StartNew();
                    var result = await retriever.SearchAsync(user, new SearchRequest(item.Question, null, [collectionId], PassagesPerQuestion, mode, rerank));
                    if (name == portalStage) { searchMs.Add(sw.Elapsed.TotalMilliseconds); portal = result; }
                    ranks[name].Add(DocumentRank(result, gold));
                }
                coverageIn.Add(portal!.Diagnostics.QueryCoverage);
            calibration?.Add($"in\t{portal.Diagnostics.QueryCoverage}\t{portal.Diagnostics.BestSimilarity}\t{ranks[portalStage][^1]?.ToString() ?? ""}");
                var (answered, isMatch, ms, usedProvider) = await AnswerAsync(ask, user, item, collectionId, a.Get("provider"), portal, answer);
                if (ms is { } t) askMs.Add(t);
                provider ??= usedProvider;
                if (!answered) refused++;
                else if (isMatch) matched++;
                if (!json) Console.Error.Write($"\rasked {n + 1}/{items.Count}");
            }
            if (!json) Console.Error.WriteLine();

            // 3. Questions the corpus cannot answer: each should be refused ("not covered").
            var offRefused = 0;
            var coverageOff = new List<double>();
            for (var n = 0; n < offCorpus.Count; n++)
            {
                var result = await retriever.SearchAsync(user, new SearchRequest(offCorpus[n].Question, null, [collectionId], PassagesPerQuestion));
                coverageOff.Add(result.Diagnostics.QueryCoverage);
                calibration?.Add($"off\t{result.Diagnostics.QueryCoverage}\t{result.Diagnostics.BestSimilarity}\t");
                var (answered, _, _, _) = await AnswerAsync(ask, user, offCorpus[n], collectionId, a.Get("provider"), result, answer);
                if (!answered) offRefused++;
                if (!json) Console.Error.Write($"\roff-corpus {n + 1}/{offCorpus.Count}");
            }
            if (!json && offCorpus.Count > 0) Console.Error.WriteLine();

            if (calibration is not null) await File.WriteAllLinesAsync(a.Get("calibration")!, calibration);
            var hybrid = Metrics(ranks[portalStage]);
            var report = new Dictionary<string, object?>
            {
                ["file"] = Path.GetFileName(path),
                ["questions"] = items.Count,
                ["contexts"] = contexts.Count,
                ["provider"] = provider,
                ["recall@1"] = hybrid["recall@1"],
                ["recall@5"] = hybrid["recall@5"],
                ["recall@10"] = hybrid["recall@10"],
                ["mrr"] = hybrid["mrr"],
                ["ndcg@10"] = hybrid["ndcg@10"],
                ["answer_match"] = answer ? Math.Round(matched / (double)items.Count, 4) : null,
                ["refusal_rate"] = Math.Round(refused / (double)items.Count, 4),
                ["all_contexts"] = everyContext,
                ["ranking"] = portalStage,
                ["timings"] = new Dictionary<string, double>
                {
                    ["ingest_seconds"] = Math.Round(ingest.Elapsed.TotalSeconds, 2),
                    ["search_p50_ms"] = Percentile(searchMs, 50),
                    ["search_p95_ms"] = Percentile(searchMs, 95),
                    ["ask_p50_ms"] = Percentile(askMs, 50),
                    ["ask_p95_ms"] = Percentile(askMs, 95),
                },
            };
            if (compare) report["stages"] = stages.ToDictionary(s => s.Name, s => (object)Metrics(ranks[s.Name]));
            report["gate"] = new Dictionary<string, double>
            {
                ["in_corpus_coverage_p05"] = Percentile(coverageIn, 5, 4),
                ["in_corpus_coverage_p10"] = Percentile(coverageIn, 10, 4),
                ["in_corpus_coverage_p50"] = Percentile(coverageIn, 50, 4),
                ["off_corpus_coverage_p50"] = Percentile(coverageOff, 50, 4),
                ["off_corpus_coverage_p90"] = Percentile(coverageOff, 90, 4),
            };
            if (offCorpus.Count > 0)
                report["off_corpus"] = new Dictionary<string, object>
                {
                    ["file"] = Path.GetFileName(a.Get("off-corpus")!),
                    ["questions"] = offCorpus.Count,
                    ["refusal_rate"] = Math.Round(offRefused / (double)offCorpus.Count, 4),
                };
            if (json) Console.WriteLine(JsonSerializer.Serialize(report));
            else
            {
                Console.WriteLine($"{report["file"]}: {items.Count} questions over {contexts.Count} contexts (answers by {provider ?? "none: --no-ask"})");
                foreach (var key in new[] { "recall@1", "recall@5", "recall@10", "mrr", "ndcg@10", "answer_match", "refusal_rate" })
                    Console.WriteLine($"  {key,-13} {report[key]}");
                if (report.GetValueOrDefault("off_corpus") is Dictionary<string, object> off)
                    Console.WriteLine($"  off-corpus refusal {off["refusal_rate"]} of {off["questions"]} questions from {off["file"]}");
                if (compare)
                {
                    Console.WriteLine($"  {"stage",-16} {"recall@1",9} {"recall@5",9} {"recall@10",9} {"mrr",7} {"ndcg@10",8}");
                    foreach (var (name, _, _) in stages)
                    {
                        var m = Metrics(ranks[name]);
                        Console.WriteLine($"  {name,-16} {m["recall@1"],9} {m["recall@5"],9} {m["recall@10"],9} {m["mrr"],7} {m["ndcg@10"],8}");
                    }
                }
                foreach (var (k, v) in (Dictionary<string, double>)report["gate"]!) Console.WriteLine($"  {k,-24} {v}");
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

    private static double Percentile(List<double> values, int p, int digits = 1)
    {
        if (values.Count == 0) return 0;
        var sorted = values.Order().ToList();
        return Math.Round(sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)], digits);
    }

    /// <summary>Passages asked for per question: enough for ten distinct documents when a context spans several chunks.</summary>
    private const int PassagesPerQuestion = 30;

    private static List<Item> Load(string path)
    {
        var items = new List<Item>();
        foreach (var raw in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(raw)) continue;
            var line = JsonSerializer.Deserialize<Line>(raw) ?? throw new CliException($"A line of {Path.GetFileName(path)} is not a JSON object.");
            if (line.Context is null || line.Question is null) continue;
            items.Add(new Item(line.Id ?? items.Count.ToString(CultureInfo.InvariantCulture), line.Lang ?? "", line.Context, line.Question, line.Answers ?? [], line.Title));
        }
        return items;
    }

    /// <summary>
    /// The stages of --compare, the portal as configured last: BM25 alone, vectors alone, their fusion, and the fusion
    /// reranked when a reranker is configured.
    /// </summary>
    private static List<(string Name, SearchMode Mode, bool Rerank)> CompareStages(IServiceProvider services)
    {
        List<(string, SearchMode, bool)> stages = [("bm25", SearchMode.KeywordOnly, false), ("vector", SearchMode.VectorOnly, false), ("hybrid", SearchMode.Hybrid, false)];
        if (services.GetRequiredService<RerankStage>().Reranker is not null) stages.Add((PortalStage(services), SearchMode.Hybrid, true));
        return stages;
    }

    /// <summary>The name under which the portal's own ranking is reported: "hybrid", or "hybrid+rerank" with a reranker.</summary>
    private static string PortalStage(IServiceProvider services) =>
        services.GetRequiredService<RerankStage>().Reranker is null ? "hybrid" : "hybrid+rerank";

    /// <summary>1-based rank of the gold document among the distinct documents of the result, or null beyond ten.</summary>
    private static int? DocumentRank(RetrievalResult result, Guid gold)
    {
        var documents = result.Passages.Select(p => p.DocumentId).Distinct().Take(10).ToList();
        var i = documents.IndexOf(gold);
        return i < 0 ? null : i + 1;
    }

    private static Dictionary<string, double> Metrics(List<int?> ranks)
    {
        double At(int k) => ranks.Count == 0 ? 0 : Math.Round(ranks.Count(r => r <= k) / (double)ranks.Count, 4);
        double Mean(Func<int, double> f) => ranks.Count == 0 ? 0 : Math.Round(ranks.Sum(r => r is { } x ? f(x) : 0) / ranks.Count, 4);
        return new()
        {
            ["recall@1"] = At(1), ["recall@5"] = At(5), ["recall@10"] = At(10),
            ["mrr"] = Mean(x => 1.0 / x),
            ["ndcg@10"] = Mean(x => 1 / Math.Log2(x + 1)), // one relevant context per question: the ideal DCG is 1
        };
    }

    /// <summary>Asks through the portal's answer path; with --no-ask the retrieval's own verdict stands for it.</summary>
    private static async Task<(bool Answered, bool Match, double? Ms, string? Provider)> AnswerAsync(AskService ask, UserAccess user, Item item,
        int collectionId, string? provider, RetrievalResult retrieval, bool answer)
    {
        if (!answer) return (retrieval.Answerable && retrieval.Passages.Count > 0, false, null, null);
        var sw = Stopwatch.StartNew();
        AskCompleted? done = null;
        await foreach (var e in ask.AskAsync(user, new AskRequest(item.Question, null, provider, [collectionId])))
            if (e is AskCompleted c) done = c;
        var answered = done is not null && done.Answered;
        return (answered, answered && ExpectedAnswer.Matches(done!.Answer, item.Answers), sw.Elapsed.TotalMilliseconds, done?.Provider);
    }
}
