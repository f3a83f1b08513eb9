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

/// <summary>Provider failures end in one AskFailed with a message for people: no stack trace, no exception names.</summary>
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

    private async Task<AskFailed> AskExpectingFailureAsync()
    {
        var events = await AskAsync(Services, "staff", new AskRequest(Question, Provider: ProviderName));

        var started = Assert.IsType<AskStarted>(events[0]);
        Assert.Equal(ProviderName, started.Provider);
        Assert.DoesNotContain(events, e => e is AskCompleted);
        var failed = Assert.IsType<AskFailed>(events[^1]);
        Assert.Single(events.OfType<AskFailed>());
        Assert.Contains(ProviderName, failed.Message);
        Assert.DoesNotContain("Exception", failed.Message);
        Assert.DoesNotContain(" at ", failed.Message);
        Assert.DoesNotContain("fake server", failed.Message); // the provider's raw error body is not shown either
        Assert.NotEmpty(_server.ChatRequests);

        await using var db = Services.Db.CreateContext();
        Assert.True(await db.AuditEvents.AnyAsync(a => a.Action == "question-failed" && a.TargetId == ProviderName));
        return failed;
    }

    [Fact]
    public async Task AskAsync_ServerFailsWith500_FailsNamingTheModel()
    {
        _server.AlwaysFailWith = 500;

        var failed = await AskExpectingFailureAsync();

        Assert.Contains("HTTP 500", failed.Message);
    }

    [Fact]
    public async Task AskAsync_ServerHangsBeyondTimeout_FailsSayingItDidNotAnswerInTime()
    {
        _server.ResponseDelay = TimeSpan.FromSeconds(30);
        var sw = Stopwatch.StartNew();

        var failed = await AskExpectingFailureAsync();

        Assert.Contains("did not answer within 2 s", failed.Message);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(15), $"took {sw.Elapsed}");
    }

    [Fact]
    public async Task AskAsync_ServerRejectsApiKeyWith401_FailsAboutTheApiKey()
    {
        _server.AlwaysFailWith = 401;

        var failed = await AskExpectingFailureAsync();

        Assert.Contains("API key", failed.Message);
    }
}
