namespace KnowledgePortal.Web.Cli;

public static class EvalCommand
{
    public static Task<int> RunAsync(IServiceProvider services, CliArgs a) =>
        throw new CliException("./portal eval is not built yet (see the Insights issue).");
}
