using System.Diagnostics;
using KnowledgePortal.Core.Answering;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static KnowledgePortal.Tests.Answering.Integration.AnsweringTestKit;

namespace KnowledgePortal.Tests.Answering.Integration;

public class AskErrorFixture : AnsweringFixture
{
    protected override string Purpose => "askerr";
    protected override IDictionary<string, string?>? Settings => new Dictionary<string, string?>
    {
        ["Retrieval:TopK"] = "5",
        ["Answering:RequestTimeoutSeconds"] = "2",
    };
}

/// <summary>
/// A provider that fails before its first word: the answer quotes passages instead, marked as such, and the notice says
/// which model and endpoint failed and what happened, in words (no stack trace, no exception names, no raw error body).
/// </summary>
[Trait(TestTier.Name, TestTier.Db)]
public class AskErrorTests(AskErrorFixture fixture) : IClassFixture<AskErrorFixture>, IAsyncLifetime
{
    private const string Question = "How many days a week can I work remotely?";
    private const string ProviderName = "Flaky test model";

    private FakeOpenAiServer _server = null!;
    private TestServices Services => fixture.Services;

    public async Task InitializeAsync()
    {
        _server = await FakeOpenAiServer.StartAsync();
        await SetProfilesAsync(Services, extractiveEnabled: true,
            Profile(ProviderName, _server, ProviderLocation.OnPremises, SensitivityLabel.Secret));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<(AskNotice Notice, AskCompleted Done)> AskExpectingFallbackAsync(string providerName = ProviderName, bool reachesServer = true)
    {
        var events = await AskAsync(Services, "staff", new AskRequest(Question, Provider: providerName));

        var started = Assert.IsType<AskStarted>(events[0]);
        Assert.Equal(providerName, started.Provider);
        Assert.DoesNotContain(events, e => e is AskFailed);
        var notice = Assert.Single(events.OfType<AskNotice>());
        Assert.Contains(providerName, notice.Notice);
        Assert.Contains("quotes passages", notice.Notice);
        Assert.DoesNotContain("Exception", notice.Notice);
        Assert.DoesNotContain(" at System.", notice.Notice);
        Assert.DoesNotContain("fake server", notice.Notice); // the provider's raw error body is not shown
        var done = Assert.IsType<AskCompleted>(events[^1]);
        Assert.Equal(AskService.FallbackRoute, done.Route);
        Assert.True(done.Answered);
        Assert.StartsWith(ExtractiveAnswerer.EnglishLabel, done.Answer);
        Assert.Contains("3 days a week", done.Answer); // the remote-work sentence, quoted
        Assert.NotEmpty(done.Citations);
        Assert.Equal(notice.Notice, done.Notice);
        if (reachesServer) Assert.NotEmpty(_server.ChatRequests);

        await using var db = Services.Db.CreateContext();
        Assert.True(await db.AuditEvents.AnyAsync(a => a.Action == "question-failed" && a.TargetId == providerName));
        return (notice, done);
    }

    [Fact]
    public async Task AskAsync_ServerFailsWith500_AnswersFromPassagesNamingModelAndEndpoint()
    {
        _server.AlwaysFailWith = 500;

        var (notice, _) = await AskExpectingFallbackAsync();

        Assert.Contains("HTTP 500", notice.Notice);
        Assert.Contains(_server.BaseUrl + "/v1", notice.Notice);
    }

    [Fact]
    public async Task AskAsync_ServerHangsBeyondTimeout_AnswersFromPassagesSayingItDidNotAnswerInTime()
    {
        _server.ResponseDelay = TimeSpan.FromSeconds(30);
        var sw = Stopwatch.StartNew();

        var (notice, _) = await AskExpectingFallbackAsync();

        Assert.Contains("did not answer within 2 s", notice.Notice);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(15), $"took {sw.Elapsed}");
    }

    [Fact]
    public async Task AskAsync_ServerRejectsApiKeyWith401_AnswersFromPassagesAboutTheApiKey()
    {
        _server.AlwaysFailWith = 401;

        var (notice, _) = await AskExpectingFallbackAsync();

        Assert.Contains("API key", notice.Notice);
    }

    [Fact]
    public async Task AskAsync_NothingListensAtEndpoint_SaysConnectionRefusedInWords()
    {
        const string name = "Stopped test model";
        var stopped = Profile(name, _server, ProviderLocation.OnPremises, SensitivityLabel.Secret);
        stopped.Endpoint = "http://127.0.0.1:9/v1"; // the discard port: nothing listens there
        await SetProfilesAsync(Services, extractiveEnabled: true, Profile(ProviderName, _server, ProviderLocation.OnPremises, SensitivityLabel.Secret), stopped);

        var (notice, _) = await AskExpectingFallbackAsync(name, reachesServer: false);

        Assert.Contains("'Stopped test model' at http://127.0.0.1:9/v1", notice.Notice);
        Assert.Contains("connection refused", notice.Notice);
    }
}
