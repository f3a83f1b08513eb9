using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Library;
using KnowledgePortal.Tests.Infrastructure;
using KnowledgePortal.Tests.Retrieval.Integration;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Tests.Library;

public class ExampleQuestionsTests
{
    private static readonly Guid Handbook = Guid.NewGuid();
    private static readonly Guid Runbook = Guid.NewGuid();
    private static readonly Guid Japanese = Guid.NewGuid();

    [Fact]
    public void Compose_HeadingsOfSeveralDocuments_OneQuestionPerDocumentFirstInTheUiLanguage()
    {
        var headings = new[]
        {
            new SectionHeading(Handbook, "Annual leave"), new SectionHeading(Handbook, "Working hours > Overtime"),
            new SectionHeading(Runbook, "On-call rotation"), new SectionHeading(Japanese, "有給休暇 > 付与日数"),
        };

        var questions = ExampleQuestions.Compose(headings, "en", 3);

        Assert.Equal(["What should I know about annual leave?", "What should I know about on-call rotation?", "What should I know about overtime?"], questions);
    }

    [Fact]
    public void Compose_JapaneseUi_JapaneseHeadingsFirstWithJapaneseWording()
    {
        var headings = new[] { new SectionHeading(Handbook, "Annual leave"), new SectionHeading(Japanese, "有給休暇 > 付与日数") };

        var questions = ExampleQuestions.Compose(headings, "ja", 2);

        Assert.Equal("付与日数について教えてください", questions[0]);
        Assert.Equal("What should I know about annual leave?", questions[1]);
    }

    [Theory]
    [InlineData("Contacts")]
    [InlineData("Restarting the orders-api > Steps")]
    [InlineData("第1章 総則 > 第1条(目的)")]
    [InlineData("附則")]
    [InlineData("1.2 Scope")]
    public void Compose_HeadingThatIsNoTopic_Skipped(string heading)
    {
        Assert.Empty(ExampleQuestions.Compose([new SectionHeading(Handbook, heading)], "en", 4));
    }
}

/// <summary>Examples come through the search predicate: a person is never shown a question made from a document they cannot read.</summary>
[Trait(TestTier.Name, TestTier.Db)]
public class ExampleQuestionsAccessTests(DemoCorpusFixture fixture) : IClassFixture<DemoCorpusFixture>
{
    [Fact]
    public async Task ForAsync_Staff_NoExampleFromAnHrOnlyDocument()
    {
        var staff = await fixture.Services.UserAsync("staff");
        var hr = await fixture.Services.UserAsync("hr");
        var examples = fixture.Services.Get<ExampleQuestions>();
        await using var db = fixture.Services.Db.CreateContext();
        var hrCollection = await fixture.Services.CollectionIdAsync(DemoData.HrPolicies);
        var hrOnly = await db.Chunks.Where(c => c.CollectionId == hrCollection && c.HeadingPath != null).Select(c => c.HeadingPath!).Distinct().ToListAsync();
        var hrTopics = hrOnly.Select(h => h.Split('>').Last().Trim()).ToList();
        Assert.Contains("Rating scale", hrTopics); // the HR policies do have headings that would make examples

        var forStaff = new List<string>();
        foreach (var language in new[] { "en", "ja" }) forStaff.AddRange(await examples.ForAsync(staff, language, count: 100));
        var forHr = await examples.ForAsync(hr, "en", count: 100);

        Assert.NotEmpty(forStaff);
        Assert.Contains(forStaff, q => q.Contains("annual leave"));
        foreach (var topic in hrTopics)
            Assert.DoesNotContain(forStaff, q => q.Contains(topic, StringComparison.OrdinalIgnoreCase));
        Assert.Contains(forHr, q => q.Contains("rating scale")); // the same rule lets HR see theirs
    }
}
