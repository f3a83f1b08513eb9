using KnowledgePortal.Core.Answering;
using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Tests.Infrastructure;
using static KnowledgePortal.Tests.Answering.Integration.AnsweringTestKit;

namespace KnowledgePortal.Tests.Answering.Integration;

/// <summary>Sensitivity routing: Confidential HR passages never reach a cloud model cleared only for Internal.</summary>
[Trait(TestTier.Name, TestTier.Db)]
public class AskRoutingTests(AnsweringFixture fixture) : IClassFixture<AnsweringFixture>, IAsyncLifetime
{
    private const string Question = "What is the bonus for grade G5?";
    private const string Cloud = "Cloud test model";
    private const string OnPrem = "On-prem test model";

    private FakeOpenAiServer _cloudServer = null!;
    private FakeOpenAiServer _onPremServer = null!;
    private TestServices Services => fixture.Services;

    public async Task InitializeAsync()
    {
        _cloudServer = await FakeOpenAiServer.StartAsync();
        _onPremServer = await FakeOpenAiServer.StartAsync();
        _cloudServer.Responder = _ => "Cloud answer [1].";
        _onPremServer.Responder = _ => "On-premises answer [1].";
    }

    public async Task DisposeAsync()
    {
        await _cloudServer.DisposeAsync();
        await _onPremServer.DisposeAsync();
    }

    private ProviderProfile CloudProfile => Profile(Cloud, _cloudServer, ProviderLocation.Cloud, SensitivityLabel.Internal);
    private ProviderProfile OnPremProfile => Profile(OnPrem, _onPremServer, ProviderLocation.OnPremises, SensitivityLabel.Secret);

    /// <summary>Lines of HR policy chunks long enough to be distinctive.</summary>
    private async Task<List<string>> HrFragmentsAsync() =>
        (await ChunkTextsAsync(Services, DemoData.HrPolicies))
        .SelectMany(t => t.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        .Where(line => line.Length >= 30).Distinct().ToList();

    [Fact]
    public async Task AskAsync_HrChoosesCloudWithConfidentialPassages_ReroutesToOnPremises()
    {
        await SetProfilesAsync(Services, extractiveEnabled: true, CloudProfile, OnPremProfile);

        var events = await AskAsync(Services, "hr", new AskRequest(Question, Provider: Cloud));

        Assert.DoesNotContain(events, e => e is AskFailed);
        var started = Assert.IsType<AskStarted>(events[0]);
        Assert.Equal(SensitivityRouter.ReroutedOnPremises, started.Route);
        Assert.Equal(OnPrem, started.Provider);
        Assert.Contains(started.Sources, p => p.Sensitivity == SensitivityLabel.Confidential && p.FileName == "salary-bands-2026.xlsx");
        Assert.Contains(OnPrem, started.Notice);
        var completed = Assert.IsType<AskCompleted>(events[^1]);
        Assert.Equal(SensitivityRouter.ReroutedOnPremises, completed.Route);
        Assert.Equal(OnPrem, completed.Provider);
        Assert.Equal("On-premises answer [1].", completed.Answer);

        Assert.Empty(_cloudServer.Requests);
        var onPremPrompt = Prompts(_onPremServer);
        var hrPassage = started.Sources.First(p => p.Sensitivity == SensitivityLabel.Confidential);
        Assert.Contains(hrPassage.Text.Trim(), onPremPrompt);
    }

    [Fact]
    public async Task AskAsync_HrWithOnlyCloudEnabled_WithholdsConfidentialPassages()
    {
        await SetProfilesAsync(Services, extractiveEnabled: false, CloudProfile);

        var events = await AskAsync(Services, "hr", new AskRequest(Question, Provider: Cloud));

        Assert.DoesNotContain(events, e => e is AskFailed);
        var started = Assert.IsType<AskStarted>(events[0]);
        Assert.Equal(SensitivityRouter.WithheldRoute, started.Route);
        Assert.Equal(Cloud, started.Provider);
        Assert.NotNull(started.Notice);
        Assert.Contains("withheld", started.Notice);
        Assert.Contains("Confidential", started.Notice);
        Assert.All(started.Sources, p => Assert.True(p.Sensitivity <= SensitivityLabel.Internal, p.FileName));
        var completed = Assert.IsType<AskCompleted>(events[^1]);
        Assert.Equal(SensitivityRouter.WithheldRoute, completed.Route);
        Assert.Equal(started.Notice, completed.Notice);
        Assert.All(completed.Citations, c => Assert.True(c.Passage.Sensitivity <= SensitivityLabel.Internal));

        Assert.Empty(_onPremServer.Requests);
        var cloudPrompt = Prompts(_cloudServer);
        var fragments = await HrFragmentsAsync();
        Assert.NotEmpty(fragments);
        Assert.All(fragments, f => Assert.DoesNotContain(f, cloudPrompt));
        Assert.All(_cloudServer.Requests, r => Assert.DoesNotContain("salary-bands", r.Body));
        Assert.All(_cloudServer.Requests, r => Assert.DoesNotContain("Salary bands", r.Body, StringComparison.OrdinalIgnoreCase));
    }
}
