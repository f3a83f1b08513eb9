using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Answering;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Tests.Admin;

/// <summary>Providers page: "Test connection" against a real OpenAI-compatible server, and the On-premises default.</summary>
[Trait(TestTier.Name, TestTier.Db)]
public class ProviderConnectionTests
{
    [Theory]
    [InlineData("http://localhost:11434/v1", true)]
    [InlineData("http://LOCALHOST/v1", true)]
    [InlineData("http://127.0.0.1:8000/v1", true)]
    [InlineData("http://127.10.0.3/v1", true)]
    [InlineData("http://[::1]:8080/v1", true)]
    [InlineData("http://[::ffff:10.1.2.3]/v1", true)]
    [InlineData("http://10.0.0.5/v1", true)]
    [InlineData("http://172.16.0.1/v1", true)]
    [InlineData("http://172.31.255.254/v1", true)]
    [InlineData("http://192.168.1.20:11434", true)]
    [InlineData("http://169.254.1.1/v1", true)]
    [InlineData("http://[fd12:3456::1]/v1", true)]
    [InlineData("http://[fc00::1]/v1", true)]
    [InlineData("http://llm.local:8000/v1", true)]
    [InlineData("https://api.openai.com/v1", false)]
    [InlineData("https://contoso.openai.azure.com", false)]
    [InlineData("http://172.32.0.1/v1", false)]
    [InlineData("http://172.15.0.1/v1", false)]
    [InlineData("http://192.169.0.1/v1", false)]
    [InlineData("http://8.8.8.8/v1", false)]
    [InlineData("http://[2001:db8::1]/v1", false)]
    [InlineData("http://localhost.example.com/v1", false)]
    [InlineData("not a url", false)]
    [InlineData(null, false)]
    public void IsPrivateEndpoint_Address_TrueOnlyForLoopbackPrivateAndLocalNames(string? endpoint, bool expected)
    {
        Assert.Equal(expected, ProviderProfileInput.IsPrivateEndpoint(endpoint));
        Assert.Equal(expected ? ProviderLocation.OnPremises : ProviderLocation.Cloud, ProviderProfileInput.SuggestedLocation(endpoint));
    }

    private static ProviderCatalog Catalog(AdminWorld world) =>
        new(world.Db.Factory, new ConfigurationBuilder().Build(), world.DataProtection, Options.Create(new AnsweringOptions()));

    private static ProviderProfileInput Profile(string endpoint) => new()
    {
        Name = "Local test", Kind = ProviderKind.OpenAICompatible, Endpoint = endpoint, Model = FakeOpenAiServer.DefaultModel,
        Location = ProviderLocation.OnPremises,
    };

    [Fact]
    public async Task TestConnection_ServerAnswers_OkWithLatencyAndOneTokenRequest()
    {
        await using var world = await AdminWorld.CreateAsync("provtest");
        await using var server = await FakeOpenAiServer.StartAsync();

        var result = await Catalog(world).TestConnectionAsync(world.AdminActor, Profile(server.BaseUrl + "/v1"));

        Assert.Equal(ConnectionOutcome.Ok, result.Outcome);
        Assert.True(result.Milliseconds > 0);
        var request = Assert.Single(server.ChatRequests);
        Assert.Contains("\"max_completion_tokens\":1", request.Body.Replace(" ", ""), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(401, ConnectionOutcome.Unauthorized)]
    [InlineData(403, ConnectionOutcome.Unauthorized)]
    [InlineData(404, ConnectionOutcome.ModelNotFound)]
    [InlineData(400, ConnectionOutcome.HttpError)]
    public async Task TestConnection_ServerRefuses_SaysWhy(int status, ConnectionOutcome expected)
    {
        await using var world = await AdminWorld.CreateAsync("provtest");
        await using var server = await FakeOpenAiServer.StartAsync();
        server.AlwaysFailWith = status;

        var result = await Catalog(world).TestConnectionAsync(world.AdminActor, Profile(server.BaseUrl + "/v1"));

        Assert.Equal(expected, result.Outcome);
        Assert.Equal(status, result.HttpStatus);
    }

    [Fact]
    public async Task TestConnection_NothingListening_Unreachable()
    {
        await using var world = await AdminWorld.CreateAsync("provtest");

        var result = await Catalog(world).TestConnectionAsync(world.AdminActor, Profile($"http://127.0.0.1:{PortalProcess.FreePort()}/v1"));

        Assert.Equal(ConnectionOutcome.Unreachable, result.Outcome);
    }

    [Fact]
    public async Task TestConnection_ServerTooSlow_Timeout()
    {
        await using var world = await AdminWorld.CreateAsync("provtest");
        await using var server = await FakeOpenAiServer.StartAsync();
        server.ResponseDelay = TimeSpan.FromSeconds(5);

        var result = await Catalog(world).TestConnectionAsync(world.AdminActor, Profile(server.BaseUrl + "/v1"), TimeSpan.FromMilliseconds(500));

        Assert.Equal(ConnectionOutcome.Timeout, result.Outcome);
        Assert.InRange(result.Milliseconds, 400, 4000);
    }

    [Fact]
    public async Task TestConnection_Extractive_BuiltInWithoutAnyRequest()
    {
        await using var world = await AdminWorld.CreateAsync("provtest");

        var result = await Catalog(world).TestConnectionAsync(world.AdminActor, new ProviderProfileInput { Name = "x", Kind = ProviderKind.Extractive });

        Assert.Equal(ConnectionOutcome.BuiltIn, result.Outcome);
    }

    [Fact]
    public async Task TestConnection_NotAnAdmin_Refused()
    {
        await using var world = await AdminWorld.CreateAsync("provtest");

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Catalog(world).TestConnectionAsync(world.HrActor, Profile("http://127.0.0.1:1/v1")));
    }

    [Fact]
    public void Classify_RetriedConnectionFailures_ReadAsUnreachable()
    {
        var retried = new AggregateException(new HttpRequestException("refused"), new HttpRequestException("refused"));

        Assert.Equal(ConnectionOutcome.Unreachable, ConnectionTestResult.Classify(retried, timedOut: false).Outcome);
    }
}
