using System.Text.Json;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Tests.Answering.Integration;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static KnowledgePortal.Tests.Answering.Integration.AnsweringTestKit;

namespace KnowledgePortal.Tests.Cli;

/// <summary>`./portal eval` and `./portal lab` run by the real binary against real PostgreSQL; their --json keys are a contract.</summary>
[Trait(TestTier.Name, TestTier.Db)]
public class PortalCliTests(AnsweringFixture fixture) : IClassFixture<AnsweringFixture>
{
    /// <summary>A small question-answering set in the format of ../shared/eval (written here, not copied).</summary>
    private static readonly object[] EvalSet =
    [
        new { id = "e1", lang = "en", context = "The Kestrel Lighthouse was built in 1874 on Gannet Point. Its lamp was converted to electricity in 1931.", question = "When was the Kestrel Lighthouse built?", answers = new[] { "1874" } },
        new { id = "e2", lang = "en", context = "Marrow Valley cheese is aged for nine months in limestone caves near the village of Oxbury.", question = "How long is Marrow Valley cheese aged?", answers = new[] { "nine months" } },
        new { id = "e3", lang = "en", context = "The Tollen river bridge has seven stone arches and carries the old coach road to Dunmere.", question = "How many arches does the Tollen river bridge have?", answers = new[] { "seven" } },
        new { id = "j1", lang = "ja", context = "青葉図書館 [SEP] 青葉図書館は1952年に開館し、蔵書数は約32万冊である。毎週月曜日が休館日となっている。", question = "青葉図書館の休館日は何曜日ですか？", answers = new[] { "月曜日" } },
        new { id = "j2", lang = "ja", context = "白浜水族館 [SEP] 白浜水族館ではラッコの給餌を毎日午後2時に公開している。入館料は大人1500円である。", question = "白浜水族館の大人の入館料はいくらですか？", answers = new[] { "1500円" } },
    ];

    [Fact]
    public async Task Reconcile_ChunkAclDrifted_ReportsExitOneThenRepairs()
    {
        var cs = fixture.Services.Db.ConnectionString;
        await using (var db = fixture.Services.Db.CreateContext())
        {
            var id = await db.Chunks.OrderBy(c => c.Id).Select(c => c.Id).FirstAsync();
            Assert.Equal(1, await db.Database.ExecuteSqlAsync($"UPDATE chunks SET allowed_group_ids = array_append(allowed_group_ids, 999999) WHERE id = {id}"));
        }

        var (found, foundOut, foundErr) = await PortalProcess.RunCliAsync(cs, "reconcile", "--json");
        Assert.True(found == 1, foundErr + foundOut);
        using (var json = JsonDocument.Parse(foundOut))
        {
            var drift = Assert.Single(json.RootElement.GetProperty("drift").EnumerateArray());
            Assert.Equal(1, drift.GetProperty("chunks").GetInt32());
            Assert.False(json.RootElement.GetProperty("repaired").GetBoolean());
        }

        var (repaired, repairedOut, repairedErr) = await PortalProcess.RunCliAsync(cs, "reconcile", "--repair", "--json");
        Assert.True(repaired == 0, repairedErr);
        using (var json = JsonDocument.Parse(repairedOut)) Assert.True(json.RootElement.GetProperty("repaired").GetBoolean());

        var (clean, cleanOut, _) = await PortalProcess.RunCliAsync(cs, "reconcile");
        Assert.Equal(0, clean);
        Assert.Contains("No drift", cleanOut);
    }

    [Fact]
    public async Task Eval_SmallSet_PrintsRecallMrrAnswerMatchRefusalAndTimingsAsJson()
    {
        var file = Path.Combine(Path.GetTempPath(), $"kp-eval-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllLinesAsync(file, EvalSet.Select(item => JsonSerializer.Serialize(item)));
        try
        {
            await SetProfilesAsync(fixture.Services, extractiveEnabled: true);
            var (exit, stdout, stderr) = await PortalProcess.RunCliAsync(fixture.Services.Db.ConnectionString, "eval", file, "--json");

            Assert.True(exit == 0, stderr);
            using var report = JsonDocument.Parse(stdout);
            var root = report.RootElement;
            foreach (var key in new[] { "recall@1", "recall@5", "recall@10", "mrr", "answer_match", "refusal_rate" })
            {
                var value = root.GetProperty(key).GetDouble();
                Assert.InRange(value, 0, 1);
            }
            Assert.Equal(5, root.GetProperty("questions").GetInt32());
            // Five distinct small contexts: every gold context is found, and first.
            Assert.Equal(1.0, root.GetProperty("recall@10").GetDouble());
            Assert.True(root.GetProperty("mrr").GetDouble() >= 0.8, stdout);
            // The extractive answer quotes the passage, so the gold answers appear in it.
            Assert.True(root.GetProperty("answer_match").GetDouble() >= 0.8, stdout);
            Assert.True(root.GetProperty("timings").GetProperty("search_p50_ms").GetDouble() > 0);

            // The scratch collection, group and documents are gone.
            await using var db = fixture.Services.Db.CreateContext();
            Assert.False(await db.Collections.AnyAsync(c => c.Name.StartsWith("eval-")));
            Assert.False(await db.Groups.AnyAsync(g => g.Name.StartsWith("eval-")));
            Assert.False(await db.Documents.AnyAsync(d => d.FileName.StartsWith("context-")));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Lab_QuestionAsAdmin_PrintsBothModelsAndSavesTheRun()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.AlwaysIncludeStreamUsage = true;
        server.Responder = _ => "New employees receive 10 days of paid leave [1].";
        await SetProfilesAsync(fixture.Services, extractiveEnabled: true,
            Profile("CLI lab model", server, ProviderLocation.Cloud, SensitivityLabel.Internal, inputPrice: 1m, outputPrice: 4m));

        var (exit, stdout, stderr) = await PortalProcess.RunCliAsync(fixture.Services.Db.ConnectionString, "lab",
            "How many days of paid annual leave do new employees receive? => 10 days", "--as", "admin",
            "--models", $"{Extractive},CLI lab model", "--json");

        Assert.True(exit == 0, stderr + stdout);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal("Completed", root.GetProperty("run").GetProperty("state").GetString());
        var results = root.GetProperty("questions")[0].GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([Extractive, "CLI lab model"], results.Select(r => r.GetProperty("provider").GetString()));
        var model = results[1];
        Assert.True(model.GetProperty("expectedMatch").GetBoolean());
        Assert.True(model.GetProperty("cost").GetDecimal() > 0);
        Assert.True(model.GetProperty("inputTokens").GetInt32() > 0);
        Assert.Equal(2, root.GetProperty("summary").GetArrayLength());
        await using var db = fixture.Services.Db.CreateContext();
        var runId = root.GetProperty("run").GetProperty("id").GetGuid();
        Assert.Equal(2, await db.LabResults.CountAsync(r => r.RunId == runId));

        var (refusedExit, _, refusedErr) = await PortalProcess.RunCliAsync(fixture.Services.Db.ConnectionString, "lab", "Anything?", "--as", "staff");
        Assert.NotEqual(0, refusedExit);
        Assert.Contains("not an admin", refusedErr);
    }
}
