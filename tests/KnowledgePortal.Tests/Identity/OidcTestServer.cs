using System.Diagnostics;
using System.Text;
using System.Text.Json;
using KnowledgePortal.Tests.Infrastructure;

namespace KnowledgePortal.Tests.Identity;

/// <summary>
/// A real OpenID Connect provider (oidc-server/server.js on oauth2-mock-server) in its own node process on 127.0.0.1.
/// It installs its npm packages itself (npm ci) the first time, so a fresh checkout needs nothing beyond node and npm.
/// </summary>
public sealed class OidcTestServer : IAsyncDisposable
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _configured = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private OidcTestServer(Process process) => _process = process;

    public static string Folder => Path.Combine(RepoPaths.Root, "tests", "KnowledgePortal.Tests", "Identity", "oidc-server");

    /// <summary>The issuer URL, also the Authority the portal is given.</summary>
    public string Issuer { get; private set; } = "";

    public string Log { get { lock (_log) return _log.ToString(); } }

    public static async Task<OidcTestServer> StartAsync(object config)
    {
        await EnsureInstalledAsync();
        var psi = new ProcessStartInfo("node")
        {
            WorkingDirectory = Folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("server.js");
        psi.Environment["OIDC_TEST_CONFIG"] = JsonSerializer.Serialize(config);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start node");
        var server = new OidcTestServer(process);
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(server._ready.Task, exited, Task.Delay(TimeSpan.FromSeconds(30)));
        if (first != server._ready.Task)
        {
            await server.DisposeAsync();
            throw new InvalidOperationException("The OpenID Connect test server did not start:\n" + server.Log);
        }
        using var ready = JsonDocument.Parse(await server._ready.Task);
        server.Issuer = ready.RootElement.GetProperty("issuer").GetString()!;
        return server;
    }

    /// <summary>Merges settings into the running server's configuration (e.g. the redirect URI once the portal's port is known).</summary>
    public async Task ConfigureAsync(object update)
    {
        _configured = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(update));
        await _process.StandardInput.FlushAsync();
        await _configured.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
        if (line.StartsWith("OIDC-READY ", StringComparison.Ordinal)) _ready.TrySetResult(line["OIDC-READY ".Length..]);
        else if (line == "OIDC-CONFIGURED") _configured.TrySetResult();
        else if (line.StartsWith("OIDC-CONFIG-ERROR", StringComparison.Ordinal)) _configured.TrySetException(new InvalidOperationException(line));
    }

    /// <summary>`npm ci` into oidc-server/ when its packages are missing (./portal test does the same before the run).</summary>
    private static async Task EnsureInstalledAsync()
    {
        await InstallLock.WaitAsync();
        try
        {
            if (File.Exists(Path.Combine(Folder, "node_modules", "oauth2-mock-server", "package.json"))) return;
            var psi = new ProcessStartInfo("npm")
            {
                WorkingDirectory = Folder,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in new[] { "ci", "--no-audit", "--no-fund" }) psi.ArgumentList.Add(a);
            using var npm = Process.Start(psi) ?? throw new InvalidOperationException("could not start npm (is Node.js installed?)");
            var stdout = npm.StandardOutput.ReadToEndAsync();
            var stderr = npm.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await npm.WaitForExitAsync(timeout.Token);
            if (npm.ExitCode != 0)
                throw new InvalidOperationException($"npm ci in {Folder} failed ({npm.ExitCode}):\n{await stdout}\n{await stderr}");
        }
        finally
        {
            InstallLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try { _process.StandardInput.Close(); } catch (IOException) { }
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try { await _process.WaitForExitAsync(wait.Token); }
            catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); await _process.WaitForExitAsync(); }
        }
        _process.Dispose();
    }
}
