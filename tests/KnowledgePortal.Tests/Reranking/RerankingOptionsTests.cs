using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Retrieval.Reranking;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Tests.Reranking;

public sealed class RerankingOptionsTests
{
    private static RerankingOptions Http(RerankProtocol protocol = RerankProtocol.CohereV2) =>
        new() { Provider = RerankerProvider.Http, Protocol = protocol, Model = "rerank-v3.5" };

    [Theory]
    [InlineData(null, null, ProviderLocation.Cloud, SensitivityLabel.Internal)]
    [InlineData(ProviderLocation.Cloud, SensitivityLabel.Public, ProviderLocation.Cloud, SensitivityLabel.Public)]
    [InlineData(ProviderLocation.OnPremises, null, ProviderLocation.OnPremises, SensitivityLabel.Secret)]
    [InlineData(ProviderLocation.OnPremises, SensitivityLabel.Confidential, ProviderLocation.OnPremises, SensitivityLabel.Confidential)]
    public void From_HttpLocationAndLabel_FailsClosedToCloudInternal(ProviderLocation? location, SensitivityLabel? max,
        ProviderLocation expectedLocation, SensitivityLabel expectedMax)
    {
        var o = Http();
        o.Location = location;
        o.MaxSensitivity = max;

        Assert.Equal(new RerankerClearance(expectedLocation, expectedMax), RerankerClearance.From(o));
    }

    [Theory]
    [InlineData(SensitivityLabel.Confidential)]
    [InlineData(SensitivityLabel.Secret)]
    public void Problems_CloudClearedForConfidential_Refused(SensitivityLabel max)
    {
        var o = Http();
        o.MaxSensitivity = max;

        Assert.Contains(RerankingOptionsValidator.Problems(o), p => p.StartsWith($"Reranking:MaxSensitivity is {max}", StringComparison.Ordinal));
    }

    [Fact]
    public void Problems_OnPremisesClearedForSecret_Accepted()
    {
        var o = Http(RerankProtocol.Tei);
        o.Endpoint = "http://tei:8080";
        o.Location = ProviderLocation.OnPremises;
        o.MaxSensitivity = SensitivityLabel.Secret;

        Assert.Empty(RerankingOptionsValidator.Problems(o));
    }

    [Fact]
    public void Problems_DefaultCloudApiClaimedOnPremises_Refused()
    {
        var o = Http();
        o.Location = ProviderLocation.OnPremises;

        Assert.Contains(RerankingOptionsValidator.Problems(o), p => p.Contains("public cloud API"));
    }

    [Fact]
    public void Problems_EachBadSetting_OneSentenceEach()
    {
        var o = new RerankingOptions
        {
            Provider = RerankerProvider.Http, Protocol = RerankProtocol.Voyage, Endpoint = "not a url", Candidates = 0,
            TimeoutSeconds = 0, ApiKeySetting = "ConnectionStrings:Portal",
        };

        var problems = RerankingOptionsValidator.Problems(o).ToList();

        Assert.Contains(problems, p => p.StartsWith("Reranking:Candidates", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Reranking:TimeoutSeconds", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Reranking:Endpoint 'not a url'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Reranking:Model is required for the Voyage", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Reranking:ApiKeySetting", StringComparison.Ordinal));
        Assert.All(problems, p => Assert.DoesNotContain('\n', p));
    }

    [Theory]
    [InlineData(RerankProtocol.VllmRerank)]
    [InlineData(RerankProtocol.VllmScore)]
    [InlineData(RerankProtocol.Tei)]
    [InlineData(RerankProtocol.LlamaCpp)]
    public void Problems_SelfHostedWithoutEndpoint_Refused(RerankProtocol protocol) =>
        Assert.Contains(RerankingOptionsValidator.Problems(Http(protocol)), p => p.StartsWith("Reranking:Endpoint (the server's base URL) is required", StringComparison.Ordinal));

    [Fact]
    public void Problems_HttpWithoutProtocol_Refused() =>
        Assert.Contains(RerankingOptionsValidator.Problems(new RerankingOptions { Provider = RerankerProvider.Http }),
            p => p.StartsWith("Reranking:Protocol is required", StringComparison.Ordinal));

    [Fact]
    public void Problems_ProviderNone_NothingChecked() =>
        Assert.Empty(RerankingOptionsValidator.Problems(new RerankingOptions { Candidates = -1, MaxSensitivity = SensitivityLabel.Secret }));

    [Fact]
    public void Problems_OnnxWithoutFolder_Refused() =>
        Assert.Contains(RerankingOptionsValidator.Problems(new RerankingOptions { Provider = RerankerProvider.Onnx, ModelPath = "/nonexistent/reranker" }),
            p => p.StartsWith("Reranking:ModelPath", StringComparison.Ordinal));

    [Fact]
    public async Task Create_OnnxFolder_InProcessCrossEncoderThatScores()
    {
        var dir = KnowledgePortal.Tests.Embedding.OnnxTestModel.NewFolder("factory-reranker");
        File.WriteAllBytes(Path.Combine(dir, "model.onnx"), KnowledgePortal.Tests.Embedding.OnnxTestModel.BuildCrossEncoder(1));
        File.WriteAllLines(Path.Combine(dir, "vocab.txt"), KnowledgePortal.Tests.Embedding.OnnxTestModel.Vocab);
        var options = new RerankingOptions { Provider = RerankerProvider.Onnx, ModelPath = dir };

        Assert.Empty(RerankingOptionsValidator.Problems(options));
        var reranker = RerankerFactory.Create(options);
        Assert.IsType<OnnxCrossEncoderReranker>(reranker);
        Assert.Equal((ProviderLocation.OnPremises, SensitivityLabel.Secret), (reranker.Location, reranker.MaxSensitivity));
        Assert.Equal(2, (await reranker.ScoreAsync("leave", ["annual leave", "parking"])).Count);
        (reranker as IDisposable)?.Dispose();
    }

    [Fact]
    public void Create_CloudApiWithoutEndpoint_UsesThePublicApi()
    {
        var reranker = RerankerFactory.Create(Http(RerankProtocol.Voyage));

        Assert.NotNull(reranker);
        Assert.Equal("http:voyage rerank-v3.5", reranker.Name);
        Assert.Equal(ProviderLocation.Cloud, reranker.Location);
        Assert.Equal(SensitivityLabel.Internal, reranker.MaxSensitivity);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddPortalReranking(configuration);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void AddPortalReranking_CloudClearedForConfidential_StartRefused()
    {
        using var sp = Services(new()
        {
            ["Reranking:Provider"] = "Http", ["Reranking:Protocol"] = "CohereV2", ["Reranking:Model"] = "rerank-v3.5",
            ["Reranking:MaxSensitivity"] = "Confidential",
        });

        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<RerankingOptions>>().Value);

        Assert.Contains(ex.Failures, f => f.StartsWith("Reranking:MaxSensitivity is Confidential", StringComparison.Ordinal));
    }

    [Fact]
    public void AddPortalReranking_NoSection_StageWithoutReranker()
    {
        using var sp = Services([]);

        Assert.Null(sp.GetRequiredService<RerankStage>().Reranker);
    }

    [Fact]
    public void AddPortalReranking_HttpSettings_StageWithKeyFromSetting()
    {
        using var sp = Services(new()
        {
            ["Reranking:Provider"] = "Http", ["Reranking:Protocol"] = "Tei", ["Reranking:Endpoint"] = "http://tei:8080",
            ["Reranking:Location"] = "OnPremises", ["Reranking:TimeoutSeconds"] = "1.5", ["Reranking:Candidates"] = "30",
            ["Reranking:ApiKeySetting"] = "Providers:Keys:Tei", ["Providers:Keys:Tei"] = "k",
        });

        var reranker = sp.GetRequiredService<RerankStage>().Reranker;

        Assert.NotNull(reranker);
        Assert.Equal("http:tei", reranker.Name);
        Assert.Equal(SensitivityLabel.Secret, reranker.MaxSensitivity);
        Assert.Equal(30, sp.GetRequiredService<IOptions<RerankingOptions>>().Value.Candidates);
    }
}
