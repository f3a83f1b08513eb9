using KnowledgePortal.Core.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace KnowledgePortal.Tests.Infrastructure;

/// <summary>
/// Real PostgreSQL + pgvector, started by `./portal test`. The schema is migrated once into a template database;
/// each test class gets its own copy (CREATE DATABASE … TEMPLATE), so tests never see each other's rows.
/// </summary>
public static class TestDatabase
{
    private static readonly SemaphoreSlim TemplateLock = new(1, 1);
    private static readonly SemaphoreSlim CopyLock = new(1, 1);
    private static string? _templateName;

    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable("KP_TEST_ADMIN_CONNECTION")
        ?? throw new InvalidOperationException(
            "KP_TEST_ADMIN_CONNECTION is not set: run the tests with ./portal test, which starts the project-local PostgreSQL.");

    public static string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database, Pooling = true, MaxPoolSize = 40 }.ConnectionString;

    /// <summary>A new, migrated, empty database; dropped by the returned handle.</summary>
    public static async Task<TestDb> CreateAsync(string purpose)
    {
        var template = await EnsureTemplateAsync();
        var name = $"kpt_{purpose.ToLowerInvariant()}_{Guid.NewGuid():N}"[..40];
        // PostgreSQL copies a template only while nobody else uses it: serialise the copies and retry briefly.
        await CopyLock.WaitAsync();
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await ExecuteAdminAsync($"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"");
                    break;
                }
                catch (PostgresException ex) when (ex.SqlState == "55006" && attempt < 20)
                {
                    await Task.Delay(250);
                }
            }
        }
        finally
        {
            CopyLock.Release();
        }
        return new TestDb(name, ConnectionStringFor(name));
    }

    /// <summary>An empty database with no schema, for the migration test.</summary>
    public static async Task<TestDb> CreateEmptyAsync()
    {
        var name = $"kpt_empty_{Guid.NewGuid():N}"[..30];
        await ExecuteAdminAsync($"CREATE DATABASE \"{name}\"");
        return new TestDb(name, ConnectionStringFor(name));
    }

    private static async Task<string> EnsureTemplateAsync()
    {
        if (_templateName is not null) return _templateName;
        await TemplateLock.WaitAsync();
        try
        {
            if (_templateName is not null) return _templateName;
            await DropTemplatesOfEndedRunsAsync();
            var name = $"kpt_template_{Environment.ProcessId}_{DateTime.UtcNow:HHmmss}";
            await ExecuteAdminAsync($"CREATE DATABASE \"{name}\"");
            await using (var dataSource = PortalDataSource.CreateDataSource(ConnectionStringFor(name)))
            await using (var db = TestDb.CreateContext(dataSource))
                await db.Database.MigrateAsync();
            NpgsqlConnection.ClearAllPools();
            _templateName = name;
            return name;
        }
        finally
        {
            TemplateLock.Release();
        }
    }

    /// <summary>Each run leaves its template behind (copies may still be made until the process ends); the next run drops them.</summary>
    private static async Task DropTemplatesOfEndedRunsAsync()
    {
        var stale = new List<string>();
        await using (var conn = new NpgsqlConnection(AdminConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT datname FROM pg_database WHERE datname LIKE 'kpt\\_template\\_%'", conn);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var name = reader.GetString(0);
                var pid = name.Split('_') is [_, _, var p, ..] && int.TryParse(p, out var n) ? n : 0;
                if (pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid}")) stale.Add(name);
            }
        }
        foreach (var name in stale)
        {
            try { await ExecuteAdminAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"); }
            catch (NpgsqlException) { /* another run may be dropping it too */ }
        }
    }

    internal static async Task ExecuteAdminAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(AdminConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}

public sealed class TestDb(string name, string connectionString) : IAsyncDisposable
{
    private NpgsqlDataSource? _dataSource;

    public string Name { get; } = name;
    public string ConnectionString { get; } = connectionString;
    public NpgsqlDataSource DataSource => _dataSource ??= PortalDataSource.CreateDataSource(ConnectionString);

    public PortalDbContext CreateContext() => CreateContext(DataSource);

    public static PortalDbContext CreateContext(NpgsqlDataSource dataSource)
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        PortalDataSource.ConfigureNpgsql(options, dataSource);
        return new PortalDbContext(options.Options);
    }

    public IDbContextFactory<PortalDbContext> Factory => new Factory_(this);

    private sealed class Factory_(TestDb db) : IDbContextFactory<PortalDbContext>
    {
        public PortalDbContext CreateDbContext() => db.CreateContext();
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null) await _dataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        try { await TestDatabase.ExecuteAdminAsync($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)"); }
        catch (NpgsqlException) { /* best effort: the cluster is per checkout */ }
    }
}
