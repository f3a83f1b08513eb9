using System.Diagnostics;
using System.Text.Json;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Answering;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Hosting;
using KnowledgePortal.Core.Retrieval;
using KnowledgePortal.Web.Api;
using KnowledgePortal.Web.Auth;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Web.Cli;

/// <summary>
/// The same binary serves the portal and runs the `./portal` subcommands. Their names and --json shapes are a
/// contract for scripts: add fields, never rename or remove them.
/// </summary>
public static partial class PortalCli
{
    private static readonly HashSet<string> Commands = ["import", "search", "ask", "eval", "lab", "bench", "worker", "seed", "migrate", "reconcile", "token"];

    public static bool IsCommand(string[] args) => args.Length > 0 && Commands.Contains(args[0]);

    public static async Task<int> RunAsync(string[] args)
    {
        var parsed = CliArgs.Parse(args.Skip(1).ToArray());
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = parsed.HostArgs,
            ContentRootPath = parsed.Get("contentRoot") ?? AppContext.BaseDirectory,
            EnvironmentName = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? "Production",
        });
        // Scripts read stdout; the console logger keeps to warnings unless --verbose (and worker mode) ask for more.
        var level = parsed.Has("verbose") || args[0] == "worker" ? LogLevel.Information : LogLevel.Warning;
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.AddFilter("Microsoft", level);
        builder.Logging.AddFilter("KnowledgePortal", level);
        builder.AddPortalCore(args[0] == "worker" ? ProcessRole.Worker : ProcessRole.Command, typeof(Program).Assembly);
        builder.Services.AddOptions<SignInOptions>().BindConfiguration(SignInOptions.Section); // --as: the Development users
        using var host = builder.Build();
        try
        {
            if (await host.Services.InitializePortalAsync(args[0] == "seed" ? DemoSeed.Full : DemoSeed.None) is { } configurationError)
            {
                Console.Error.WriteLine(configurationError);
                return 1;
            }
            return args[0] switch
            {
                "import" => await ImportAsync(host.Services, parsed),
                "search" => await SearchAsync(host.Services, parsed),
                "ask" => await AskAsync(host.Services, parsed),
                "eval" => await EvalCommand.RunAsync(host.Services, parsed),
                "lab" => await LabCommand.RunAsync(host.Services, parsed),
                "bench" => await Bench.BenchCommand.RunAsync(host.Services, parsed),
                "worker" => await WorkerAsync(host),
                "seed" => 0, // seeded by the start-up above (DemoSeed.Full)
                "reconcile" => await ReconcileAsync(host.Services, parsed),
                "token" => await TokenCommand.RunAsync(host.Services, parsed),
                "migrate" => 0,
                _ => 2,
            };
        }
        catch (OptionsValidationException ex)
        {
            Console.Error.WriteLine(OptionsExtensions.Describe(ex));
            return 1;
        }
        catch (CliException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }
    }

    private static async Task<int> WorkerAsync(IHost host)
    {
        Console.Error.WriteLine("Ingestion worker running; Ctrl-C to stop.");
        if (host.Services.GetRequiredService<KnowledgePortal.Core.Ingestion.Embedding.EmbeddingClearance>()
                .Rule(host.Services.GetRequiredService<KnowledgePortal.Core.Ingestion.Embedding.EmbeddingModelInfo>().ModelId) is { } rule)
            Console.Error.WriteLine(rule);
        await host.RunAsync();
        return 0;
    }

    /// <summary>`reconcile [--repair] [--json]`: chunks whose ACL or label drifted from their rules; exit 1 when some remain.</summary>
    private static async Task<int> ReconcileAsync(IServiceProvider services, CliArgs a)
    {
        var reconciler = services.GetRequiredService<AclReconciler>();
        var repair = a.Has("repair");
        var drift = repair ? await reconciler.RepairAsync() : await reconciler.FindDriftAsync();
        if (a.Has("json"))
            Console.WriteLine(JsonSerializer.Serialize(new { drift, repaired = repair && drift.Count > 0 }, PortalApi.Json));
        else if (drift.Count == 0)
            Console.WriteLine("No drift: every chunk's readable groups and label match its document's rules.");
        else
            foreach (var d in drift)
                Console.WriteLine($"{d.Collection}: {d.Chunks} chunks {(repair ? "repaired" : "differ from their rules (run with --repair)")}");
        return drift.Count > 0 && !repair ? 1 : 0;
    }


    /// <summary>`--as user`: a demo user (Development) or a user known from a past sign-in, with the groups seen then.</summary>
    internal static async Task<UserAccess> ResolveUserAsync(IServiceProvider services, string? userName, bool required)
    {
        if (string.IsNullOrWhiteSpace(userName))
        {
            if (required) throw new CliException("--as <user> is required: whose access should the query run with?");
            await using var sys = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
            return UserAccess.System(await sys.Collections.Select(c => c.Id).ToArrayAsync());
        }
        var env = services.GetRequiredService<IHostEnvironment>();
        var auth = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SignInOptions>>().Value;
        if (env.IsDevelopment() && auth.FindDevelopmentUser(userName) is { } demo)
            return await services.GetRequiredService<AccessResolver>().ResolveAsync(demo.ToIdentity(), roleMappingOverride: RoleClaimMapping.Demo);
        await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.UserName == userName)
                   ?? throw new CliException($"Unknown user '{userName}': they must have signed in at least once (or use a demo user in Development).");
        var identity = new ExternalIdentity(user.Subject, user.UserName, user.DisplayName, user.Email, [], user.Roles);
        // The recorded roles are the portal roles computed at that sign-in (already mapped), so they count by name.
        var resolved = await services.GetRequiredService<AccessResolver>().ResolveAsync(identity, roleMappingOverride: RoleClaimMapping.Demo);
        return resolved with { GroupIds = user.GroupIds };
    }

    private static async Task<int> ImportAsync(IServiceProvider services, CliArgs a)
    {
        var path = a.Positional.FirstOrDefault() ?? throw new CliException("usage: ./portal import <file or folder> --collection <name> [--as <user>] [--no-wait] [--json]");
        var collectionName = a.Get("collection") ?? throw new CliException("--collection <name> is required");
        var user = await ResolveUserAsync(services, a.Get("as"), required: false);
        var files = File.Exists(path) ? [Path.GetFullPath(path)]
            : Directory.Exists(path) ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Where(f => !Path.GetFileName(f).StartsWith('.')).Order().ToList()
            : throw new CliException($"No such file or folder: {path}");

        int collectionId;
        await using (var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
            collectionId = await db.Collections.Where(c => c.Name == collectionName).Select(c => (int?)c.Id).FirstOrDefaultAsync()
                           ?? throw new CliException($"No collection named '{collectionName}'.");
        if (!user.CanManage(collectionId)) throw new CliException($"{user.UserName} may not add documents to '{collectionName}'.");

        var result = await Importer.ImportAsync(services, user, collectionId, files, wait: !a.Has("no-wait"), progress: !a.Has("json"));
        if (a.Has("json")) Console.WriteLine(JsonSerializer.Serialize(result, PortalApi.Json));
        else Importer.PrintTable(result);
        return result.Totals.Failures > 0 ? 3 : 0;
    }

    private static async Task<int> SearchAsync(IServiceProvider services, CliArgs a)
    {
        var query = a.Positional.FirstOrDefault() ?? throw new CliException("usage: ./portal search \"<query>\" --as <user> [--top N] [--json]");
        var user = await ResolveUserAsync(services, a.Get("as"), required: true);
        var sw = Stopwatch.StartNew();
        var result = await services.GetRequiredService<HybridRetriever>().SearchAsync(user,
            new SearchRequest(query, null, null, int.TryParse(a.Get("top"), out var top) ? top : 10));
        if (a.Has("json"))
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                query, user = user.UserName, answerable = result.Answerable, path = result.Diagnostics.VectorPath,
                milliseconds = Math.Round(sw.Elapsed.TotalMilliseconds, 1),
                results = result.Passages.Select(PortalApi.ToDto),
            }, PortalApi.Json));
            return 0;
        }
        if (result.Passages.Count == 0) Console.WriteLine("No passages this user may read match the query.");
        var rank = 0;
        foreach (var p in result.Passages)
        {
            Console.WriteLine($"{++rank,2}. {p.DocumentTitle} ({p.FileName}) · {p.CollectionName} · {p.Locator.ToDisplay()} · score {p.Score:0.0000}");
            Console.WriteLine("    " + (p.Text.Length > 200 ? p.Text[..200] + "…" : p.Text).ReplaceLineEndings(" "));
        }
        return 0;
    }

    private static async Task<int> AskAsync(IServiceProvider services, CliArgs a)
    {
        var question = a.Positional.FirstOrDefault() ?? throw new CliException("usage: ./portal ask \"<question>\" --as <user> [--provider NAME] [--json]");
        var user = await ResolveUserAsync(services, a.Get("as"), required: true);
        var ask = services.GetRequiredService<AskService>();
        AskCompleted? completed = null;
        AskStarted? started = null;
        AskFailed? failed = null;
        await foreach (var e in ask.AskAsync(user, new AskRequest(question, null, a.Get("provider"))))
        {
            switch (e)
            {
                case AskStarted s: started = s; break;
                case AskDelta d when !a.Has("json"): Console.Write(d.Text); break;
                case AskCompleted c: completed = c; break;
                case AskFailed f: failed = f; break;
            }
        }
        var failure = failed?.Message;
        if (a.Has("json"))
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                // code: the error's message code, noticeCodes: the notices' (Msg.<code> in strings.tsv), for scripts that branch on them.
                question, user = user.UserName, answer = completed?.Answer, error = failure, code = failed?.Detail.Code,
                noticeCodes = (completed?.Notices ?? started?.Notices)?.Select(n => n.Code).ToArray() ?? [],
                provider = completed?.Provider ?? started?.Provider, model = completed?.Model, route = completed?.Route ?? started?.Route,
                answered = completed?.Answered ?? false, notice = completed?.Notice ?? started?.Notice,
                citations = completed?.Citations.Select(c => new { c.Number, source = PortalApi.ToDto(c.Passage) }) ?? [],
                tokens = completed is null ? null : new { input = completed.Usage.InputTokens, output = completed.Usage.OutputTokens, estimated = completed.Usage.Estimated },
                cost = completed?.Usage.Cost,
                timings = completed is null ? null : new { firstTokenMs = completed.Usage.FirstTokenMs, totalMs = completed.Usage.TotalMs },
            }, PortalApi.Json));
        }
        else
        {
            Console.WriteLine();
            if (failure is not null) Console.Error.WriteLine(failure);
            if (completed?.Notice is { } notice) Console.Error.WriteLine($"Note: {notice}");
            foreach (var c in completed?.Citations ?? [])
                Console.WriteLine($"[{c.Number}] {c.Passage.DocumentTitle} · {c.Passage.Locator.ToDisplay()} · {c.Passage.CollectionName}");
            if (completed is not null)
                Console.WriteLine($"({completed.Provider}, {completed.Route}, {completed.Usage.InputTokens}+{completed.Usage.OutputTokens} tokens, {completed.Usage.TotalMs} ms)");
        }
        return failure is null ? 0 : 1;
    }
}

public sealed class CliException(string message) : Exception(message);

/// <summary>Minimal argument parsing: positionals, --flag and --key value. Unknown host args pass through.</summary>
public sealed class CliArgs
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.OrdinalIgnoreCase);
    public List<string> Positional { get; } = [];
    public string[] HostArgs { get; private set; } = [];

    private static readonly HashSet<string> Flags = ["json", "no-wait", "verbose", "exact", "repair", "all", "compare", "no-ask"];

    public static CliArgs Parse(string[] args)
    {
        var result = new CliArgs();
        var host = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--")) { result.Positional.Add(arg); continue; }
            var name = arg[2..];
            if (Flags.Contains(name)) { result._options[name] = null; continue; }
            var value = i + 1 < args.Length ? args[++i] : throw new CliException($"{arg} needs a value");
            result._options[name] = value;
            if (name is "contentRoot" or "environment") { host.Add(arg); host.Add(value); }
        }
        result.HostArgs = host.ToArray();
        return result;
    }

    public bool Has(string name) => _options.ContainsKey(name);
    public string? Get(string name) => _options.TryGetValue(name, out var v) ? v : null;
}
