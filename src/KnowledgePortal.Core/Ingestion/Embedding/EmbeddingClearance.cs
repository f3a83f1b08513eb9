using KnowledgePortal.Core.Domain;

namespace KnowledgePortal.Core.Ingestion.Embedding;

/// <summary>
/// Where the embedding model runs and the highest label whose text may be sent to it, like a chat provider's
/// clearance. Chunks of a collection above it are indexed for keyword search only (their text is never sent), and a
/// question whose search scope includes such a collection is not embedded (keyword search only).
/// </summary>
public sealed record EmbeddingClearance(ProviderLocation Location, SensitivityLabel MaxSensitivity)
{
    /// <summary>In-process models (built-in hashing, ONNX) never send text anywhere.</summary>
    public static readonly EmbeddingClearance InProcess = new(ProviderLocation.OnPremises, SensitivityLabel.Secret);

    public bool Allows(SensitivityLabel label) => label <= MaxSensitivity;

    public bool IsUnrestricted => MaxSensitivity == SensitivityLabel.Secret;

    /// <summary>
    /// From the settings: OpenAI and Azure OpenAI are cloud services; an OpenAI-compatible server counts as cloud unless
    /// Embedding:Location says OnPremises (fail closed). A cloud embedder is cleared for Internal unless told lower.
    /// </summary>
    public static EmbeddingClearance From(EmbeddingOptions o)
    {
        if (o.Provider is EmbeddingProvider.Builtin or EmbeddingProvider.Onnx) return InProcess;
        var location = o.Location ?? ProviderLocation.Cloud;
        var max = o.MaxSensitivity ?? (location == ProviderLocation.OnPremises ? SensitivityLabel.Secret : SensitivityLabel.Internal);
        return new EmbeddingClearance(location, max);
    }

    /// <summary>Settings problems, one sentence each (start-up refuses them).</summary>
    public static IEnumerable<string> Problems(EmbeddingOptions o)
    {
        if (o.Provider is EmbeddingProvider.AzureOpenAI || (o.Provider is EmbeddingProvider.OpenAI && string.IsNullOrWhiteSpace(o.Endpoint)))
            if (o.Location == ProviderLocation.OnPremises)
                yield return $"Embedding:Location is OnPremises, but the {o.Provider} embedding provider is a cloud service";
        var clearance = From(o);
        if (clearance.Location == ProviderLocation.Cloud && clearance.MaxSensitivity >= SensitivityLabel.Confidential)
            yield return $"Embedding:MaxSensitivity is {clearance.MaxSensitivity}, but Confidential and Secret text goes only to on-premises models; "
                         + "use an on-premises embedder (Embedding:Location=OnPremises) or lower it";
    }

    /// <summary>Refuses the start on <see cref="Problems"/>, naming each.</summary>
    public sealed class Validator : Microsoft.Extensions.Options.IValidateOptions<EmbeddingOptions>
    {
        public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, EmbeddingOptions options)
        {
            var problems = Problems(options).ToList();
            return problems.Count == 0 ? Microsoft.Extensions.Options.ValidateOptionsResult.Success
                : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(problems);
        }
    }

    /// <summary>The start-up line stating the rule, or null when nothing is held back.</summary>
    public string? Rule(string modelId) => IsUnrestricted ? null
        : $"Embedding model {modelId} ({Location}) is cleared for {MaxSensitivity}: collections labelled above it are indexed for keyword search only "
          + "and questions that search them are not sent to it.";
}
