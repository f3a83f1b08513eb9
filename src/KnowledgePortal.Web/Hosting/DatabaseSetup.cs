using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Audit;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Demo;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace KnowledgePortal.Web.Hosting;

public static class DatabaseSetup
{
    public static IHostApplicationBuilder AddPortalDatabase(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<DatabaseOptions>()
            .BindConfiguration("Database")
            .Configure<IConfiguration>((o, config) => o.ConnectionString = config.GetConnectionString("Portal") ?? "")
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString),
                "ConnectionStrings:Portal is missing: set it to a PostgreSQL connection string (./portal sets it for the local database)")
            .Validate(o => { try { _ = new NpgsqlConnectionStringBuilder(o.ConnectionString); return true; } catch { return false; } },
                "ConnectionStrings:Portal is not a valid PostgreSQL connection string")
            .ValidateOnStart();
        services.AddSingleton(sp => DataServiceCollectionExtensions.CreateDataSource(
            sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString));
        services.AddDbContextFactory<PortalDbContext>((sp, o) =>
            DataServiceCollectionExtensions.ConfigureNpgsql(o, sp.GetRequiredService<NpgsqlDataSource>()));
        var isDevelopment = builder.Environment.IsDevelopment();
        services.AddSingleton(sp => (sp.GetRequiredService<IConfiguration>().GetSection(AuthenticationOptions.Section).Get<AuthenticationOptions>() ?? new())
            .RoleMapping(isDevelopment));
        services.AddSingleton<AccessResolver>();
        services.AddSingleton<AuditLog>();
        return builder;
    }

    /// <summary>Migrates (when enabled) and seeds the demo (when asked). Both are safe to repeat.</summary>
    public static async Task InitializeDatabaseAsync(this IServiceProvider services, bool seedDemo, CancellationToken ct = default)
    {
        var options = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        var factory = services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await factory.CreateDbContextAsync(ct);
        if (options.MigrateOnStart)
        {
            // On an empty database EF's first step, reading __EFMigrationsHistory, fails and is logged as `fail:` before
            // Migrate creates the table (dotnet/efcore#37328). Creating it first (IF NOT EXISTS) keeps a first start clean.
            await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(ct);
            await db.Database.MigrateAsync(ct);
            await using var conn = await services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(ct);
            await UpdateVectorExtensionAsync(conn, services.GetRequiredService<ILoggerFactory>().CreateLogger("KnowledgePortal.Database"), ct);
            // The data source caches type info; reload so the vector type created by the migration is known.
            await conn.ReloadTypesAsync(ct);
        }
        if (seedDemo) await DemoData.SeedAsync(db, ct);
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
