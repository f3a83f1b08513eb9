using System.Security.Claims;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Web.Auth;
using Microsoft.Extensions.Caching.Memory;

namespace KnowledgePortal.Tests.Identity;

/// <summary>GraphGroupResolver against a Graph test double that speaks the token endpoint and Graph protocols.</summary>
public sealed class GraphGroupResolverTests : IAsyncLifetime
{
    private const string UserId = "7f3c2a10-0000-4000-8000-0000000000aa";
    private static readonly string[] Memberships = Enumerable.Range(1, 250).Select(i => $"00000000-0000-4000-8000-{i:D12}").ToArray();
    private static readonly string HrGroupObjectId = Memberships[137];

    private GraphTestDouble _graph = null!;
    private readonly MemoryCache _cache = new(new MemoryCacheOptions());
    private readonly ListLogger<GraphGroupResolver> _log = new();
    private readonly HttpClient _http = new();

    public async Task InitializeAsync()
    {
        _graph = await GraphTestDouble.StartAsync();
        _graph.SetMemberships(UserId, Memberships);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        _cache.Dispose();
        await _graph.DisposeAsync();
    }

    private GraphGroupResolver Resolver(string? secret = GraphTestDouble.ClientSecret, TimeSpan? timeout = null) =>
        new(_http, _cache, new GraphClientSettings(_graph.BaseUrl, _graph.TokenEndpoint, GraphTestDouble.GraphScope,
            GraphTestDouble.ClientId, secret, "groups", timeout ?? TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(5)), _log);

    /// <summary>An Entra ID token for a user in more than 200 groups: _claim_names/_claim_sources instead of groups.</summary>
    private static ClaimsPrincipal OveragePrincipal(string oid = UserId) =>
        new(new ClaimsIdentity(
        [
            new Claim(GroupOverage.ObjectIdClaimType, oid),
            new Claim("name", "Many Groups"),
            new Claim("preferred_username", "many@contoso.example"),
            new Claim("_claim_names", """{"groups":"src1"}""", "JSON"),
            new Claim("_claim_sources", """{"src1":{"endpoint":"https://graph.windows.net/tenant/users/x/getMemberObjects"}}""", "JSON"),
        ], "AuthenticationTypes.Federation"));

    /// <summary>The HR portal group mapped from one of the 250 directory groups by object id.</summary>
    private static UserAccess Resolve(ClaimsPrincipal principal) =>
        AccessResolver.Resolve(PortalClaims.ToExternalIdentity(principal, "groups", "roles"),
            [new GroupMapping { Id = 1, GroupId = 2, Kind = GroupMappingKind.ExternalGroup, Value = HrGroupObjectId }],
            [new PortalGroup { Id = 2, Name = "HR" }], [], [1], RoleClaimMapping.None);

    private void AssertNoSecretsLogged()
    {
        Assert.DoesNotContain(GraphTestDouble.ClientSecret, _log.Text);
        foreach (var token in _graph.IssuedTokens) Assert.DoesNotContain(token, _log.Text);
    }

    [Fact]
    public async Task Overage_ResolvesAll250GroupsAcrossTwoPages()
    {
        var principal = OveragePrincipal();
        await Resolver().ResolveAsync(principal);

        var groups = principal.FindAll("groups").Select(c => c.Value).ToArray();
        Assert.Equal(250, groups.Length);
        Assert.Equal(Memberships.Order(), groups.Order());
        Assert.True(principal.HasClaim(GroupOverage.ResolvedClaim, "true"));
        Assert.False(principal.HasClaim(c => c.Type == GroupOverage.FailedClaim));
        Assert.Equal(2, _graph.MemberObjectsRequests); // 200 + 50, following @odata.nextLink
        Assert.Equal(1, _graph.TokenRequests);

        var identity = PortalClaims.ToExternalIdentity(principal, "groups", "roles");
        Assert.Null(identity.GroupResolutionProblem);
        Assert.Equal(250, identity.Groups.Count);
        Assert.Equal([2], Resolve(principal).GroupIds);
        AssertNoSecretsLogged();
    }

    [Fact]
    public async Task GraphError500_FailsClosed()
    {
        _graph.FailWithStatus = 500;
        var principal = OveragePrincipal();
        await Resolver().ResolveAsync(principal);

        Assert.True(principal.HasClaim(GroupOverage.FailedClaim, "true"));
        Assert.False(principal.HasClaim(c => c.Type == GroupOverage.ResolvedClaim));
        Assert.Empty(principal.FindAll("groups"));
        Assert.NotNull(PortalClaims.ToExternalIdentity(principal, "groups", "roles").GroupResolutionProblem);
        var access = Resolve(principal);
        Assert.Empty(access.GroupIds);
        Assert.NotNull(access.Problem);

        var warning = Assert.Single(_log.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("HTTP 500", warning.Message);
        Assert.Contains(UserId, warning.Message);
        AssertNoSecretsLogged();
    }

    [Fact]
    public async Task SecondSignIn_WithinFiveMinutes_IsServedFromTheCache()
    {
        await Resolver().ResolveAsync(OveragePrincipal());
        Assert.Equal(2, _graph.MemberObjectsRequests);

        var again = OveragePrincipal();
        await Resolver().ResolveAsync(again);
        Assert.Equal(2, _graph.MemberObjectsRequests);
        Assert.Equal(1, _graph.TokenRequests);
        Assert.Equal(250, again.FindAll("groups").Count());
        Assert.True(again.HasClaim(GroupOverage.ResolvedClaim, "true"));
    }

    [Fact]
    public async Task Failure_IsNotCached_NextSignInAsksGraphAgain()
    {
        _graph.FailWithStatus = 503;
        var first = OveragePrincipal();
        await Resolver().ResolveAsync(first);
        Assert.True(first.HasClaim(GroupOverage.FailedClaim, "true"));

        _graph.FailWithStatus = null;
        var second = OveragePrincipal();
        await Resolver().ResolveAsync(second);
        Assert.True(second.HasClaim(GroupOverage.ResolvedClaim, "true"));
        Assert.Equal(250, second.FindAll("groups").Count());
    }

    [Fact]
    public async Task MissingSecret_FailsClosedWithoutCallingGraph()
    {
        var principal = OveragePrincipal();
        await Resolver(secret: null).ResolveAsync(principal);
        Assert.True(principal.HasClaim(GroupOverage.FailedClaim, "true"));
        Assert.Equal(0, _graph.TokenRequests + _graph.MemberObjectsRequests);
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("ClientSecret"));
    }

    [Fact]
    public async Task WrongSecret_TokenEndpointRefuses_FailsClosed()
    {
        var principal = OveragePrincipal();
        await Resolver(secret: "not-the-secret").ResolveAsync(principal);
        Assert.True(principal.HasClaim(GroupOverage.FailedClaim, "true"));
        Assert.Equal(0, _graph.MemberObjectsRequests);
        Assert.DoesNotContain("not-the-secret", _log.Text);
    }

    [Fact]
    public async Task SlowGraph_TimesOut_FailsClosed()
    {
        _graph.Delay = TimeSpan.FromSeconds(5);
        var principal = OveragePrincipal();
        var started = DateTime.UtcNow;
        await Resolver(timeout: TimeSpan.FromMilliseconds(500)).ResolveAsync(principal);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(4));
        Assert.True(principal.HasClaim(GroupOverage.FailedClaim, "true"));
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("no answer within"));
    }

    [Fact]
    public async Task NextLinkToAnotherHost_IsNotFollowed()
    {
        _graph.NextLinkBase = "http://127.0.0.2:9";
        var principal = OveragePrincipal();
        await Resolver().ResolveAsync(principal);
        Assert.True(principal.HasClaim(GroupOverage.FailedClaim, "true"));
        Assert.Empty(principal.FindAll("groups"));
        Assert.Equal(1, _graph.MemberObjectsRequests);
    }

    [Fact]
    public async Task UnknownUser_404_FailsClosed()
    {
        var principal = OveragePrincipal(oid: "11111111-2222-4333-8444-555555555555");
        await Resolver().ResolveAsync(principal);
        Assert.True(principal.HasClaim(GroupOverage.FailedClaim, "true"));
        Assert.Contains("HTTP 404", _log.Text);
    }

    [Fact]
    public async Task NoOverage_LeavesTheTokenGroupsAlone()
    {
        var principal = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim("oid", UserId), new Claim("groups", HrGroupObjectId), new Claim(GroupOverage.ResolvedClaim, "true")], "test"));
        await Resolver().ResolveAsync(principal);
        Assert.Equal(0, _graph.TokenRequests + _graph.MemberObjectsRequests);
        Assert.False(principal.HasClaim(c => c.Type == GroupOverage.ResolvedClaim)); // a marker from the token is dropped
        Assert.Equal([2], Resolve(principal).GroupIds);
    }

    [Fact]
    public async Task OverageWithoutObjectId_FailsClosed()
    {
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "x"), new Claim("_claim_names", """{"groups":"src1"}""")], "test"));
        await Resolver().ResolveAsync(principal);
        Assert.True(principal.HasClaim(GroupOverage.FailedClaim, "true"));
        Assert.Equal(0, _graph.MemberObjectsRequests);
    }

    [Fact]
    public void Settings_DefaultToTheTenantTokenEndpointAndGraph()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureAd:Instance"] = "https://login.microsoftonline.com/",
            ["AzureAd:TenantId"] = "contoso-tenant",
            ["AzureAd:ClientId"] = "app-id",
            ["AzureAd:ClientCredentials:0:SourceType"] = "ClientSecret",
            ["AzureAd:ClientCredentials:0:ClientSecret"] = "from-credentials",
        }).Build();
        var settings = GraphClientSettings.FromConfiguration(configuration, new Web.Auth.SignInOptions());
        Assert.Equal("https://login.microsoftonline.com/contoso-tenant/oauth2/v2.0/token", settings.TokenEndpoint);
        Assert.Equal("https://graph.microsoft.com", settings.BaseUrl);
        Assert.Equal("https://graph.microsoft.com/.default", settings.Scope);
        Assert.Equal("from-credentials", settings.ClientSecret);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.Timeout);
        Assert.Equal(TimeSpan.FromMinutes(5), settings.CacheDuration);
    }
}
