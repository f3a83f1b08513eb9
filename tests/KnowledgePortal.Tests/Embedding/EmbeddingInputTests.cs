using System.Net;
using System.Text;
using KnowledgePortal.Core.Ingestion.Embedding;
using Microsoft.Extensions.AI;

namespace KnowledgePortal.Tests.Embedding;

public class EmbeddingInputTests
{
    [Fact]
    public void KindOf_Options_QueryOnlyWhenMarked()
    {
        Assert.Equal(EmbeddingInputKind.Passage, EmbeddingInput.KindOf(null));
        Assert.Equal(EmbeddingInputKind.Passage, EmbeddingInput.KindOf(new EmbeddingGenerationOptions()));
        Assert.Equal(EmbeddingInputKind.Passage, EmbeddingInput.KindOf(EmbeddingInput.Passage()));
        Assert.Equal(EmbeddingInputKind.Query, EmbeddingInput.KindOf(EmbeddingInput.Query()));
        Assert.Equal(EmbeddingInputKind.Query, EmbeddingInput.KindOf(new EmbeddingGenerationOptions
        {
            AdditionalProperties = new() { [EmbeddingInput.PropertyName] = EmbeddingInputKind.Query },
        }));
    }

    [Fact]
    public void Query_EachCall_NewOptionsObject()
    {
        Assert.NotSame(EmbeddingInput.Query(), EmbeddingInput.Query());
    }

    [Fact]
    public async Task GenerateAsync_HashingEmbedderWithQueryKind_SameVector()
    {
        using var generator = new HashingEmbeddingGenerator();

        var plain = await generator.GenerateAsync(["年次有給休暇 annual leave"]);
        var query = await generator.GenerateAsync(["年次有給休暇 annual leave"], EmbeddingInput.Query());

        Assert.Equal(plain[0].Vector.ToArray(), query[0].Vector.ToArray());
    }

    [Fact]
    public async Task GenerateAsync_OpenAICompatibleWithQueryKind_RequestUnchanged()
    {
        var fake = new FakeHttpHandler((_, _) => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent(
                """{"object":"list","data":[{"object":"embedding","index":0,"embedding":[1.0,2.0,3.0]}],"model":"m","usage":{"prompt_tokens":1,"total_tokens":1}}""",
                Encoding.UTF8, "application/json"),
        });
        using var http = new HttpClient(fake);
        using var generator = EmbeddingGeneratorFactory.Create(
            new EmbeddingOptions { Provider = EmbeddingProvider.OpenAICompatible, Endpoint = "http://localhost:8080/v1", Model = "e5" }, http);

        await generator.GenerateAsync(["hello"]);
        await generator.GenerateAsync(["hello"], EmbeddingInput.Query());

        Assert.Equal(2, fake.Bodies.Count);
        Assert.Equal(fake.Bodies[0], fake.Bodies[1]);
        Assert.DoesNotContain("input_kind", fake.Bodies[1]);
    }
}
