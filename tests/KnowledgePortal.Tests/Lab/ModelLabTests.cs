using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Answering;
using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Insights;
using KnowledgePortal.Core.Lab;
using KnowledgePortal.Tests.Answering.Integration;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static KnowledgePortal.Tests.Answering.Integration.AnsweringTestKit;

namespace KnowledgePortal.Tests.Lab;

/// <summary>The model lab against real PostgreSQL, the demo corpus and two OpenAI-compatible test servers.</summary>
[Trait(TestTier.Name, TestTier.Db)]
public class ModelLabTests(AnsweringFixture fixture) : IClassFixture<AnsweringFixture>, IAsyncLifetime
{
    private const string Cloud = "Lab cloud model";
    private const string OnPrem = "Lab on-prem model";
    private const string LeaveQuestion = "How many days of paid annual leave do new employees receive?";
    private const string BonusQuestion = "What is the bonus for grade G5?";

    private FakeOpenAiServer _cloudServer = null!;
    private FakeOpenAiServer _onPremServer = null!;
    private TestServices Services => fixture.Services;
    private ModelLab Lab => Services.Get<ModelLab>();

    public async Task InitializeAsync()
    {
        _cloudServer = await FakeOpenAiServer.StartAsync();
        _onPremServer = await FakeOpenAiServer.StartAsync();
        _cloudServer.AlwaysIncludeStreamUsage = true;
        _cloudServer.Responder = _ => "New employees receive 10 days of paid leave [1].";
        _onPremServer.Responder = _ => "It depends [1].";
        await SetProfilesAsync(Services, extractiveEnabled: true,
            Profile(Cloud, _cloudServer, ProviderLocation.Cloud, SensitivityLabel.Internal, inputPrice: 2.5m, outputPrice: 10m),
            Profile(OnPrem, _onPremServer, ProviderLocation.OnPremises, SensitivityLabel.Secret));
    }

    public async Task DisposeAsync()
    {
        await _cloudServer.DisposeAsync();
        await _onPremServer.DisposeAsync();
    }

    /// <summary>An admin who also belongs to HR, so the Confidential salary bands are among what they may read.</summary>
    private Task<UserAccess> HrAdminAsync() => Services.Get<AccessResolver>().ResolveAsync(
        new ExternalIdentity("dev:lab-hr-admin", "lab-hr-admin", "Lab HR admin", null, ["Staff", "HR"], ["Admin"]));

    private async Task<LabRunView> RunAsync(UserAccess admin, IReadOnlyList<string> providers, params LabQuestionInput[] questions)
    {
        var (runId, error) = await Lab.CreateAsync(admin, new LabRunRequest("test run", questions, providers));
        Assert.Null(error);
        await Lab.ExecuteAsync(admin, runId!.Value);
        return (await Lab.LoadAsync(admin, runId.Value))!;
    }

    [Fact]
    public async Task ExecuteAsync_TwoModels_SavesSideBySideAnswersWithTokensCostTimingAndMatch()
    {
        var admin = await Services.UserAsync("admin");
        var before = await Services.Get<InsightsQueries>().AnswerShareAsync(Today());

        var view = await RunAsync(admin, [Cloud, Extractive], new LabQuestionInput(LeaveQuestion, ["10 days"]), new LabQuestionInput("Where is the VPN?", []));

        Assert.Equal(LabRunState.Completed, view.Run.State);
        Assert.Equal(2, view.Questions.Count);
        var leave = view.Questions[0];
        Assert.Equal([Cloud, Extractive], leave.Results.Select(r => r.Provider));
        var cloud = leave.Results[0];
        Assert.Null(cloud.Error);
        Assert.True(cloud.Answered);
        Assert.Equal("New employees receive 10 days of paid leave [1].", cloud.Answer);
        Assert.True(cloud.ExpectedMatch);
        Assert.False(cloud.TokensEstimated);
        Assert.True(cloud.InputTokens > 0 && cloud.OutputTokens > 0);
        Assert.Equal(Cost.Compute(cloud.InputTokens, cloud.OutputTokens, 2.5m, 10m), cloud.Cost);
        Assert.True(cloud.Cost > 0);
        Assert.NotNull(cloud.FirstTokenMs);
        Assert.Equal("employee-handbook.docx", Assert.Single(cloud.Citations).Passage.FileName);
        Assert.Equal(1, Assert.Single(cloud.Citations).Number);
        var extractive = leave.Results[1];
        Assert.True(extractive.Answered);
        Assert.Equal(0m, extractive.Cost);
        // Measured in fractions of a millisecond and saved as such: never "0 ms".
        Assert.True(extractive.TotalMs > 0, $"extractive total {extractive.TotalMs} ms");
        Assert.NotEqual("0 ms", Milliseconds.Format(extractive.TotalMs));
        Assert.True(extractive.FirstTokenMs > 0);
        Assert.Null(view.Questions[1].Results[0].ExpectedMatch); // no expected answers: not judged

        // The cloud model saw the question and the handbook passage, numbered.
        var prompt = _cloudServer.ChatRequests.First(r => r.LastUserMessage.Contains(LeaveQuestion)).LastUserMessage;
        Assert.Contains("[1]", prompt);
        Assert.Contains("10 days of paid annual leave", prompt);

        var cloudSummary = view.Summary.Single(s => s.Provider == Cloud);
        Assert.Equal((2, 1, 1), (cloudSummary.Results, cloudSummary.Judged, cloudSummary.Matched));
        Assert.Equal(view.Questions.Sum(q => q.Results.Where(r => r.Provider == Cloud).Sum(r => r.Cost)), cloudSummary.Cost);

        // Paid calls are in the ledger (route "lab"), but are not staff questions.
        await using var db = Services.Db.CreateContext();
        var ledger = await db.UsageRecords.Where(u => u.Route == UsageRoutes.Lab && u.UserId == admin.UserId && u.Provider == Cloud).ToListAsync();
        Assert.Contains(ledger, u => u.Cost == cloud.Cost && u.InputTokens == cloud.InputTokens);
        var after = await Services.Get<InsightsQueries>().AnswerShareAsync(Today());
        Assert.Equal(before.Total, after.Total);
        Assert.Contains(await Services.Get<InsightsQueries>().CostPerDayAsync(Today()), d => d.Series == Cloud && d.Cost >= cloud.Cost);
    }

    [Fact]
    public async Task ExecuteAsync_ConfidentialPassages_WithheldFromCloudModelAndSentToOnPremisesModel()
    {
        var hrAdmin = await HrAdminAsync();
        var salaryChunks = await ChunkTextsAsync(Services, DemoData.HrPolicies);

        var view = await RunAsync(hrAdmin, [Cloud, OnPrem], new LabQuestionInput(BonusQuestion, ["3.5"]));

        var cloud = view.Questions[0].Results.Single(r => r.Provider == Cloud);
        var onPrem = view.Questions[0].Results.Single(r => r.Provider == OnPrem);
        Assert.True(cloud.WithheldCount > 0);
        Assert.Equal(SensitivityRouter.WithheldRoute, cloud.Route);
        Assert.Equal(0, onPrem.WithheldCount);
        Assert.Equal(SensitivityRouter.Direct, onPrem.Route);
        var cloudPrompts = Prompts(_cloudServer);
        var onPremPrompts = Prompts(_onPremServer);
        Assert.DoesNotContain(salaryChunks, text => cloudPrompts.Contains(text.Trim()));
        Assert.Contains(salaryChunks, text => onPremPrompts.Contains(text.Trim()));
    }

    [Fact]
    public async Task LoadAsync_AdminWhoCannotReadTheSources_SeesAnswersHiddenInPageAndExport()
    {
        var hrAdmin = await HrAdminAsync();
        var run = await RunAsync(hrAdmin, [OnPrem, Extractive], new LabQuestionInput(BonusQuestion, ["3.5"]), new LabQuestionInput(LeaveQuestion, ["10 days"]));
        var salaryChunks = await ChunkTextsAsync(Services, DemoData.HrPolicies);

        var admin = await Services.UserAsync("admin"); // Staff + Engineering, not HR
        var view = (await Lab.LoadAsync(admin, run.Run.Id))!;

        var bonus = view.Questions[0];
        Assert.All(bonus.Results, r =>
        {
            Assert.True(r.Hidden);
            Assert.Equal(ModelLab.HiddenAnswer, r.Answer);
            Assert.Empty(r.Citations);
            Assert.Null(r.ExpectedMatch);
        });
        // HR's leave rules may be among the second question's passages too: hidden alike.
        Assert.All(view.Questions[1].Results, r => Assert.Equal(r.Hidden, r.Answer == ModelLab.HiddenAnswer));

        // A run the same admin restricted to the handbook is visible to everyone who can read the handbook.
        var handbook = await Services.CollectionIdAsync(DemoData.Handbook);
        var (openRunId, _) = await Lab.CreateAsync(hrAdmin, new LabRunRequest("handbook only", [new LabQuestionInput(LeaveQuestion, ["10 days"])], [OnPrem, Extractive], [handbook]));
        await Lab.ExecuteAsync(hrAdmin, openRunId!.Value);
        var open = (await Lab.LoadAsync(admin, openRunId.Value))!;
        Assert.All(open.Questions[0].Results, r => Assert.False(r.Hidden));
        Assert.NotEmpty(open.Questions[0].Results.SelectMany(r => r.Citations));
        var csv = LabCsv.Format(view);
        Assert.DoesNotContain(salaryChunks.SelectMany(t => t.Split('\n')).Where(l => l.Trim().Length > 20), line => csv.Contains(line.Trim()));
        Assert.DoesNotContain("salary-bands", csv);
        Assert.DoesNotContain("Salary bands", csv, StringComparison.OrdinalIgnoreCase);
        // The hidden question really was answered from HR passages (the author still sees it).
        Assert.All(run.Questions[0].Results, r => Assert.False(r.Hidden));
        var hrCollection = await Services.CollectionIdAsync(DemoData.HrPolicies);
        await using var db = Services.Db.CreateContext();
        var sent = (await db.LabResults.Where(r => r.RunId == run.Run.Id && r.QuestionOrdinal == 1).ToListAsync()).SelectMany(r => r.SentChunkIds).ToArray();
        Assert.True(await db.Chunks.AnyAsync(c => sent.Contains(c.Id) && c.CollectionId == hrCollection));
    }

    [Fact]
    public async Task ExecuteAsync_OneModelFails_RecordsItsErrorAndTheOtherModelStillAnswers()
    {
        var admin = await Services.UserAsync("admin");
        _cloudServer.AlwaysFailWith = 401;

        var view = await RunAsync(admin, [Cloud, Extractive], new LabQuestionInput(LeaveQuestion, ["10 days"]));

        Assert.Equal(LabRunState.Completed, view.Run.State);
        var cloud = view.Questions[0].Results.Single(r => r.Provider == Cloud);
        Assert.Contains("API key", cloud.Error);
        Assert.Null(cloud.ExpectedMatch);
        Assert.Equal(0m, cloud.Cost);
        Assert.Null(view.Questions[0].Results.Single(r => r.Provider == Extractive).Error);
        Assert.Equal(1, view.Summary.Single(s => s.Provider == Cloud).Errors);
    }

    [Fact]
    public async Task ExecuteAsync_RunWithSavedResult_ResumesWithoutAskingAgain()
    {
        var admin = await Services.UserAsync("admin");
        var (runId, _) = await Lab.CreateAsync(admin, new LabRunRequest("resume", [new LabQuestionInput(LeaveQuestion, []), new LabQuestionInput("Where is the VPN?", [])], [Cloud, Extractive]));
        await using (var db = Services.Db.CreateContext())
        {
            db.LabResults.Add(new LabResult { RunId = runId!.Value, QuestionOrdinal = 1, Provider = Cloud, Route = "direct", Answer = "saved before the restart", Answered = true });
            await db.SaveChangesAsync();
        }
        var requestsBefore = _cloudServer.ChatRequests.Count;

        await Lab.ExecuteAsync(admin, runId!.Value);

        var view = (await Lab.LoadAsync(admin, runId.Value))!;
        Assert.Equal(4, view.Run.ResultCount);
        Assert.Equal("saved before the restart", view.Questions[0].Results.Single(r => r.Provider == Cloud).Answer);
        Assert.Equal(1, _cloudServer.ChatRequests.Count - requestsBefore);
        Assert.Equal(LabRunState.Completed, view.Run.State);
    }

    [Fact]
    public async Task CreateAsync_InvalidRequests_AreRefusedWithReasons()
    {
        var admin = await Services.UserAsync("admin");
        LabQuestionInput[] one = [new(LeaveQuestion, [])];

        Assert.Equal(LabErrorCode.TooFewModels, (await Lab.CreateAsync(admin, new LabRunRequest("", one, [Cloud]))).Error?.Code);
        Assert.Equal(LabErrorCode.UnknownModel, (await Lab.CreateAsync(admin, new LabRunRequest("", one, [Cloud, "No such model"]))).Error?.Code);
        Assert.Equal(LabErrorCode.NoQuestions, (await Lab.CreateAsync(admin, new LabRunRequest("", [new("  ", [])], [Cloud, OnPrem]))).Error?.Code);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(async () =>
            await Lab.CreateAsync(await Services.UserAsync("hr"), new LabRunRequest("", one, [Cloud, OnPrem])));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(async () => await Lab.ListAsync(await Services.UserAsync("staff")));
    }

    [Fact]
    public async Task StartAsync_Runner_AnswersInTheBackgroundUntilCompleted()
    {
        var admin = await Services.UserAsync("admin");
        var runner = Services.Get<ModelLabRunner>();

        var (runId, error) = await runner.StartAsync(admin, new LabRunRequest("background", [new LabQuestionInput(LeaveQuestion, ["10 days"])], [Cloud, Extractive]));

        Assert.Null(error);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        LabRunView? view;
        do
        {
            await Task.Delay(100);
            view = await Lab.LoadAsync(admin, runId!.Value);
        } while (view!.Run.State == LabRunState.Running && DateTime.UtcNow < deadline);
        Assert.Equal(LabRunState.Completed, view.Run.State);
        Assert.Equal(2, view.Run.ResultCount);
        Assert.Contains(await Lab.ListAsync(admin), r => r.Id == runId && r.State == LabRunState.Completed);
        await using var db = Services.Db.CreateContext();
        Assert.True(await db.AuditEvents.AnyAsync(e => e.Action == "lab-run" && e.TargetId == runId.ToString()));
    }

    [Fact]
    public async Task SaveSetAsync_NewThenRenamedSet_RoundTripsAndRefusesDuplicateNames()
    {
        var admin = await Services.UserAsync("admin");
        var questions = LabQuestionParser.Parse("Q1? => a | b\nQ2?").Questions;

        var (id, error) = await Lab.SaveSetAsync(admin, null, "Onboarding FAQ", questions);
        Assert.Null(error);
        var (_, duplicate) = await Lab.SaveSetAsync(admin, null, "Other", questions);
        Assert.Null(duplicate);
        var (_, taken) = await Lab.SaveSetAsync(admin, id, "Other", questions);
        Assert.Equal(LabErrorCode.SetNameTaken, taken?.Code);
        var (sameId, replaced) = await Lab.SaveSetAsync(admin, id, "Onboarding FAQ", LabQuestionParser.Parse("Q3? => c").Questions);

        Assert.Null(replaced);
        Assert.Equal(id, sameId);
        var set = (await Lab.ListSetsAsync(admin)).Single(s => s.Id == id);
        Assert.Equal(["Q3?"], set.Questions.Select(q => q.Text));
        Assert.Equal(["c"], set.Questions[0].ExpectedAnswers);
        Assert.True(await Lab.DeleteSetAsync(admin, id!.Value));
    }

    private static InsightsFilter Today()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        return new InsightsFilter(today.AddDays(-1), today.AddDays(1), null, null, null, null);
    }
}
