using KnowledgePortal.Core.Audit;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace KnowledgePortal.Core.Access;

public static class AdministrationServiceCollectionExtensions
{
    /// <summary>
    /// Access administration, provider-key encryption (Data Protection) and the daily audit retention job with its
    /// validated "Audit" options. Needs AddPortalData (the DbContext factory).
    /// </summary>
    public static IServiceCollection AddPortalAdministration(this IServiceCollection services)
    {
        // One application name for every web and worker process, so a key protected by one is readable by the others
        // (they share the key ring too: the web host keeps it in PostgreSQL, see DataProtectionSetup).
        services.AddDataProtection().SetApplicationName("KnowledgePortal");
        services.AddSingleton<AccessAdministration>();
        services.AddSingleton<ViewAsSearch>();
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AuditRetentionJob>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditRetentionJob>());
        return services;
    }
}
