using KnowledgePortal.Core.Answering;
using KnowledgePortal.Tests.Infrastructure;
using KnowledgePortal.Tests.Retrieval.Integration;
using static KnowledgePortal.Tests.Answering.Integration.AnsweringTestKit;

namespace KnowledgePortal.Tests.Answering.Integration;

public class ExtractiveDemoFixture : DemoCorpusFixture
{
    protected override string Purpose => "extractdemo";
}

/// <summary>
/// The built-in (no model) answers on the demo content, as staff read them on a fresh install: the first bullet is the
/// sentence or table row that answers, and follow-ups carry the previous question's subject in both languages.
/// </summary>
[Trait(TestTier.Name, TestTier.Db)]
public class ExtractiveDemoAnswerTests(ExtractiveDemoFixture fixture) : IClassFixture<ExtractiveDemoFixture>, IAsyncLifetime
{
    private TestServices Services => fixture.Services;

    public async Task InitializeAsync() => await SetProfilesAsync(Services, extractiveEnabled: true);

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<AskCompleted> AskAsync(string question, Guid? session = null)
    {
        var events = await AnsweringTestKit.AskAsync(Services, "staff", new AskRequest(question, session, Extractive));
        return Assert.IsType<AskCompleted>(events[^1]);
    }

    private static string FirstBullet(AskCompleted done) =>
        done.Answer.Split('\n').First(l => l.StartsWith("- ", StringComparison.Ordinal));

    [Theory]
    [InlineData("Can I take a taxi home after 22:00?", "Taxis are allowed after 22:00")]
    [InlineData("What are the reception hours?", "8:30–19:00")]
    [InlineData("Is the office open on 6 May?", "6 May 2026")]
    [InlineData("How many days of annual leave do I get?", "10 days of paid annual leave")]
    [InlineData("結婚したときの慶弔休暇は何日ですか？", "本人の結婚; 日数: 5日")]
    [InlineData("受付は何時から何時までですか？", "8:30〜19:00")]
    [InlineData("タクシーは使えますか？", "22時以降")]
    public async Task Ask_DemoQuestionWithoutModel_FirstBulletIsTheAnswer(string question, string expected)
    {
        var done = await AskAsync(question);

        Assert.True(done.Answered, done.Answer);
        Assert.Contains(expected, FirstBullet(done));
    }

    [Fact]
    public async Task Ask_AnnualLeave_NeverQuotesTheHeadingAlone()
    {
        var done = await AskAsync("Annual leave");

        Assert.DoesNotContain(done.Answer.Split('\n'), l => l.Trim() is "- Annual leave [1]" or "- Annual leave");
        Assert.Contains("annual leave", FirstBullet(done), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Ask_WhoTheHandbookAppliesTo_SentenceIsNotCutAtKk()
    {
        var done = await AskAsync("Which employees does the handbook apply to?");

        Assert.Contains("Contoso Japan K.K. in Tokyo, Osaka and Fukuoka.", done.Answer);
    }

    [Theory]
    [InlineData("How many days of annual leave do I get?", "And for part-time staff?", "annual leave")]
    [InlineData("有給休暇は何日もらえますか？", "パートタイム社員の場合は？", "有給休暇")]
    public async Task Ask_FollowUpWithoutModel_CarriesThePreviousSubject(string first, string followUp, string subject)
    {
        var opening = await AskAsync(first);

        var done = await AskAsync(followUp, opening.SessionId);

        Assert.True(done.Answered, done.Answer);
        Assert.Contains(subject, FirstBullet(done), StringComparison.OrdinalIgnoreCase);
        // No demo document mentions part-time staff: the notice says the passages are about the subject followed up.
        Assert.Equal(AskService.FollowUpSubjectNotice(followUp.Any(c => c > 0x3000) ? "ja" : "en"), done.Notice);
        Assert.DoesNotContain("badge", done.Answer, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("コアタイム", done.Answer);
        Assert.DoesNotContain("Core hours", done.Answer);
    }
}
