using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Core.Hosting;

public static class OptionsExtensions
{
    /// <summary>Binds a section, validates data annotations and the extra rules, and fails the start if invalid.</summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, string section) where T : class =>
        services.AddOptions<T>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();

    /// <summary>One clear line per invalid setting, e.g. "Configuration error: Retrieval:TopK must be between 1 and 100".</summary>
    public static string Describe(OptionsValidationException ex) => Describe([ex]);

    /// <summary>Several bad settings at once (the start-up validator aggregates them): one line naming each.</summary>
    public static string Describe(IEnumerable<OptionsValidationException> errors) =>
        "Configuration error: " + string.Join("; ", errors.SelectMany(e => e.Failures).Select(f => f.Replace("DataAnnotation validation failed for ", "")));

    public static bool IsConfigurationError(AggregateException ex) => ex.InnerExceptions.All(e => e is OptionsValidationException);
}
