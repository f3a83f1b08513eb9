using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace KnowledgePortal.Core.Data;

public static class PortalDataSource
{
    public const string MigrationsAssembly = "KnowledgePortal.Migrations";

    /// <summary>One data source per process: it owns the pgvector type mapping and the connection pool.</summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.UseVector();
        return builder.Build();
    }

    public static void ConfigureNpgsql(DbContextOptionsBuilder options, NpgsqlDataSource dataSource) =>
        options.UseNpgsql(dataSource, o =>
            {
                o.UseVector();
                o.MigrationsAssembly(MigrationsAssembly);
            })
            .UseSnakeCaseNamingConvention();
}
