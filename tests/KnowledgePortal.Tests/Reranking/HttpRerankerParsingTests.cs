using System.Text.Json.Nodes;
using KnowledgePortal.Core.Retrieval.Reranking;

namespace KnowledgePortal.Tests.Reranking;

/// <summary>The adapter's pure request building and response parsing.</summary>
public sealed class HttpRerankerParsingTests
{
    [Theory]
    [MemberData(nameof(HttpRerankerProtocolTests.AllProtocols), MemberType = typeof(HttpRerankerProtocolTests))]
    public void BuildRequestBody_EachProtocol_AcceptedByTheApiShape(RerankProtocol protocol)
    {
        var body = JsonNode.Parse(HttpReranker.BuildRequestBody(protocol, "m", "q", ["a", "b"]))!.AsObject();

        Assert.Null(RerankApiFake.Validate(protocol, body));
        Assert.Equal(["a", "b"], RerankApiFake.Read(protocol, body).Documents);
    }

    [Fact]
    public void BuildRequestBody_Tei_SendsNoModel() =>
        Assert.False(JsonNode.Parse(HttpReranker.BuildRequestBody(RerankProtocol.Tei, "m", "q", ["a"]))!.AsObject().ContainsKey("model"));

    [Fact]
    public void BuildRequestBody_Voyage_AsksForAllResultsWithTopK()
    {
        var body = JsonNode.Parse(HttpReranker.BuildRequestBody(RerankProtocol.Voyage, "rerank-2.5", "q", ["a", "b", "c"]))!.AsObject();

        Assert.Equal(3, (int)body["top_k"]!);
        Assert.False(body.ContainsKey("top_n"));
    }

    [Fact]
    public void ParseScores_ShuffledResults_MappedByIndex() =>
        Assert.Equal([0.2, 0.8, 0.5], HttpReranker.ParseScores(RerankProtocol.CohereV2,
            """{"results":[{"index":1,"relevance_score":0.8},{"index":2,"relevance_score":0.5},{"index":0,"relevance_score":0.2}]}""", 3));

    [Fact]
    public void ParseScores_TeiBareArray_MappedByIndex() =>
        Assert.Equal([0.3, 0.9], HttpReranker.ParseScores(RerankProtocol.Tei, """[{"index":1,"score":0.9},{"index":0,"score":0.3}]""", 2));

    [Fact]
    public void ParseScores_VllmScoreData_MappedByIndex() =>
        Assert.Equal([0.3, 0.9], HttpReranker.ParseScores(RerankProtocol.VllmScore,
            """{"object":"list","data":[{"index":1,"object":"score","score":0.9},{"index":0,"object":"score","score":0.3}]}""", 2));

    [Fact]
    public void ParseScores_ResultMissing_GetsLowestScore() =>
        Assert.Equal([double.NegativeInfinity, 0.4], HttpReranker.ParseScores(RerankProtocol.Jina,
            """{"results":[{"index":1,"relevance_score":0.4}]}""", 2));

    [Theory]
    [InlineData("""{"results":[{"index":2,"relevance_score":0.4}]}""", "index 2, outside the 2 documents")]
    [InlineData("""{"results":[{"index":-1,"relevance_score":0.4}]}""", "index -1")]
    [InlineData("""{"results":[{"index":0,"relevance_score":0.4},{"index":0,"relevance_score":0.3}]}""", "index 0 is returned twice")]
    [InlineData("""{"results":[{"index":"0","relevance_score":0.4}]}""", "no integer 'index'")]
    [InlineData("""{"results":[{"index":0.5,"relevance_score":0.4}]}""", "no integer 'index'")]
    [InlineData("""{"results":[{"index":0,"score":0.4}]}""", "no numeric 'relevance_score'")]
    [InlineData("""{"results":[{"index":0,"relevance_score":"high"}]}""", "no numeric 'relevance_score'")]
    [InlineData("""{"data":[{"index":0,"relevance_score":0.4}]}""", "no 'results' array")]
    [InlineData("""[{"index":0,"relevance_score":0.4}]""", "no 'results' array")]
    [InlineData("""{"results":[1]}""", "not a JSON object")]
    [InlineData("""{"results":[{"index":0,"relevance_score":0.4}""", "not valid JSON")]
    [InlineData("", "not valid JSON")]
    public void ParseScores_BadResponse_ProtocolError(string json, string expected)
    {
        var ex = Assert.Throws<RerankProtocolException>(() => HttpReranker.ParseScores(RerankProtocol.CohereV1, json, 2));

        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void ParseScores_TeiGivenObject_ProtocolError() =>
        Assert.Throws<RerankProtocolException>(() => HttpReranker.ParseScores(RerankProtocol.Tei, """{"error":"busy","error_type":"Overloaded"}""", 2));

    [Theory]
    [InlineData("http://tei:8080", RerankProtocol.Tei, "http://tei:8080/rerank")]
    [InlineData("http://vllm:8000/", RerankProtocol.VllmScore, "http://vllm:8000/score")]
    [InlineData("http://vllm:8000/v1", RerankProtocol.VllmRerank, "http://vllm:8000/v1/rerank")]
    [InlineData("http://vllm:8000/v1/rerank", RerankProtocol.VllmRerank, "http://vllm:8000/v1/rerank")]
    [InlineData("https://api.cohere.com", RerankProtocol.CohereV2, "https://api.cohere.com/v2/rerank")]
    [InlineData("https://api.cohere.com/v2", RerankProtocol.CohereV2, "https://api.cohere.com/v2/rerank")]
    [InlineData("http://gpu-box/llama", RerankProtocol.LlamaCpp, "http://gpu-box/llama/v1/rerank")]
    public void RequestUri_Endpoint_ProtocolPathAppendedOnce(string endpoint, RerankProtocol protocol, string expected) =>
        Assert.Equal(expected, HttpReranker.RequestUri(endpoint, protocol).ToString());

    [Fact]
    public void RequestUri_NotHttp_Refused() =>
        Assert.Throws<ArgumentException>(() => HttpReranker.RequestUri("ftp://host", RerankProtocol.Tei));
}
