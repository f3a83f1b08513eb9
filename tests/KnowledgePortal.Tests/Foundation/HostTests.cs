using System.Diagnostics;
using KnowledgePortal.Tests.Infrastructure;

namespace KnowledgePortal.Tests.Foundation;

[Trait(TestTier.Name, TestTier.Db)]
public class HostTests
{
    private static async Task<(int ExitCode, string Output)> RunPortalAsync(IDictionary<string, string> env, string? urls = null)
    {
        var webDir = Path.Combine(RepoPaths.Root, "src", "KnowledgePortal.Web");
        var config = AppContext.BaseDirectory.Contains("/Release/") ? "Release" : "Debug";
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = webDir };
        foreach (var a in new[] { Path.Combine(webDir, "bin", config, "net10.0", "KnowledgePortal.Web.dll"), "--contentRoot", webDir,
                     "--urls", urls ?? $"http://127.0.0.1:{PortalProcess.FreePort()}" })
            psi.ArgumentList.Add(a);
        psi.Environment.Remove("ConnectionStrings__Portal"); // ./portal test exports one for the CLI
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout + await stderr);
    }

    [Fact]
    public async Task Start_InvalidSetting_StopsWithOneLineNamingIt()
    {
        await using var db = await TestDatabase.CreateAsync("badcfg");
        var (code, output) = await RunPortalAsync(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ConnectionStrings__Portal"] = db.ConnectionString,
            ["Retrieval__TopK"] = "0",
        });
        Assert.NotEqual(0, code);
        Assert.Contains("Configuration error", output);
        Assert.Contains("TopK", output);
        Assert.DoesNotContain("   at ", output); // no stack trace
    }

    [Fact]
    public async Task Start_DevelopmentSignInOutsideDevelopment_IsRefused()
    {
        await using var db = await TestDatabase.CreateAsync("prodcfg");
        var (code, output) = await RunPortalAsync(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__Portal"] = db.ConnectionString,
            ["Authentication__Mode"] = "Development",
        });
        Assert.NotEqual(0, code);
        Assert.Contains("Authentication:Mode is Development", output);
    }

    [Fact]
    public async Task Start_DevelopmentEnvironmentWithoutNamingTheMode_NoDemoSignIn()
    {
        await using var db = await TestDatabase.CreateAsync("nomode");
        var (code, output) = await RunPortalAsync(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ConnectionStrings__Portal"] = db.ConnectionString,
        });
        // appsettings.json says EntraId; without an Entra client id the start stops rather than falling back to demo users.
        Assert.NotEqual(0, code);
        Assert.Contains("AzureAd:ClientId", output);
        Assert.DoesNotContain("Development sign-in", output);
    }

    [Theory]
    [InlineData("common")]
    [InlineData("organizations")]
    public async Task Start_EntraIdMultiTenantAuthorityWithoutAllowedTenants_IsRefused(string tenant)
    {
        await using var db = await TestDatabase.CreateAsync("tenant");
        var (code, output) = await RunPortalAsync(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__Portal"] = db.ConnectionString,
            ["Authentication__Mode"] = "EntraId",
            ["AzureAd__ClientId"] = "00000000-0000-0000-0000-0000000000aa",
            ["AzureAd__TenantId"] = tenant,
        });
        Assert.NotEqual(0, code);
        Assert.Contains($"AzureAd:TenantId is '{tenant}'", output);
        Assert.Contains("Authentication:AllowedTenants", output);
    }

    [Theory]
    [InlineData("http://0.0.0.0:{0}")]
    [InlineData("http://*:{0}")]
    [InlineData("http://127.0.0.1:{0};http://+:{1}")]
    public async Task Start_DevelopmentSignInOnNonLoopbackAddress_IsRefused(string urls)
    {
        await using var db = await TestDatabase.CreateAsync("devbind");
        var (code, output) = await RunPortalAsync(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ConnectionStrings__Portal"] = db.ConnectionString,
            ["Authentication__Mode"] = "Development",
        }, string.Format(urls, PortalProcess.FreePort(), PortalProcess.FreePort()));
        Assert.NotEqual(0, code);
        Assert.Contains("loopback only", output);
        Assert.DoesNotContain("KnowledgePortal is ready", output);
    }

    [Theory]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://127.0.0.2:5080", true)]
    [InlineData("https://[::1]:5443", true)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://[::]:5080", false)]
    [InlineData("http://*:5080", false)]
    [InlineData("http://+:5080", false)]
    [InlineData("http://portal.example.com:5080", false)]
    [InlineData("http://localhost.example.com:5080", false)]
    [InlineData("http://10.0.0.5:5080", false)]
    public void IsLoopback_ListenUrl_OnlyThisMachine(string url, bool expected) =>
        Assert.Equal(expected, KnowledgePortal.Web.Auth.DevelopmentBinding.IsLoopback(url));

    [Fact]
    public async Task Start_MissingConnectionString_NamesTheSetting()
    {
        var (code, output) = await RunPortalAsync(new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Development" });
        Assert.NotEqual(0, code);
        Assert.Contains("ConnectionStrings:Portal", output);
    }
}

[Collection("portal")]
[Trait(TestTier.Name, TestTier.Browser)]
public class RunningPortalTests(PortalFixture fixture)
{
    [Fact]
    public async Task Health_ReadyAndLive_Healthy()
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.Portal.BaseUrl) };
        Assert.Equal("Healthy", await http.GetStringAsync("/health/live"));
        Assert.Equal("Healthy", await http.GetStringAsync("/health/ready"));
    }

    [Fact]
    public async Task AnyResponse_SecurityHeaders_Present()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(fixture.Portal.BaseUrl) };
        var response = await http.GetAsync("/account/signin");
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp);
        Assert.Contains("frame-ancestors 'self'", csp);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task Api_Unauthenticated_IsRefused()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(fixture.Portal.BaseUrl) };
        var response = await http.GetAsync("/api/search?q=salary");
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("salary", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }
}
