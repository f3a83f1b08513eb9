using System.Diagnostics;
using KnowledgePortal.Tests.Infrastructure;

namespace KnowledgePortal.Tests.Foundation;

public class HostTests
{
    private static async Task<(int ExitCode, string Output)> RunPortalAsync(IDictionary<string, string> env)
    {
        var webDir = Path.Combine(RepoPaths.Root, "src", "KnowledgePortal.Web");
        var config = AppContext.BaseDirectory.Contains("/Release/") ? "Release" : "Debug";
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = webDir };
        foreach (var a in new[] { Path.Combine(webDir, "bin", config, "net10.0", "KnowledgePortal.Web.dll"), "--contentRoot", webDir,
                     "--urls", $"http://127.0.0.1:{PortalProcess.FreePort()}" })
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
    public async Task Start_MissingConnectionString_NamesTheSetting()
    {
        var (code, output) = await RunPortalAsync(new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Development" });
        Assert.NotEqual(0, code);
        Assert.Contains("ConnectionStrings:Portal", output);
    }
}

[Collection("portal")]
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
