using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion.Embedding;

namespace KnowledgePortal.Tests.Embedding;

public sealed class EmbeddingClearanceTests
{
    [Theory]
    [InlineData(EmbeddingProvider.Builtin, null, ProviderLocation.OnPremises, SensitivityLabel.Secret)]
    [InlineData(EmbeddingProvider.Onnx, null, ProviderLocation.OnPremises, SensitivityLabel.Secret)]
    [InlineData(EmbeddingProvider.OpenAI, null, ProviderLocation.Cloud, SensitivityLabel.Internal)]
    [InlineData(EmbeddingProvider.AzureOpenAI, null, ProviderLocation.Cloud, SensitivityLabel.Internal)]
    [InlineData(EmbeddingProvider.OpenAICompatible, null, ProviderLocation.Cloud, SensitivityLabel.Internal)]
    [InlineData(EmbeddingProvider.OpenAICompatible, ProviderLocation.OnPremises, ProviderLocation.OnPremises, SensitivityLabel.Secret)]
    public void From_ProviderAndLocation_ClearanceFailsClosed(EmbeddingProvider provider, ProviderLocation? location,
        ProviderLocation expectedLocation, SensitivityLabel expectedMax)
    {
        var clearance = EmbeddingClearance.From(new EmbeddingOptions { Provider = provider, Location = location });

        Assert.Equal(new EmbeddingClearance(expectedLocation, expectedMax), clearance);
    }

    [Fact]
    public void Problems_CloudClearedForConfidential_Refused()
    {
        var problems = EmbeddingClearance.Problems(new EmbeddingOptions
        {
            Provider = EmbeddingProvider.OpenAI, MaxSensitivity = SensitivityLabel.Confidential,
        }).ToList();

        Assert.Contains(problems, p => p.Contains("Embedding:MaxSensitivity is Confidential"));
    }

    [Fact]
    public void Problems_AzureOpenAIClaimedOnPremises_Refused() =>
        Assert.Contains(EmbeddingClearance.Problems(new EmbeddingOptions { Provider = EmbeddingProvider.AzureOpenAI, Location = ProviderLocation.OnPremises }),
            p => p.Contains("cloud service"));

    [Fact]
    public void Rule_CloudEmbedder_OneLineNamingTheClearance()
    {
        var rule = new EmbeddingClearance(ProviderLocation.Cloud, SensitivityLabel.Internal).Rule("text-embedding-3-small");

        Assert.NotNull(rule);
        Assert.DoesNotContain('\n', rule);
        Assert.Contains("cleared for Internal", rule);
        Assert.Contains("keyword search only", rule);
        Assert.Null(EmbeddingClearance.InProcess.Rule("builtin"));
    }
}
