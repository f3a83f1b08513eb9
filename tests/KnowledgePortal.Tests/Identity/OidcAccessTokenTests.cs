using System.Net;
using System.Text.Json;
using KnowledgePortal.Core.Demo;
using KnowledgePortal.Tests.Infrastructure;

namespace KnowledgePortal.Tests.Identity;

/// <summary>
/// The portal in Oidc mode with an API audience: /mcp and /api accept the provider's access tokens (JwtBearer against
/// the real test provider), groups read from its userinfo endpoint as at sign-in; the MCP metadata names the provider.
/// </summary>
public sealed class OidcAccessTokenPortal : IAsyncLifetime
{
    public const string ClientId = OidcPortalFixture.ClientId;
    public const string ClientSecret = OidcPortalFixture.ClientSecret;
    public const string ApiAudience = "knowledge-portal-api";
    public const string ApiScope = "portal.api";

    public TestDb Db { get; private set; } = null!;
    public OidcTestServer Oidc { get; private set; } = null!;
    public PortalProcess Portal { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Db = await TestDatabase.CreateAsync("oidcapi");
        Oidc = await OidcTestServer.StartAsync(new { clientId = ClientId, clientSecret = ClientSecret, claimsIn = "userinfo" });
        Portal = await PortalProcess.StartAsync(Db.ConnectionString, new Dictionary<string, string>
        {
            ["Authentication__Mode"] = "Oidc",
            ["Authentication__Oidc__Authority"] = Oidc.Issuer,
            ["Authentication__Oidc__ClientId"] = ClientId,
            ["Authentication__Oidc__ClientSecret"] = ClientSecret,
            ["Authentication__Oidc__RequireHttpsMetadata"] = "false",
            ["Authentication__Oidc__ApiAudience"] = ApiAudience,
            ["Authentication__ApiScope"] = ApiScope,
        });
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            await using var db = Db.CreateContext();
            if (db.Documents.Any() && !db.IngestionJobs.Any(j => j.Status == Core.Domain.JobStatus.Queued || j.Status == Core.Domain.JobStatus.Running)) break;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("demo documents were not indexed in time");
            await Task.Delay(500);
        }
    }

    public async Task DisposeAsync()
    {
        await Portal.DisposeAsync();
        await Oidc.DisposeAsync();
        await Db.DisposeAsync();
    }

    /// <summary>An access token from the provider's token endpoint for the configured user, with the given audience.</summary>
    public async Task<string> AccessTokenAsync(string audience, string? scope = ApiScope)
    {
        using var http = new HttpClient();
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = ClientId, ["client_secret"] = ClientSecret, ["aud"] = audience,
        };
        if (scope is not null) form["scope"] = scope;
        var response = await http.PostAsync(Oidc.Issuer + "/token", new FormUrlEncodedContent(form));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    public Task UserAsync(string sub, params string[] groups) =>
        Oidc.ConfigureAsync(new { user = new { sub, name = $"User {sub}", preferred_username = sub, groups }, disabled = false });
}

[Trait(TestTier.Name, TestTier.Db)]
public class OidcAccessTokenTests(OidcAccessTokenPortal fixture) : IClassFixture<OidcAccessTokenPortal>
{
    private const string SalaryQuery = "salary bands bonus months";

    private async Task<string> SearchOverMcpAsync(string accessToken)
    {
        await using var client = await McpTestClient.ConnectAsync(fixture.Portal.BaseUrl, accessToken);
        var result = await client.CallToolAsync("search_documents", new Dictionary<string, object?> { ["query"] = SalaryQuery });
        Assert.True(result.IsError != true, McpTestClient.Text(result));
        return McpTestClient.Text(result);
    }

    [Fact]
    public async Task AccessToken_HrAtTheProvider_ReadsHrPoliciesOverMcpAndApi_UntilTheProviderDropsHr()
    {
        await fixture.UserAsync("oidc-api-hr", "HR", "Staff");
        var token = await fixture.AccessTokenAsync(OidcAccessTokenPortal.ApiAudience);

        Assert.Contains(DemoData.HrPolicies, await SearchOverMcpAsync(token));
        using (var http = fixture.Portal.BearerClient(token))
            Assert.Contains(DemoData.HrPolicies, await http.GetStringAsync("/api/search?q=" + Uri.EscapeDataString(SalaryQuery)));
        Assert.Contains("GET /userinfo", fixture.Oidc.Log);

        // Removed from HR at the provider: the next token carries only what the provider now says.
        await fixture.UserAsync("oidc-api-hr", "Staff");
        var after = await SearchOverMcpAsync(await fixture.AccessTokenAsync(OidcAccessTokenPortal.ApiAudience));
        Assert.DoesNotContain(DemoData.HrPolicies, after);
        Assert.Contains(DemoData.Handbook, after);
    }

    [Fact]
    public async Task IdTokenAudience_OrDisabledAccount_Refused()
    {
        await fixture.UserAsync("oidc-api-refused", "HR", "Staff");
        // The audience of ID tokens (the client id) is not the API's: such a token is no access token here.
        var idLike = await fixture.AccessTokenAsync(OidcAccessTokenPortal.ClientId, scope: null);
        using (var http = fixture.Portal.BearerClient(idLike))
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/search?q=salary")).StatusCode);
        await Assert.ThrowsAnyAsync<Exception>(() => McpTestClient.ConnectAsync(fixture.Portal.BaseUrl, idLike));

        // A valid token of an account the provider has disabled: userinfo refuses it, so the portal does (fail closed).
        var token = await fixture.AccessTokenAsync(OidcAccessTokenPortal.ApiAudience);
        await fixture.Oidc.ConfigureAsync(new { disabled = true });
        try
        {
            using var http = fixture.Portal.BearerClient(token);
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/search?q=salary")).StatusCode);
        }
        finally
        {
            await fixture.Oidc.ConfigureAsync(new { disabled = false });
        }
    }

    [Fact]
    public async Task ResourceMetadata_NamesTheProviderAndTheApiScope()
    {
        using var http = new HttpClient();
        var unauthorized = await http.PostAsync(fixture.Portal.BaseUrl + "/mcp", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Contains("resource_metadata=", unauthorized.Headers.WwwAuthenticate.ToString());

        using var metadata = JsonDocument.Parse(await http.GetStringAsync(fixture.Portal.BaseUrl + "/.well-known/oauth-protected-resource/mcp"));
        Assert.Equal([fixture.Oidc.Issuer], metadata.RootElement.GetProperty("authorization_servers").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([OidcAccessTokenPortal.ApiScope], metadata.RootElement.GetProperty("scopes_supported").EnumerateArray().Select(e => e.GetString()));
    }
}
