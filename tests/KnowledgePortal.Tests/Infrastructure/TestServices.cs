using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Hosting;

namespace KnowledgePortal.Tests.Infrastructure;

/// <summary>
/// The portal's real service graph (same Add… extensions as Program.cs and the CLI) over a test database,
/// without the web host. Settings override appsettings, e.g. ["Ingestion:FileTimeoutSeconds"] = "1".
/// </summary>
public sealed class TestServices : IAsyncDisposable
{
    private readonly IHost _host;

    private TestServices(IHost host, TestDb db)
    {
        _host = host;
        Db = db;
    }

    public TestDb Db { get; }
    public IServiceProvider Services => _host.Services;
    public T Get<T>() where T : notnull => _host.Services.GetRequiredService<T>();

    public static async Task<TestServices> StartAsync(string purpose, IDictionary<string, string?>? settings = null, bool seedDemo = true) =>
        await StartAsync(await TestDatabase.CreateAsync(purpose), settings, seedDemo);

    /// <summary>A second service graph over an existing database, e.g. the same data with another embedding model.</summary>
    public static async Task<TestServices> StartAsync(TestDb db, IDictionary<string, string?>? settings = null, bool seedDemo = true)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Development", DisableDefaults = true });
        var config = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Portal"] = db.ConnectionString,
            ["Ingestion:LeaseSeconds"] = "30",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) config[k] = v;
        builder.Configuration.AddInMemoryCollection(config);
        builder.AddPortalCore(ProcessRole.Command, typeof(Program).Assembly);
        var host = builder.Build();
        if (await host.Services.InitializePortalAsync(seedDemo ? DemoSeed.Directory : DemoSeed.None) is { } configurationError)
        {
            host.Dispose();
            throw new InvalidOperationException(configurationError);
        }
        return new TestServices(host, db);
    }

    /// <summary>The effective access of a demo user, resolved like a sign-in.</summary>
    public Task<UserAccess> UserAsync(string demoUser) =>
        Get<AccessResolver>().ResolveAsync(DemoData.FindUser(demoUser)!.ToIdentity());

    public async Task<UserAccess> SystemAsync()
    {
        await using var db = Db.CreateContext();
        return UserAccess.System(db.Collections.Select(c => c.Id).ToArray());
    }

    public async Task<int> CollectionIdAsync(string name)
    {
        await using var db = Db.CreateContext();
        return db.Collections.Single(c => c.Name == name).Id;
    }

    /// <summary>Works the ingestion queue in this process until it is empty.</summary>
    public async Task DrainQueueAsync(CancellationToken ct = default)
    {
        var worker = Get<KnowledgePortal.Core.Ingestion.IngestionWorker>();
        while (await worker.ProcessNextAsync("test-worker", ct)) { }
    }

    /// <summary>Stops the services but keeps the database (for a second graph over the same data).</summary>
    public void StopKeepingDatabase() => _host.Dispose();

    public async ValueTask DisposeAsync()
    {
        _host.Dispose();
        await Db.DisposeAsync();
    }
}
