using KnowledgePortal.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace KnowledgePortal.Migrations;

/// <summary>Lets `dotnet ef` build the model without starting the web host.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext(string[] args)
    {
        var cs = Environment.GetEnvironmentVariable("KP_DESIGN_CONNECTION")
                 ?? "Host=localhost;Database=knowledgeportal_design;Username=postgres";
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        PortalDataSource.ConfigureNpgsql(options, PortalDataSource.CreateDataSource(cs));
        return new PortalDbContext(options.Options);
    }
}
