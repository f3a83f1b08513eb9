using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace KnowledgePortal.Tests.Infrastructure;

/// <summary>
/// The real portal binary, started as its own process against a test database, exactly as `./portal run` starts it.
/// Everything it logs is kept so tests can check that no forbidden text reaches the logs.
/// </summary>
public sealed class PortalProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private PortalProcess(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public string Log { get { lock (_log) return _log.ToString(); } }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<PortalProcess> StartAsync(string connectionString, IDictionary<string, string>? settings = null,
        params string[] extraArgs)
    {
        var webDir = Path.Combine(RepoPaths.Root, "src", "KnowledgePortal.Web");
        var dll = WebDll(webDir);
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = webDir,
        };
        foreach (var a in new[] { dll, "--contentRoot", webDir, "--urls", baseUrl, "--seed-demo" }.Concat(extraArgs)) psi.ArgumentList.Add(a);
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        psi.Environment["Authentication__Mode"] = "Development";
        psi.Environment["ConnectionStrings__Portal"] = connectionString;
        psi.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (k, v) in settings ?? new Dictionary<string, string>()) psi.Environment[k] = v;

        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the portal");
        var portal = new PortalProcess(process, baseUrl);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (portal._log) portal._log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (portal._log) portal._log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"The portal exited with code {process.ExitCode}:\n{portal.Log}");
            try
            {
                var response = await http.GetAsync(baseUrl + "/health/ready");
                if (response.IsSuccessStatusCode && portal.Log.Contains("KnowledgePortal is ready")) return portal;
            }
            catch (HttpRequestException) { }
            await Task.Delay(300);
        }
        await portal.DisposeAsync();
        throw new TimeoutException("The portal did not become ready within 120 s:\n" + portal.Log);
    }

    /// <summary>An HTTP client holding the sign-in cookie of a demo user (Development sign-in), as a script would use the API.</summary>
    public async Task<HttpClient> SignInAsync(string user)
    {
        var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        var http = new HttpClient(handler) { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        var page = await http.GetStringAsync("/account/signin");
        var token = Regex.Match(page, "<input[^>]*__RequestVerificationToken[^>]*value=\"([^\"]+)\"").Groups[1].Value;
        var response = await http.PostAsync("/account/dev-signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["user"] = user, ["returnUrl"] = "/", ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.DoesNotContain("error", response.Headers.Location!.ToString());
        return http;
    }

    /// <summary>
    /// A personal API token, made as a person makes one: with a signed-in client (<see cref="SignInAsync"/>), through
    /// POST /api/tokens. Returns the secret and the token's id.
    /// </summary>
    public static async Task<(string Token, Guid Id)> CreateTokenAsync(HttpClient signedIn, string[] scopes, int days = 7)
    {
        var response = await signedIn.PostAsJsonAsync("/api/tokens", new { name = $"test {Guid.NewGuid():N}", scopes, days });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (json.RootElement.GetProperty("token").GetString()!, json.RootElement.GetProperty("details").GetProperty("id").GetGuid());
    }

    /// <summary>An HTTP client that sends a bearer token (a personal API token), as a script would.</summary>
    public HttpClient BearerClient(string token)
    {
        var http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>Runs one `./portal` subcommand with the real binary (Development, so demo users work with --as) and waits for it.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunCliAsync(string connectionString, params string[] args)
    {
        var webDir = Path.Combine(RepoPaths.Root, "src", "KnowledgePortal.Web");
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = webDir,
        };
        foreach (var a in new[] { WebDll(webDir) }.Concat(args).Concat(["--contentRoot", webDir])) psi.ArgumentList.Add(a);
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        psi.Environment["ConnectionStrings__Portal"] = connectionString;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the portal CLI");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static string WebDll(string webDir)
    {
        var config = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var dll = Path.Combine(webDir, "bin", config, "net10.0", "KnowledgePortal.Web.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the web project first (./portal test does).", dll);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
