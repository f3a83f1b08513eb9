using Microsoft.Extensions.Options;

namespace KnowledgePortal.Web.Hosting;

public static class OptionsExtensions
{
    /// <summary>Binds a section, validates data annotations and the extra rules, and fails the start if invalid.</summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, string section) where T : class =>
        services.AddOptions<T>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();

    /// <summary>One clear line per invalid setting, e.g. "Configuration error: Retrieval:TopK must be between 1 and 100".</summary>
    public static string Describe(OptionsValidationException ex) =>
        "Configuration error: " + string.Join("; ", ex.Failures.Select(f => f.Replace("DataAnnotation validation failed for ", "")));
}
