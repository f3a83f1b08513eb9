using Microsoft.Extensions.DependencyInjection;

namespace KnowledgePortal.Core.Insights;

public static class InsightsServiceCollectionExtensions
{
    /// <summary>
    /// Usage, cost and quality reports (<see cref="InsightsQueries"/>) and monthly budgets (<see cref="BudgetGuard"/>,
    /// which AskService consults before every question once registered). Part of AddPortalCore.
    /// </summary>
    internal static IServiceCollection AddPortalInsights(this IServiceCollection services)
    {
        services.AddSingleton<InsightsQueries>();
        services.AddSingleton<BudgetGuard>();
        return services;
    }
}
