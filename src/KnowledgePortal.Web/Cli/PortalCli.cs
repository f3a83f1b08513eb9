namespace KnowledgePortal.Web.Cli;

/// <summary>The same binary serves the portal and runs the `./portal` subcommands (import, search, ask, eval, bench, worker).</summary>
public static class PortalCli
{
    private static readonly HashSet<string> Commands = ["import", "search", "ask", "eval", "bench", "worker", "seed", "migrate"];

    public static bool IsCommand(string[] args) => args.Length > 0 && Commands.Contains(args[0]);

    public static Task<int> RunAsync(string[] args)
    {
        Console.Error.WriteLine($"'{args[0]}' is not available yet.");
        return Task.FromResult(2);
    }
}
