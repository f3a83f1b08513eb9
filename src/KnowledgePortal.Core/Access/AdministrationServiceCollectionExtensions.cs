using KnowledgePortal.Core.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace KnowledgePortal.Core.Access;

public static class AdministrationServiceCollectionExtensions
{
    /// <summary>
    /// Access administration and the daily audit retention job with its validated "Audit" options (run
    /// only where <paramref name="runAuditRetention"/>). Part of <see cref="Hosting.PortalCoreServices.AddPortalCore"/>.
    /// </summary>
    internal static IServiceCollection AddPortalAdministration(this IServiceCollection services, bool runAuditRetention)
    {
        services.AddSingleton<AccessAdministration>();
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AuditRetentionJob>();
        if (runAuditRetention) services.AddHostedService(sp => sp.GetRequiredService<AuditRetentionJob>());
        return services;
    }
}
