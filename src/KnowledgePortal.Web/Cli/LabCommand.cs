using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Lab;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Web.Cli;

/// <summary>
/// `./portal lab &lt;questions file | "question =&gt; expected"&gt; --as &lt;admin&gt; [--models "A,B"] [--collections "X,Y"] [--title T] [--json]`:
/// the model lab from a script. The run is saved like one started in the browser (it appears on /admin/lab).
/// </summary>
public static class LabCommand
{
    private const string Usage = "usage: ./portal lab <questions file | \"question => expected answer\"> --as <admin> [--models \"A,B\"] [--collections \"X,Y\"] [--title T] [--json]";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static async Task<int> RunAsync(IServiceProvider services, CliArgs a)
    {
        var input = a.Positional.FirstOrDefault() ?? throw new CliException(Usage);
        var admin = await PortalCli.ResolveUserAsync(services, a.Get("as"), required: true);
        if (!admin.IsAdmin) throw new CliException($"{admin.UserName} is not an admin: the model lab is for admins.");
        var parsed = LabQuestionParser.Parse(File.Exists(input) ? await File.ReadAllTextAsync(input) : input);
        if (parsed.Errors.Count > 0) throw new CliException(string.Join(Environment.NewLine, parsed.Errors.Select(e => e.Message)));

        var lab = services.GetRequiredService<ModelLab>();
        var models = Split(a.Get("models")) is { Length: > 0 } named ? named : (await lab.ProvidersAsync()).Select(p => p.Name).Take(ModelLab.MaxProviders).ToArray();
        var collectionIds = new List<int>();
        await using (var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
            foreach (var name in Split(a.Get("collections")))
                collectionIds.Add(await db.Collections.Where(c => c.Name == name).Select(c => (int?)c.Id).FirstOrDefaultAsync()
                                  ?? throw new CliException($"No collection named '{name}'."));

        var (runId, error) = await lab.CreateAsync(admin, new LabRunRequest(a.Get("title") ?? "", parsed.Questions, models, collectionIds));
        if (error is not null) throw new CliException(error.Message);
        var total = parsed.Questions.Count * models.Length;
        var done = 0;
        var json = a.Has("json");
        var progress = new Progress<int>(n =>
        {
            done += n;
            if (!json) Console.Error.Write($"\ranswered {done}/{total}");
        });
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
        await lab.ExecuteAsync(admin, runId!.Value, progress, cancel.Token);
        if (!json) Console.Error.WriteLine();

        var view = (await lab.LoadAsync(admin, runId.Value))!;
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(view, Json));
            return view.Run.State == LabRunState.Completed ? 0 : 1;
        }
        Console.WriteLine($"Lab run {view.Run.Id} ({view.Run.State}): {view.Questions.Count} questions × {models.Length} models — /admin/lab/{view.Run.Id}");
        foreach (var q in view.Questions)
        {
            Console.WriteLine();
            Console.WriteLine($"Q{q.Ordinal}. {q.Question}" + (q.ExpectedAnswers.Count > 0 ? $"  (expected: {string.Join(" | ", q.ExpectedAnswers)})" : ""));
            foreach (var r in q.Results)
            {
                var verdict = r.Error is not null ? "ERROR" : r.ExpectedMatch switch { true => "match", false => "no match", null => "-" };
                Console.WriteLine($"  {r.Provider,-28} {verdict,-8} {r.InputTokens,6}/{r.OutputTokens,-6} ${r.Cost.ToString("0.000000", CultureInfo.InvariantCulture)} " +
                                  $"{Milliseconds.Format(r.FirstTokenMs, CultureInfo.InvariantCulture),9} {Milliseconds.Format(r.TotalMs, CultureInfo.InvariantCulture),9}  {OneLine(r.Error ?? r.Answer)}");
            }
        }
        Console.WriteLine();
        Console.WriteLine($"{"model",-28} {"answered",8} {"match",12} {"errors",6} {"tokens in/out",16} {"cost",12} {"ttft p50",9} {"p50",8} {"p95",8}");
        foreach (var s in view.Summary)
        {
            var match = s.MatchRate is { } rate ? $"{rate:P0} ({s.Matched}/{s.Judged})" : "-";
            Console.WriteLine($"{s.Provider,-28} {s.Answered,8} {match,12} {s.Errors,6} {$"{s.InputTokens}/{s.OutputTokens}",16} " +
                              $"{s.Cost.ToString("0.000000", CultureInfo.InvariantCulture),12} {Ms(s.FirstTokenP50Ms),9} {Ms(s.TotalP50Ms),8} {Ms(s.TotalP95Ms),8}");
        }
        return view.Run.State == LabRunState.Completed ? 0 : 1;
    }

    private static string[] Split(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Ms(double? ms) => ms is { } v ? v.ToString("0", CultureInfo.InvariantCulture) : "-";

    private static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length > 80 ? line[..79] + "…" : line;
    }
}
