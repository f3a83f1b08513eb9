using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace KnowledgePortal.Core.Data;

public sealed class DatabaseOptions
{
    public const string Section = "Database";
    /// <summary>From ConnectionStrings:Portal.</summary>
    public string ConnectionString { get; set; } = "";
    /// <summary>Apply EF Core migrations when the portal starts (turn off when a DBA applies them).</summary>
    public bool MigrateOnStart { get; set; } = true;
}

public static class DatabaseSetup
{
    /// <summary>
    /// The validated connection string, one <see cref="NpgsqlDataSource"/> per process (it owns the pgvector type
    /// mapping and the pool) and the DbContext factory every Core service uses.
    /// </summary>
    internal static IServiceCollection AddPortalData(this IServiceCollection services)
    {
        services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.Section)
            .Configure<IConfiguration>((o, config) => o.ConnectionString = config.GetConnectionString("Portal") ?? "")
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString),
                "ConnectionStrings:Portal is missing: set it to a PostgreSQL connection string (./portal sets it for the local database)")
            .Validate(o => { try { _ = new NpgsqlConnectionStringBuilder(o.ConnectionString); return true; } catch { return false; } },
                "ConnectionStrings:Portal is not a valid PostgreSQL connection string")
            .ValidateOnStart();
        services.AddSingleton(sp => PortalDataSource.CreateDataSource(
            sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString));
        services.AddDbContextFactory<PortalDbContext>((sp, o) =>
            PortalDataSource.ConfigureNpgsql(o, sp.GetRequiredService<NpgsqlDataSource>()));
        return services;
    }

    /// <summary>Migrates when enabled (safe to repeat) and brings pgvector to its installed version.</summary>
    public static async Task MigrateDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        var options = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        if (!options.MigrateOnStart) return;
        await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(ct);
        // On an empty database EF's first step, reading __EFMigrationsHistory, fails and is logged as `fail:` before
        // Migrate creates the table (dotnet/efcore#37328). Creating it first (IF NOT EXISTS) keeps a first start clean.
        await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(ct);
        await db.Database.MigrateAsync(ct);
        await using var conn = await services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(ct);
        await UpdateVectorExtensionAsync(conn, services.GetRequiredService<ILoggerFactory>().CreateLogger("KnowledgePortal.Database"), ct);
        // The data source caches type info; reload so the vector type created by the migration is known.
        await conn.ReloadTypesAsync(ct);
    }

    /// <summary>
    /// Installing newer pgvector files does not change a database's extension until it is updated: an existing
    /// 0.8.0 (CVE-2026-3172) stays 0.8.0 until ALTER EXTENSION runs, so every start brings it to the installed version.
    /// </summary>
    public static async Task<(string? Before, string? After)> UpdateVectorExtensionAsync(NpgsqlConnection conn, ILogger logger, CancellationToken ct = default)
    {
        const string versions = "SELECT e.extversion, a.default_version FROM pg_extension e JOIN pg_available_extensions a ON a.name = e.extname WHERE e.extname = 'vector'";
        string? before, available;
        await using (var cmd = new NpgsqlCommand(versions, conn))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            if (!await r.ReadAsync(ct)) return (null, null);
            (before, available) = (r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1));
        }
        if (available is null || before == available) return (before, before);
        await using (var update = new NpgsqlCommand("ALTER EXTENSION vector UPDATE", conn)) await update.ExecuteNonQueryAsync(ct);
        logger.LogWarning("pgvector extension updated from {Before} to {After}", before, available);
        return (before, available);
    }
}

/// <summary>Ready means: the database answers, pgvector is installed and no migration is pending.</summary>
public sealed class DatabaseReadyCheck(IDbContextFactory<PortalDbContext> factory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var db = await factory.CreateDbContextAsync(ct);
            var vector = await db.Database.SqlQueryRaw<string>("SELECT extversion AS \"Value\" FROM pg_extension WHERE extname = 'vector'")
                .FirstOrDefaultAsync(ct);
            if (vector is null) return HealthCheckResult.Unhealthy("The pgvector extension is not installed in the database.");
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            if (pending.Count > 0) return HealthCheckResult.Unhealthy($"{pending.Count} migration(s) not applied: {string.Join(", ", pending)}");
            return HealthCheckResult.Healthy($"PostgreSQL reachable, pgvector {vector}, migrations applied");
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("The database is not reachable: " + ex.GetType().Name);
        }
    }
}
