using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Hosting;
using KnowledgePortal.Tests.Infrastructure;
using KnowledgePortal.Web.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Tests.Identity;

/// <summary>
/// EntraId mode: a personal API token's groups are re-read from Microsoft Graph (the test double) once the claims the
/// portal holds for its user are older than Authentication:RevalidateMinutes, as a session's are; a disabled account
/// or an unreadable directory refuses the request.
/// </summary>
[Trait(TestTier.Name, TestTier.Db)]
public sealed class EntraTokenGroupsTests : IAsyncLifetime
{
    private const string UserId = "5d0e8c7b-0000-4000-8000-0000000000cc";
    private TestDb _db = null!;
    private GraphTestDouble _graph = null!;
    private WebApplication _app = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync("entratoken");
        _graph = await GraphTestDouble.StartAsync();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Portal"] = _db.ConnectionString,
            ["Authentication:Mode"] = "EntraId",
            ["Authentication:RevalidateMinutes"] = "5",
            ["Authentication:Graph:BaseUrl"] = _graph.BaseUrl,
            ["Authentication:Graph:TokenEndpoint"] = _graph.TokenEndpoint,
            ["Authentication:Graph:CacheMinutes"] = "0",
            ["AzureAd:Instance"] = "https://login.microsoftonline.com/",
            ["AzureAd:TenantId"] = "11111111-2222-4333-8444-555555555555",
            ["AzureAd:ClientId"] = GraphTestDouble.ClientId,
            ["AzureAd:ClientSecret"] = GraphTestDouble.ClientSecret,
        });
        builder.AddPortalCore(ProcessRole.Command);
        builder.AddPortalAuthentication();
        _app = builder.Build();
        await using var scope = _app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<SignInRecorder>()
            .RecordAsync(new ExternalIdentity(UserId, "mia@contoso.example", "Mia", null, ["g-old"], []), "test");
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _graph.DisposeAsync();
        await _db.DisposeAsync();
    }

    private async Task<string> TokenAsync()
    {
        var owner = new UserAccess(UserId, "mia@contoso.example", "Mia", [], false, false, []);
        var created = await _app.Services.GetRequiredService<ApiTokens>().CreateAsync(owner, "entra", ["search"], 1);
        Assert.True(created.Succeeded, created.Error);
        return created.Value!.Secret;
    }

    private async Task ClaimsReadAgoAsync(TimeSpan age)
    {
        await using var db = _db.CreateContext();
        await db.Users.Where(u => u.Subject == UserId).ExecuteUpdateAsync(s => s.SetProperty(u => u.ClaimsReadAt, DateTimeOffset.UtcNow - age));
    }

    private async Task<AuthenticateResult> AuthenticateAsync(string token)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Request.Headers.Authorization = "Bearer " + token;
        http.Request.Path = "/mcp";
        return await http.AuthenticateAsync(PortalSchemes.ApiToken);
    }

    [Fact]
    public async Task StaleClaims_ReReadFromGraph_FreshOnesAreNot_DisabledAccountRefused()
    {
        var token = await TokenAsync();
        _graph.SetMemberships(UserId, ["g-new"]);

        // Just signed in: the recorded groups are fresh, Graph is not asked.
        var fresh = await AuthenticateAsync(token);
        Assert.True(fresh.Succeeded);
        Assert.Equal(["g-old"], fresh.Principal!.FindAll("groups").Select(c => c.Value));
        Assert.Equal(0, _graph.MemberObjectsRequests);

        await ClaimsReadAgoAsync(TimeSpan.FromHours(1));
        var reread = await AuthenticateAsync(token);
        Assert.True(reread.Succeeded);
        Assert.Equal(["g-new"], reread.Principal!.FindAll("groups").Select(c => c.Value));
        Assert.Equal(1, _graph.MemberObjectsRequests);
        await using (var db = _db.CreateContext())
        {
            var user = await db.Users.SingleAsync(u => u.Subject == UserId);
            Assert.Equal(["g-new"], user.ExternalGroups);
            Assert.True(DateTimeOffset.UtcNow - user.ClaimsReadAt < TimeSpan.FromMinutes(1));
        }

        await ClaimsReadAgoAsync(TimeSpan.FromHours(1));
        _graph.DisabledUsers[UserId] = true;
        Assert.False((await AuthenticateAsync(token)).Succeeded);
        _graph.DisabledUsers.Clear();
        _graph.FailWithStatus = 503;
        Assert.False((await AuthenticateAsync(token)).Succeeded);
        _graph.FailWithStatus = null;
        Assert.True((await AuthenticateAsync(token)).Succeeded);
    }
}
