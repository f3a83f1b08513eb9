using KnowledgePortal.Core.Domain;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Core.Retrieval.Reranking;

/// <summary>Refuses the start on bad Reranking settings, one sentence each.</summary>
public sealed class RerankingOptionsValidator : IValidateOptions<RerankingOptions>
{
    public const int MaxCandidates = 1000; // Voyage's per-request limit, and far beyond a useful rerank window
    public const double MaxTimeoutSeconds = 120;

    public ValidateOptionsResult Validate(string? name, RerankingOptions options)
    {
        var problems = Problems(options).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    public static IEnumerable<string> Problems(RerankingOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (o.Provider == RerankerProvider.None) yield break; // settings left behind for later are harmless

        if (o.Candidates is < 1 or > MaxCandidates)
            yield return $"Reranking:Candidates must be between 1 and {MaxCandidates}";
        if (!(o.TimeoutSeconds > 0 && o.TimeoutSeconds <= MaxTimeoutSeconds))
            yield return $"Reranking:TimeoutSeconds must be above 0 and at most {MaxTimeoutSeconds}";

        if (o.Provider == RerankerProvider.Onnx)
        {
            if (string.IsNullOrWhiteSpace(o.ModelPath) || !Directory.Exists(o.ModelPath))
                yield return "Reranking:ModelPath must name the folder of the ONNX cross-encoder when Reranking:Provider is Onnx";
            yield break;
        }

        if (o.Protocol is not { } protocol)
        {
            yield return "Reranking:Protocol is required for the Http provider (" + string.Join(", ", Enum.GetNames<RerankProtocol>()) + ")";
            yield break;
        }
        if (string.IsNullOrWhiteSpace(o.Endpoint))
        {
            if (HttpReranker.DefaultEndpoint(protocol) is null)
                yield return $"Reranking:Endpoint (the server's base URL) is required for the {protocol} protocol";
            else if (o.Location == ProviderLocation.OnPremises)
                yield return $"Reranking:Location is OnPremises, but without Reranking:Endpoint the {protocol} protocol goes to the public cloud API";
        }
        else if (!IsHttpUrl(o.Endpoint))
            yield return $"Reranking:Endpoint '{o.Endpoint}' is not an absolute http(s) URL";
        if (HttpReranker.RequiresModel(protocol) && string.IsNullOrWhiteSpace(o.Model))
            yield return $"Reranking:Model is required for the {protocol} protocol";
        if (!Access.ProviderKeys.IsAllowedSetting(o.ApiKeySetting))
            yield return "Reranking:ApiKeySetting " + Access.ProviderKeys.SettingRule;

        var clearance = RerankerClearance.From(o);
        if (clearance.Location == ProviderLocation.Cloud && clearance.MaxSensitivity >= SensitivityLabel.Confidential)
            yield return $"Reranking:MaxSensitivity is {clearance.MaxSensitivity}, but Confidential and Secret passages go only to on-premises models; "
                         + "use an on-premises reranker (Reranking:Location=OnPremises) or lower it";
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
