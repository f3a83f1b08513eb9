using System.Security.Claims;
using KnowledgePortal.Web.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Tests.Identity;

/// <summary>
/// EntraId mode wires GraphGroupResolver into the OpenIdConnect TokenValidated event (after Microsoft.Identity.Web's
/// own handler): an overage ID token leaves the event with its groups read from Graph (here the test double).
/// </summary>
public sealed class EntraIdOverageHookTests : IAsyncLifetime
{
    private const string UserId = "5d0e8c7b-0000-4000-8000-0000000000bb";
    private GraphTestDouble _graph = null!;
    private WebApplication _app = null!;

    public async Task InitializeAsync()
    {
        _graph = await GraphTestDouble.StartAsync();
        _graph.SetMemberships(UserId, Enumerable.Range(1, 230).Select(i => $"10000000-0000-4000-8000-{i:D12}"));
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Authentication:Mode"] = "EntraId",
            ["Authentication:Graph:BaseUrl"] = _graph.BaseUrl,
            ["Authentication:Graph:TokenEndpoint"] = _graph.TokenEndpoint,
            ["AzureAd:Instance"] = "https://login.microsoftonline.com/",
            ["AzureAd:TenantId"] = "11111111-2222-4333-8444-555555555555",
            ["AzureAd:ClientId"] = GraphTestDouble.ClientId,
            ["AzureAd:ClientSecret"] = GraphTestDouble.ClientSecret,
            ["AzureAd:CallbackPath"] = "/signin-oidc",
        });
        builder.Services.AddMemoryCache();
        builder.AddPortalAuthentication();
        _app = builder.Build();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _graph.DisposeAsync();
    }

    private async Task<ClaimsPrincipal> RunTokenValidatedAsync(params Claim[] claims)
    {
        var options = _app.Services.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get(OpenIdConnectDefaults.AuthenticationScheme);
        var schemes = _app.Services.GetRequiredService<IAuthenticationSchemeProvider>();
        var scheme = (await schemes.GetSchemeAsync(OpenIdConnectDefaults.AuthenticationScheme))!;
        await using var scope = _app.Services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, "AuthenticationTypes.Federation"));
        var context = new TokenValidatedContext(http, scheme, options, principal, new AuthenticationProperties());
        await options.Events.TokenValidated(context);
        return context.Principal!;
    }

    [Fact]
    public async Task OverageIdToken_GetsItsGroupsFromGraph()
    {
        var principal = await RunTokenValidatedAsync(
            new Claim(GroupOverage.ObjectIdClaimType, UserId),
            new Claim("name", "Entra User"),
            new Claim("_claim_names", """{"groups":"src1"}""", "JSON"));

        Assert.Equal(230, principal.FindAll("groups").Count());
        Assert.True(principal.HasClaim(GroupOverage.ResolvedClaim, "true"));
        Assert.Equal(1, _graph.TokenRequests);
        Assert.Equal(2, _graph.MemberObjectsRequests);
    }

    [Fact]
    public async Task TokenWithGroups_DoesNotCallGraph()
    {
        var principal = await RunTokenValidatedAsync(new Claim("oid", UserId), new Claim("groups", "a"), new Claim("groups", "b"));
        Assert.Equal(["a", "b"], principal.FindAll("groups").Select(c => c.Value));
        Assert.Equal(0, _graph.TokenRequests + _graph.MemberObjectsRequests);
    }
}
