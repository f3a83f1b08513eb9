using System.Text;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion;
using KnowledgePortal.Core.Retrieval;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace KnowledgePortal.Tests.Retrieval.Integration;

/// <summary>
/// Okapi BM25 computed in PostgreSQL against scores computed by hand, and the term statistics the triggers keep
/// through ingestion, new versions and deletes, per collection.
/// </summary>
[Trait(TestTier.Name, TestTier.Db)]
public class Bm25StatisticsTests : IAsyncLifetime
{
    private TestServices _services = null!;
    private int _open, _hidden, _openGroup, _hiddenGroup;

    public async Task InitializeAsync()
    {
        _services = await TestServices.StartAsync("bm25", seedDemo: false);
        await using var db = _services.Db.CreateContext();
        var open = new PortalGroup { Name = "readers" };
        var hidden = new PortalGroup { Name = "others" };
        db.Groups.AddRange(open, hidden);
        await db.SaveChangesAsync();
        var a = new Collection { Name = "Open", Sensitivity = SensitivityLabel.Internal };
        a.Access.Add(new CollectionAccess { GroupId = open.Id, Level = AccessLevel.Read });
        var b = new Collection { Name = "Hidden", Sensitivity = SensitivityLabel.Internal };
        b.Access.Add(new CollectionAccess { GroupId = hidden.Id, Level = AccessLevel.Read });
        db.Collections.AddRange(a, b);
        await db.SaveChangesAsync();
        (_open, _hidden, _openGroup, _hiddenGroup) = (a.Id, b.Id, open.Id, hidden.Id);
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    private async Task<Guid> UploadAsync(int collection, string name, string text)
    {
        var result = await _services.Get<DocumentIntake>().UploadAsync(await _services.SystemAsync(), collection, name, Encoding.UTF8.GetBytes(text));
        Assert.True(result.Outcome is IntakeOutcome.Queued or IntakeOutcome.NewVersion, $"{result.Outcome} {result.Message}");
        await _services.DrainQueueAsync();
        return result.DocumentId!.Value;
    }

    private async Task<Dictionary<string, int>> DfAsync(int collection)
    {
        await using var db = _services.Db.CreateContext();
        return await db.CollectionTermStats.Where(s => s.CollectionId == collection).ToDictionaryAsync(s => s.Term, s => s.Df);
    }

    private async Task<(long Chunks, long Terms)> TotalsAsync(int collection)
    {
        await using var db = _services.Db.CreateContext();
        var row = await db.CollectionTextStats.SingleOrDefaultAsync(s => s.CollectionId == collection);
        return row is null ? (0, 0) : (row.Chunks, row.Terms);
    }

    private async Task<List<HybridRetriever.KeywordHit>> KeywordAsync(int[] groups, string query, int? postingsBudget = null, int n = 10)
    {
        var retriever = _services.Get<HybridRetriever>();
        if (postingsBudget is { } budget)
            retriever = new HybridRetriever(_services.Get<NpgsqlDataSource>(), _services.Get<Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>>(),
                _services.Get<KnowledgePortal.Core.Ingestion.Embedding.EmbeddingModelInfo>(), KnowledgePortal.Core.Ingestion.Embedding.EmbeddingClearance.InProcess,
                Microsoft.Extensions.Options.Options.Create(new RetrievalOptions { KeywordPostingsBudget = budget }));
        await using var conn = await _services.Get<NpgsqlDataSource>().OpenConnectionAsync();
        return await retriever.KeywordCandidatesAsync(conn, groups, null, KnowledgePortal.Core.Text.SearchText.ToQueryText(query)!, n, CancellationToken.None);
    }

    [Fact]
    public async Task KeywordCandidatesAsync_TinyPostingsBudget_SameTopKAsScoringEveryMatch()
    {
        // "office" is in every chunk, "parking" in some, "bicycle" in two: MaxScore starts from "bicycle" alone.
        for (var i = 0; i < 12; i++)
            await UploadAsync(_open, $"d{i}.txt", "office " + (i % 3 == 0 ? "parking parking " : "") + (i is 4 or 7 ? "bicycle " : "") + $"note{i} office");

        foreach (var n in new[] { 1, 3, 10 })
        {
            var exact = await KeywordAsync([_openGroup], "office parking bicycle", postingsBudget: 0, n: n);
            var pruned = await KeywordAsync([_openGroup], "office parking bicycle", postingsBudget: 1, n: n);
            Assert.Equal(exact.Select(h => (h.Id, Math.Round(h.Score, 9))), pruned.Select(h => (h.Id, Math.Round(h.Score, 9))));
        }
    }

    private async Task<Dictionary<Guid, long>> ChunkOfAsync()
    {
        await using var db = _services.Db.CreateContext();
        return await db.Chunks.ToDictionaryAsync(c => c.DocumentId, c => c.Id);
    }

    [Fact]
    public async Task KeywordCandidatesAsync_SmallCorpus_ScoresEqualHandComputedBm25()
    {
        // Plain words that Snowball leaves unchanged; .txt files have no heading, so no context field.
        var d1 = await UploadAsync(_open, "one.txt", "apple banana apple");
        var d2 = await UploadAsync(_open, "two.txt", "banana cherry");
        var d3 = await UploadAsync(_open, "three.txt", "cherry cherry cherry date melon");

        var hits = await KeywordAsync([_openGroup], "apple cherry");

        // N = 3 chunks, lengths 3, 2, 5: average 10/3. df(apple) = 1, df(cherry) = 2. k1 = 1.2, b = 0.75.
        double avg = 10.0 / 3, apple = Math.Log(1 + (3 - 1 + 0.5) / 1.5), cherry = Math.Log(1 + (3 - 2 + 0.5) / 2.5);
        double Term(double idf, double tf, double len) => idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * len / avg));
        var chunk = await ChunkOfAsync();
        var expected = new Dictionary<long, double>
        {
            [chunk[d1]] = Term(apple, 2, 3),
            [chunk[d2]] = Term(cherry, 1, 2),
            [chunk[d3]] = Term(cherry, 3, 5),
        };
        Assert.Equal(3, hits.Count);
        foreach (var hit in hits) Assert.Equal(expected[hit.Id], hit.Score, 9);
        Assert.Equal(expected.OrderByDescending(e => e.Value).Select(e => e.Key), hits.Select(h => h.Id));
        // Coverage: the share of the query's idf the chunk matches.
        Assert.Equal(apple / (apple + cherry), hits.Single(h => h.Id == chunk[d1]).Coverage, 9);
        Assert.Equal(Bm25.Term(apple, 2, 3, avg, 1.2, 0.75), expected[chunk[d1]], 12);
    }

    [Fact]
    public async Task KeywordCandidatesAsync_TermCommonInUnreadableCollection_IdfFromReadableCollectionsOnly()
    {
        await UploadAsync(_open, "one.txt", "apple banana");
        await UploadAsync(_open, "two.txt", "cherry banana");
        // Hidden: "apple" everywhere. It must not lower apple's weight for a reader of Open only.
        for (var i = 0; i < 4; i++) await UploadAsync(_hidden, $"h{i}.txt", "apple apple orchard");

        var reader = (await KeywordAsync([_openGroup], "apple")).Single();
        var withHidden = (await KeywordAsync([_openGroup, _hiddenGroup], "apple")).First();

        Assert.Equal(Bm25.Term(Bm25.Idf(2, 1), 1, 2, 2, 1.2, 0.75), reader.Score, 9);
        Assert.NotEqual(reader.Score, withHidden.Score, 3);
    }

    [Fact]
    public async Task Statistics_NewVersionAndDelete_FollowTheCurrentChunks()
    {
        var id = await UploadAsync(_open, "policy.txt", "parking permit parking");
        Assert.Equal(new Dictionary<string, int> { ["park"] = 1, ["permit"] = 1 }, await DfAsync(_open));
        Assert.Equal((1L, 3L), await TotalsAsync(_open));

        // A new version replaces the old chunks: "permit" goes, "bicycle" comes.
        await UploadAsync(_open, "policy.txt", "bicycle parking");
        Assert.Equal(new Dictionary<string, int> { ["bicycl"] = 1, ["park"] = 1 }, await DfAsync(_open));
        Assert.Equal((1L, 2L), await TotalsAsync(_open));

        await UploadAsync(_open, "other.txt", "parking garage");
        Assert.Equal(2, (await DfAsync(_open))["park"]);

        Assert.True(await _services.Get<DocumentCommands>().DeleteAsync(await _services.SystemAsync(), id));
        Assert.Equal(new Dictionary<string, int> { ["garag"] = 1, ["park"] = 1 }, await DfAsync(_open));
        Assert.Equal((1L, 2L), await TotalsAsync(_open));
        Assert.Empty(await DfAsync(_hidden));
    }

    [Fact]
    public async Task SearchVector_HeadingContext_CountsTwiceAndIsStemmed()
    {
        await UploadAsync(_open, "guide.md", "# Parking rules\n\nEmployees park in zone B.");
        await using var db = _services.Db.CreateContext();
        var chunk = await db.Chunks.SingleAsync();
        var tf = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, int>>(chunk.TermFreqs!)!;

        // The context field counts twice; the chunk text may repeat the heading line itself.
        int Count(string? s, string word) => System.Text.RegularExpressions.Regex.Matches(s ?? "", word, System.Text.RegularExpressions.RegexOptions.IgnoreCase).Count;
        Assert.Equal("Parking rules", chunk.Context);
        Assert.Equal(2 * 1 + Count(chunk.Text, "park"), tf["park"]);   // "Parking" and "park" stem alike
        Assert.Equal(2 * 1 + Count(chunk.Text, "rules"), tf["rule"]);
        Assert.Equal(1, tf["employe"]);
        Assert.Equal(tf.Values.Sum(), chunk.TermCount);
    }
}
