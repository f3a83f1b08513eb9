namespace KnowledgePortal.Tests.Infrastructure;

public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string TestFile(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "TestFiles", .. parts]);

    private static string FindRoot()
    {
        var fromEnv = Environment.GetEnvironmentVariable("KP_REPO_ROOT");
        if (!string.IsNullOrEmpty(fromEnv)) return fromEnv;
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "KnowledgePortal.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("KnowledgePortal.sln not found above " + AppContext.BaseDirectory);
    }
}
