using Microsoft.Extensions.DependencyInjection;

namespace KnowledgePortal.Core.Lab;

public static class LabServiceCollectionExtensions
{
    /// <summary>The model lab (admins compare provider profiles on their own documents). Needs the answering services.</summary>
    internal static IServiceCollection AddPortalModelLab(this IServiceCollection services)
    {
        services.AddSingleton<ModelLab>();
        services.AddSingleton<ModelLabRunner>();
        return services;
    }
}
