using KnowledgePortal.Core.Answering;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Retrieval;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Tests.Retrieval.Integration;

/// <summary>
/// The glossary is read by <see cref="AskService"/>, which passes expansions to the retriever. Tests in a class run
/// one at a time, so each test that adds the entry removes it again.
/// </summary>
[Trait(TestTier.Name, TestTier.Db)]
public class GlossaryExpansionTests(DemoCorpusFixture fixture) : IClassFixture<DemoCorpusFixture>
{
    private const string Question = "PTO";
    private TestServices Services => fixture.Services;

    private static bool IsJapaneseLeaveSection(RetrievedPassage p) =>
        p.FileName == "shain-handbook-ja.docx" && ((p.Locator.HeadingPath ?? "") + " " + p.Context).Contains("有給休暇");

    private static string Describe(IEnumerable<RetrievedPassage> passages) =>
        string.Join("\n", passages.Select((p, i) => $"{i + 1}. {p.FileName} · {p.Locator.ToDisplay()} · {p.Score:0.0000}"));

    private async Task<T> WithGlossaryAsync<T>(Func<Task<T>> body)
    {
        int id;
        await using (var db = Services.Db.CreateContext())
        {
            var entry = new GlossaryEntry { Term = "PTO", Synonyms = ["有給休暇"] };
            db.Glossary.Add(entry);
            await db.SaveChangesAsync();
            id = entry.Id;
        }
        try
        {
            return await body();
        }
        finally
        {
            await using var db = Services.Db.CreateContext();
            await db.Glossary.Where(g => g.Id == id).ExecuteDeleteAsync();
        }
    }

    [Fact]
    public async Task AskAsync_GlossaryMapsPtoToYuukyuu_RanksJapaneseLeaveSectionFirst()
    {
        var staff = await Services.UserAsync("staff");
        var events = await WithGlossaryAsync(() => Services.Get<AskService>().AskAsync(staff, new AskRequest(Question)).ToListAsync().AsTask());

        Assert.DoesNotContain(events, e => e is AskFailed);
        var started = Assert.IsType<AskStarted>(events[0]);
        Assert.NotEmpty(started.Sources);
        Assert.True(IsJapaneseLeaveSection(started.Sources[0]), Describe(started.Sources));
        var completed = Assert.IsType<AskCompleted>(events[^1]);
        Assert.True(completed.Answered);
        Assert.Contains(completed.Citations, c => IsJapaneseLeaveSection(c.Passage));
    }

    [Fact]
    public async Task SearchAsync_WithGlossaryExpansions_RanksJapaneseLeaveSectionFirst()
    {
        var staff = await Services.UserAsync("staff");
        var expansions = GlossaryExpander.Expand(Question, [("PTO", ["有給休暇"])]);
        Assert.Equal(["有給休暇"], expansions);

        var result = await Services.Get<HybridRetriever>().SearchAsync(staff, new SearchRequest(Question, expansions));

        Assert.True(result.Answerable, Describe(result.Passages));
        Assert.True(IsJapaneseLeaveSection(result.Passages[0]), Describe(result.Passages));
    }

    [Fact]
    public async Task AskAsync_WithoutGlossaryEntry_DoesNotRankJapaneseLeaveSectionFirst()
    {
        await using (var db = Services.Db.CreateContext())
            Assert.Empty(await db.Glossary.ToListAsync());
        var staff = await Services.UserAsync("staff");

        var events = await Services.Get<AskService>().AskAsync(staff, new AskRequest(Question)).ToListAsync();

        var started = Assert.IsType<AskStarted>(events[0]);
        Assert.False(started.Sources.Count > 0 && IsJapaneseLeaveSection(started.Sources[0]), Describe(started.Sources));
    }
}
