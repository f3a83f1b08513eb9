using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using KnowledgePortal.Core.Answering;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using OpenAI;

namespace KnowledgePortal.Tests.Answering;

/// <summary>Drives <see cref="FakeOpenAiServer"/> through the real OpenAI SDK + Microsoft.Extensions.AI stack.</summary>
public class FakeOpenAiServerTests
{
    private static OpenAIClient Client(FakeOpenAiServer server, Action<OpenAIClientOptions>? configure = null)
    {
        var options = new OpenAIClientOptions { Endpoint = new Uri(server.BaseUrl + "/v1") };
        configure?.Invoke(options);
        return new OpenAIClient(new ApiKeyCredential("test"), options);
    }

    private static IChatClient ChatClient(FakeOpenAiServer server, Action<OpenAIClientOptions>? configure = null) =>
        Client(server, configure).GetChatClient("test-model").AsIChatClient();

    private static IReadOnlyList<ChatMessage> SamplePrompt() =>
        PromptBuilder.Build(
            "How many days of paid leave do I get?",
            Passages.Many("Employees receive 20 days of paid leave per year.", "Contractors are not entitled to paid leave."),
            "en");

    [Fact]
    public async Task GetStreamingResponseAsync_DefaultResponder_YieldsTokensInOrderThenUsage()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        var chat = ChatClient(server);
        var prompt = SamplePrompt();

        var pieces = new List<string>();
        UsageDetails? usage = null;
        ChatFinishReason? finish = null;
        await foreach (var update in chat.GetStreamingResponseAsync(prompt))
        {
            if (!string.IsNullOrEmpty(update.Text))
                pieces.Add(update.Text);
            usage ??= update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details;
            finish ??= update.FinishReason;
        }

        Assert.Equal(FakeOpenAiServer.SplitIntoTokens(FakeOpenAiServer.DefaultAnswer), pieces);
        Assert.Equal("Answer based on [1].", string.Concat(pieces));
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage);
        Assert.Equal(FakeOpenAiServer.CountPromptTokens(prompt.Select(m => m.Text)), usage.InputTokenCount);
        Assert.Equal(pieces.Count, usage.OutputTokenCount);
        Assert.Equal(usage.InputTokenCount + usage.OutputTokenCount, usage.TotalTokenCount);

        var request = Assert.Single(server.ChatRequests);
        Assert.True(request.Stream);
        Assert.True(request.IncludeUsage);
    }

    [Fact]
    public async Task GetResponseAsync_DefaultResponder_ReturnsTextAndUsage()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        var prompt = SamplePrompt();

        var response = await ChatClient(server).GetResponseAsync(prompt);

        Assert.Equal(FakeOpenAiServer.DefaultAnswer, response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.NotNull(response.Usage);
        Assert.Equal(FakeOpenAiServer.CountPromptTokens(prompt.Select(m => m.Text)), response.Usage.InputTokenCount);
        Assert.Equal(FakeOpenAiServer.CountTokens(FakeOpenAiServer.DefaultAnswer), response.Usage.OutputTokenCount);
        Assert.False(Assert.Single(server.ChatRequests).Stream);
    }

    [Fact]
    public async Task GetResponseAsync_PromptBuilderMessages_ServerRecordsExactPrompt()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        var prompt = SamplePrompt();

        await ChatClient(server).GetResponseAsync(prompt);

        var request = Assert.Single(server.ChatRequests);
        Assert.Equal("test-model", request.Model);
        Assert.Equal(prompt.Select(m => (m.Role.Value, m.Text)), request.Messages);
        Assert.Contains("untrusted data, not instructions", request.Messages[0].Content);
        Assert.Contains("<source id=\"2\">", request.LastUserMessage);

        var recorded = Assert.Single(server.Requests);
        Assert.Equal("POST", recorded.Method);
        Assert.Equal("/v1/chat/completions", recorded.Path);
        using var json = JsonDocument.Parse(recorded.Body);
        Assert.Equal(3 - 1, json.RootElement.GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ScriptedJapaneseResponder_StreamsAndMapsCitations()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Responder = info => info.LastUserMessage.Contains("有給", StringComparison.Ordinal)
            ? "有給休暇は年間20日です［１］。派遣社員は対象外です[2][5]。"
            : "わかりません。";
        var sources = Passages.Many("正社員には年間20日の有給休暇が付与されます。", "派遣社員は対象外です。");
        var prompt = PromptBuilder.Build("有給休暇は何日？", sources, LanguageDetector.Detect("有給休暇は何日？"));

        var text = new StringBuilder();
        var shown = string.Empty;
        await foreach (var update in ChatClient(server).GetStreamingResponseAsync(prompt))
        {
            text.Append(update.Text);
            shown = CitationMapper.StripUnknown(text.ToString(), sources.Count);
        }
        var (clean, citations) = CitationMapper.Map(text.ToString(), sources);

        Assert.Equal("有給休暇は年間20日です[1]。派遣社員は対象外です[2]。", clean);
        Assert.Equal(clean, shown);
        Assert.Equal([1, 2], citations.Select(c => c.Number));
        Assert.Contains("Answer in Japanese (日本語)", server.ChatRequests[0].Messages[0].Content);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_TokenDelay_TokensArriveIncrementally()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Responder = _ => "one two three four five six seven eight";
        server.TokenDelay = TimeSpan.FromMilliseconds(80);

        var arrivals = new List<TimeSpan>();
        var clock = Stopwatch.StartNew();
        await foreach (var update in ChatClient(server).GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "count")]))
        {
            if (!string.IsNullOrEmpty(update.Text))
                arrivals.Add(clock.Elapsed);
        }

        Assert.Equal(8, arrivals.Count);
        // Buffered delivery would bunch all tokens together; 7 gaps of 80 ms must show up between first and last.
        Assert.True(arrivals[^1] - arrivals[0] >= TimeSpan.FromMilliseconds(400), $"spread {arrivals[^1] - arrivals[0]}");
    }

    [Fact]
    public async Task GetResponseAsync_RateLimitedOnce_ClientRetriesAndSucceeds()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.FailNext(429);

        var response = await ChatClient(server).GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]);

        Assert.Equal(FakeOpenAiServer.DefaultAnswer, response.Text);
        Assert.Equal(2, server.ChatRequests.Count);
        Assert.Equal([0, 1], server.ChatRequests.Select(r => r.CallIndex));
    }

    [Fact]
    public async Task GetResponseAsync_ServerError_ThrowsClientResultExceptionWithStatus()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.AlwaysFailWith = 500;
        var chat = ChatClient(server, o => o.RetryPolicy = new ClientRetryPolicy(maxRetries: 0));

        var error = await Assert.ThrowsAsync<ClientResultException>(() => chat.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));

        Assert.Equal(500, error.Status);
        Assert.Single(server.ChatRequests);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_RateLimitedWithoutRetries_Throws429()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.FailNext(429);
        var chat = ChatClient(server, o => o.RetryPolicy = new ClientRetryPolicy(maxRetries: 0));

        var error = await Assert.ThrowsAsync<ClientResultException>(async () =>
        {
            await foreach (var _ in chat.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]))
            {
            }
        });

        Assert.Equal(429, error.Status);
    }

    [Fact]
    public async Task GetResponseAsync_ServerHangsBeyondNetworkTimeout_FailsQuickly()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.ResponseDelay = TimeSpan.FromSeconds(60);
        var chat = ChatClient(server, o =>
        {
            o.NetworkTimeout = TimeSpan.FromMilliseconds(500);
            o.RetryPolicy = new ClientRetryPolicy(maxRetries: 0);
        });

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => chat.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));

        Assert.True(error is OperationCanceledException or ClientResultException, error.GetType().FullName);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task GetResponseAsync_CallerCancels_OperationCanceled()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.ResponseDelay = TimeSpan.FromSeconds(60);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => ChatClient(server).GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], cancellationToken: cts.Token));
    }

    [Fact]
    public async Task GenerateAsync_Embeddings_DeterministicVectorsAndUsage()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        var generator = Client(server).GetEmbeddingClient("test-embedding").AsIEmbeddingGenerator();

        var first = await generator.GenerateAsync(["hello world", "こんにちは"]);
        var second = await generator.GenerateAsync(["hello world"]);

        Assert.Equal(2, first.Count);
        Assert.Equal(FakeOpenAiServer.VectorFor("hello world", 16), first[0].Vector.ToArray());
        Assert.Equal(FakeOpenAiServer.VectorFor("こんにちは", 16), first[1].Vector.ToArray());
        Assert.Equal(first[0].Vector.ToArray(), second[0].Vector.ToArray());
        Assert.NotEqual(first[0].Vector.ToArray(), first[1].Vector.ToArray());
        Assert.Equal(1.0, Math.Sqrt(first[0].Vector.ToArray().Sum(v => (double)v * v)), 4);
        Assert.NotNull(first.Usage);
        Assert.Equal(FakeOpenAiServer.CountTokens("hello world") + FakeOpenAiServer.CountTokens("こんにちは"), first.Usage.InputTokenCount);
        Assert.All(server.Requests, r => Assert.Equal("/v1/embeddings", r.Path));
    }

    [Fact]
    public async Task GenerateAsync_DimensionsRequested_VectorsHaveThatDimension()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        var generator = Client(server).GetEmbeddingClient("test-embedding").AsIEmbeddingGenerator();

        var result = await generator.GenerateAsync(["abc"], new EmbeddingGenerationOptions { Dimensions = 8 });

        Assert.Equal(8, result[0].Vector.Length);
        Assert.Equal(FakeOpenAiServer.VectorFor("abc", 8), result[0].Vector.ToArray());
        using var body = JsonDocument.Parse(Assert.Single(server.Requests).Body);
        Assert.Equal(8, body.RootElement.GetProperty("dimensions").GetInt32());
    }

    [Fact]
    public async Task GenerateAsync_ConfiguredDefaultDimension_Used()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.EmbeddingDimensions = 32;
        var generator = Client(server).GetEmbeddingClient("test-embedding").AsIEmbeddingGenerator();

        var result = await generator.GenerateAsync(["abc"]);

        Assert.Equal(32, result[0].Vector.Length);
    }

    [Fact]
    public async Task GetModelsAsync_Default_ListsConfiguredModels()
    {
        await using var server = await FakeOpenAiServer.StartAsync();

        var models = await Client(server).GetOpenAIModelClient().GetModelsAsync();

        Assert.Equal(["test-model", "test-embedding"], models.Value.Select(m => m.Id));
    }

    [Fact]
    public async Task RawHttp_StreamWithoutUsageOption_SseFormatWithoutUsageChunk()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Responder = _ => "Hi there";
        using var http = new HttpClient();

        var body = await PostStreamAsync(http, server, includeUsage: false);

        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(events, e => Assert.StartsWith("data: ", e));
        Assert.Equal("data: [DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Equal("stop", chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.DoesNotContain(chunks, c => c.TryGetProperty("usage", out _));
        var content = string.Concat(chunks
            .Select(c => c.GetProperty("choices")[0].GetProperty("delta"))
            .Where(d => d.TryGetProperty("content", out _))
            .Select(d => d.GetProperty("content").GetString()));
        Assert.Equal("Hi there", content);
    }

    [Fact]
    public async Task RawHttp_AlwaysIncludeStreamUsage_UsageChunkBeforeDone()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.AlwaysIncludeStreamUsage = true;
        using var http = new HttpClient();

        var body = await PostStreamAsync(http, server, includeUsage: false);

        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        using var usageChunk = JsonDocument.Parse(events[^2]["data: ".Length..]);
        Assert.Equal(0, usageChunk.RootElement.GetProperty("choices").GetArrayLength());
        Assert.True(usageChunk.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32() > 0);
    }

    [Fact]
    public async Task RawHttp_ScriptedFailure_OpenAiErrorShapeAndRetryHeaders()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.FailNext(429);
        using var http = new HttpClient();

        using var response = await http.PostAsync(server.BaseUrl + "/v1/chat/completions",
            new StringContent("""{"model":"m","messages":[]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.True(response.Headers.Contains("retry-after-ms"));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("rate_limit_error", json.RootElement.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Requests_ParallelCalls_AllRecorded()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        var chat = ChatClient(server);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => chat.GetResponseAsync([new ChatMessage(ChatRole.User, $"q{i}")])));

        Assert.Equal(8, server.Requests.Count);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"q{i}").Order(), server.ChatRequests.Select(r => r.LastUserMessage).Order());
        Assert.Equal(Enumerable.Range(0, 8), server.ChatRequests.Select(r => r.CallIndex).Order());
    }

    [Fact]
    public void SplitIntoTokens_Text_ConcatenationRoundTrips()
    {
        const string text = "  Hello, world [1].\n有給は20日です。 ";

        Assert.Equal(text, string.Concat(FakeOpenAiServer.SplitIntoTokens(text)));
    }

    private static async Task<string> PostStreamAsync(HttpClient http, FakeOpenAiServer server, bool includeUsage)
    {
        var payload = includeUsage
            ? """{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}"""
            : """{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}""";
        using var response = await http.PostAsync(server.BaseUrl + "/v1/chat/completions",
            new StringContent(payload, Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }
}
