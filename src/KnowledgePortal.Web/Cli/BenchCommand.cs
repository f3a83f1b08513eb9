namespace KnowledgePortal.Web.Cli;

public static class BenchCommand
{
    public static Task<int> RunAsync(IServiceProvider services, CliArgs a) =>
        throw new CliException("./portal bench is not built yet.");
}
