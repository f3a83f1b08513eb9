using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace KnowledgePortal.Web.Cli.Bench;

/// <summary>
/// `./portal bench ingest|retrieval`: benchmarks that print figures (they are not timed tests and never fail on a
/// number). Both create their scratch data in the configured database and remove it at the end, also after Ctrl-C;
/// scratch data a killed run left behind is removed by the next run.
/// </summary>
public static class BenchCommand
{
    public const string Usage = """
        usage: ./portal bench ingest [--files DIR] [--repeat N] [--json]
               ./portal bench retrieval [--sizes 10000,100000] [--queries 50] [--topics 200] [--json]
        """;

    public static async Task<int> RunAsync(IServiceProvider services, CliArgs a)
    {
        var sub = a.Positional.FirstOrDefault() ?? throw new CliException(Usage);
        using var cts = new CancellationTokenSource();
        // First Ctrl-C (or SIGTERM): stop measuring and clean up; a second one ends the process at once (a half-done
        // database transaction then rolls back on its own, and the next run removes what is left).
        var signals = new List<PosixSignalRegistration>();
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            signals.Add(PosixSignalRegistration.Create(signal, ctx =>
            {
                if (cts.IsCancellationRequested) return;
                ctx.Cancel = true;
                Console.Error.WriteLine("\nStopping: removing the scratch data (press Ctrl-C again to quit at once)…");
                cts.Cancel();
            }));
        }
        try
        {
            return sub switch
            {
                "ingest" => await IngestBench.RunAsync(services, a, cts.Token),
                "retrieval" => await RetrievalBench.RunAsync(services, a, cts.Token),
                _ => throw new CliException(Usage),
            };
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            Console.Error.WriteLine("Benchmark stopped; scratch data removed.");
            return 130;
        }
        finally
        {
            foreach (var s in signals) s.Dispose();
        }
    }

    internal static int IntOption(CliArgs a, string name, int fallback, int min, int max)
    {
        var raw = a.Get(name);
        if (raw is null) return fallback;
        if (!int.TryParse(raw.Replace("_", ""), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
            throw new CliException($"--{name} must be a whole number from {min} to {max}.");
        return v;
    }

    internal static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>Percentile with linear interpolation between closest ranks (p in 0..100).</summary>
    internal static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        var rank = p / 100 * (sorted.Length - 1);
        var lo = (int)Math.Floor(rank);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }

    /// <summary>
    /// Throughput of one measurement: runs <paramref name="pass"/> (which returns the units it processed) until at least
    /// <paramref name="minSeconds"/> have passed, so that very small inputs are not timed below the clock's noise.
    /// </summary>
    internal static double Rate(Func<double> pass, double minSeconds = 0.5)
    {
        double units = 0;
        var sw = Stopwatch.StartNew();
        do units += pass(); while (sw.Elapsed.TotalSeconds < minSeconds);
        return units / sw.Elapsed.TotalSeconds;
    }

    internal static async Task<double> RateAsync(Func<Task<double>> pass, double minSeconds = 0.5)
    {
        double units = 0;
        var sw = Stopwatch.StartNew();
        do units += await pass(); while (sw.Elapsed.TotalSeconds < minSeconds);
        return units / sw.Elapsed.TotalSeconds;
    }

    internal static double Round(double v, int digits = 1) => double.IsFinite(v) ? Math.Round(v, digits) : 0;

    /// <summary>Cores, OS, runtime and the load average at the time (figures on a busy machine are not comparable).</summary>
    internal static string Machine()
    {
        var load = "";
        try
        {
            if (File.Exists("/proc/loadavg")) load = ", load average " + string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException) { }
        return $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}{load}";
    }
}
