using System.ClientModel;
using System.Net;
using System.Text;
using KnowledgePortal.Core.Ingestion.Embedding;
using Microsoft.Extensions.AI;

namespace KnowledgePortal.Tests.Embedding;

public class EmbeddingGeneratorFactoryTests
{
    /// <summary>Answers an OpenAI embeddings request with [1, 2, 3] per input (float or base64 as requested).</summary>
    private static HttpResponseMessage EmbeddingsResponse(HttpRequestMessage request)
    {
        var body = request.Content!.ReadAsStringAsync().GetAwaiter().GetResult();
        bool base64 = body.Contains("base64", StringComparison.Ordinal);
        var floats = new[] { 1f, 2f, 3f };
        string vector = base64
            ? "\"" + Convert.ToBase64String(floats.SelectMany(BitConverter.GetBytes).ToArray()) + "\""
            : "[1.0,2.0,3.0]";
        var json = "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":" + vector
            + "}],\"model\":\"m\",\"usage\":{\"prompt_tokens\":1,\"total_tokens\":1}}";
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
    }

    [Fact]
    public void Create_Builtin_HashingGenerator()
    {
        using var generator = EmbeddingGeneratorFactory.Create(new EmbeddingOptions());
        Assert.IsType<HashingEmbeddingGenerator>(generator);
    }

    [Fact]
    public void Create_BuiltinWithOtherDimensions_ArgumentException()
    {
        Assert.Throws<ArgumentException>(() => EmbeddingGeneratorFactory.Create(new EmbeddingOptions { Dimensions = 1536 }));
        using var ok = EmbeddingGeneratorFactory.Create(new EmbeddingOptions { Dimensions = 384 });
        Assert.IsType<HashingEmbeddingGenerator>(ok);
    }

    [Theory]
    [InlineData(EmbeddingProvider.Onnx, null, null, null)]
    [InlineData(EmbeddingProvider.OpenAI, null, null, null)]
    [InlineData(EmbeddingProvider.AzureOpenAI, "dep", null, "key")]
    [InlineData(EmbeddingProvider.AzureOpenAI, null, "https://r.openai.azure.com", "key")]
    [InlineData(EmbeddingProvider.OpenAICompatible, "m", null, null)]
    [InlineData(EmbeddingProvider.OpenAICompatible, "m", "not a url", null)]
    public void Create_MissingSetting_ArgumentExceptionNamingIt(EmbeddingProvider provider, string? model, string? endpoint, string? key)
    {
        var options = new EmbeddingOptions { Provider = provider, Model = model, Endpoint = endpoint, ApiKey = key };
        var ex = Assert.ThrowsAny<ArgumentException>(() => EmbeddingGeneratorFactory.Create(options));
        Assert.Contains("Embedding:", ex.Message);
    }

    [Theory]
    [InlineData("https://res.openai.azure.com", "https://res.openai.azure.com/openai/v1/")]
    [InlineData("https://res.openai.azure.com/", "https://res.openai.azure.com/openai/v1/")]
    [InlineData("https://res.openai.azure.com/openai", "https://res.openai.azure.com/openai/v1/")]
    [InlineData("https://res.openai.azure.com/openai/v1/", "https://res.openai.azure.com/openai/v1/")]
    public void AzureV1Endpoint_Variants_NormalisedToV1(string endpoint, string expected)
    {
        Assert.Equal(new Uri(expected), EmbeddingGeneratorFactory.AzureV1Endpoint(endpoint));
    }

    [Fact]
    public async Task Create_OpenAICompatible_SendsToEndpointWithKey()
    {
        var fake = new FakeHttpHandler((req, _) => EmbeddingsResponse(req));
        using var http = new HttpClient(fake);
        using var generator = EmbeddingGeneratorFactory.Create(
            new EmbeddingOptions { Provider = EmbeddingProvider.OpenAICompatible, Endpoint = "http://localhost:8080/v1", Model = "e5", ApiKey = "sk-test" },
            http);

        var result = await generator.GenerateAsync(["hello"]);

        Assert.Equal([1f, 2f, 3f], result[0].Vector.ToArray());
        Assert.Equal(new Uri("http://localhost:8080/v1/embeddings"), fake.Uris.Single());
        Assert.Equal("Bearer sk-test", fake.Authorizations.Single());
        Assert.Contains("\"e5\"", fake.Bodies.Single());
    }

    [Fact]
    public async Task Create_AzureOpenAI_UsesV1EndpointAndDeployment()
    {
        var fake = new FakeHttpHandler((req, _) => EmbeddingsResponse(req));
        using var http = new HttpClient(fake);
        using var generator = EmbeddingGeneratorFactory.Create(
            new EmbeddingOptions { Provider = EmbeddingProvider.AzureOpenAI, Endpoint = "https://res.openai.azure.com", Model = "my-deployment", ApiKey = "azkey" },
            http);

        await generator.GenerateAsync(["hello"]);

        Assert.Equal(new Uri("https://res.openai.azure.com/openai/v1/embeddings"), fake.Uris.Single());
        Assert.Contains("\"my-deployment\"", fake.Bodies.Single());
    }

    [Fact]
    public async Task Create_OpenAIWithDimensions_RequestsDimensions()
    {
        var fake = new FakeHttpHandler((req, _) => EmbeddingsResponse(req));
        using var http = new HttpClient(fake);
        using var generator = EmbeddingGeneratorFactory.Create(
            new EmbeddingOptions { Provider = EmbeddingProvider.OpenAI, ApiKey = "k", Dimensions = 256, Endpoint = "https://api.example.test/v1" },
            http);

        await generator.GenerateAsync(["hello"]);

        Assert.Contains("\"dimensions\":256", fake.Bodies.Single());
        Assert.Contains("\"text-embedding-3-small\"", fake.Bodies.Single());
    }

    [Fact]
    public async Task Create_ServerError_SdkDoesNotRetryOnItsOwn()
    {
        var fake = FakeHttpHandler.Sequence(HttpStatusCode.InternalServerError);
        using var http = new HttpClient(fake);
        using var generator = EmbeddingGeneratorFactory.Create(
            new EmbeddingOptions { Provider = EmbeddingProvider.OpenAICompatible, Endpoint = "http://localhost:8080/v1", Model = "m" },
            http);

        await Assert.ThrowsAsync<ClientResultException>(() => generator.GenerateAsync(["hello"]));
        Assert.Equal(1, fake.Calls);
    }

    [Fact]
    public async Task Create_WithRetryingHandler_RetriesThenSucceeds()
    {
        var fake = new FakeHttpHandler((req, call) => call < 2 ? new HttpResponseMessage(HttpStatusCode.TooManyRequests) : EmbeddingsResponse(req));
        var retry = new RetryingHttpHandler(fake, 3) { DelayAsync = (_, _) => Task.CompletedTask };
        using var http = new HttpClient(retry);
        using var generator = EmbeddingGeneratorFactory.Create(
            new EmbeddingOptions { Provider = EmbeddingProvider.OpenAICompatible, Endpoint = "http://localhost:8080/v1", Model = "m" },
            http);

        var result = await generator.GenerateAsync(["hello"]);

        Assert.Equal(3, fake.Calls);
        Assert.Single(result);
    }

    [Fact]
    public void Create_OpenAIWithoutHttpClient_ReportsOpenAIMetadata()
    {
        using var generator = EmbeddingGeneratorFactory.Create(
            new EmbeddingOptions { Provider = EmbeddingProvider.OpenAI, ApiKey = "k", Model = "text-embedding-3-large", Dimensions = 1024 });

        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        Assert.NotNull(metadata);
        Assert.Equal("text-embedding-3-large", metadata.DefaultModelId);
        Assert.Equal(1024, metadata.DefaultModelDimensions);
    }
}
