using System.Diagnostics;
using KnowledgePortal.Tests.Infrastructure;

namespace KnowledgePortal.Tests.Reranking;

/// <summary>The real binary validates the Reranking section at start (the registration in AddPortalCore).</summary>
[Trait(TestTier.Name, TestTier.Db)]
public sealed class RerankingStartTests
{
    [Fact]
    public async Task Start_CloudRerankerClearedForConfidential_StopsNamingTheSetting()
    {
        await using var db = await TestDatabase.CreateAsync("rerankcfg");
        var webDir = Path.Combine(RepoPaths.Root, "src", "KnowledgePortal.Web");
        var config = AppContext.BaseDirectory.Contains("/Release/") ? "Release" : "Debug";
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = webDir };
        foreach (var a in new[] { Path.Combine(webDir, "bin", config, "net10.0", "KnowledgePortal.Web.dll"), "--contentRoot", webDir,
                     "--urls", $"http://127.0.0.1:{PortalProcess.FreePort()}" })
            psi.ArgumentList.Add(a);
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        psi.Environment["ConnectionStrings__Portal"] = db.ConnectionString;
        psi.Environment["Reranking__Provider"] = "Http";
        psi.Environment["Reranking__Protocol"] = "CohereV2";
        psi.Environment["Reranking__Model"] = "rerank-v3.5";
        psi.Environment["Reranking__MaxSensitivity"] = "Confidential";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(cts.Token);
        var output = await stdout + await stderr;

        Assert.NotEqual(0, p.ExitCode);
        Assert.Contains("Configuration error", output);
        Assert.Contains("Reranking:MaxSensitivity is Confidential", output);
        Assert.DoesNotContain("   at ", output);
    }
}
