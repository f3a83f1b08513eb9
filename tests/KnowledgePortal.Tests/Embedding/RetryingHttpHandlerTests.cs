using System.Net;
using System.Net.Http.Headers;
using KnowledgePortal.Core.Ingestion.Embedding;

namespace KnowledgePortal.Tests.Embedding;

public class RetryingHttpHandlerTests
{
    private static (HttpClient Client, List<TimeSpan> Delays) Create(FakeHttpHandler inner, int maxRetries)
    {
        var delays = new List<TimeSpan>();
        var handler = new RetryingHttpHandler(inner, maxRetries)
        {
            DelayAsync = (delay, _) =>
            {
                delays.Add(delay);
                return Task.CompletedTask;
            },
        };
        return (new HttpClient(handler), delays);
    }

    private static HttpRequestMessage Post(string body = "{\"input\":[\"x\"]}") =>
        new(HttpMethod.Post, "https://api.example.test/v1/embeddings") { Content = new StringContent(body) };

    [Fact]
    public async Task SendAsync_TwoRateLimitsThenOk_ReturnsOkAfterThreeCalls()
    {
        var inner = FakeHttpHandler.Sequence(HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.OK);
        var (client, delays) = Create(inner, maxRetries: 5);

        using var response = await client.SendAsync(Post());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, inner.Calls);
        Assert.Equal(2, delays.Count);
        Assert.All(inner.Bodies, b => Assert.Equal("{\"input\":[\"x\"]}", b)); // body re-sent intact
    }

    [Fact]
    public async Task SendAsync_AlwaysUnavailable_StopsAfterMaxRetries()
    {
        var inner = FakeHttpHandler.Sequence(HttpStatusCode.ServiceUnavailable);
        var (client, delays) = Create(inner, maxRetries: 2);

        using var response = await client.SendAsync(Post());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(3, inner.Calls);
        Assert.Equal(2, delays.Count);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.NotImplemented)]
    public async Task SendAsync_NonTransientStatus_NotRetried(HttpStatusCode status)
    {
        var inner = FakeHttpHandler.Sequence(status, HttpStatusCode.OK);
        var (client, delays) = Create(inner, maxRetries: 5);

        using var response = await client.SendAsync(Post());

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(1, inner.Calls);
        Assert.Empty(delays);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    public async Task SendAsync_ServerError_Retried(HttpStatusCode status)
    {
        var inner = FakeHttpHandler.Sequence(status, HttpStatusCode.OK);
        var (client, _) = Create(inner, maxRetries: 1);

        using var response = await client.SendAsync(Post());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public async Task SendAsync_RetryAfterSeconds_Respected()
    {
        var inner = new FakeHttpHandler((_, call) =>
        {
            if (call > 0) return new HttpResponseMessage(HttpStatusCode.OK);
            var r = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
            r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
            return r;
        });
        var (client, delays) = Create(inner, maxRetries: 3);

        using var response = await client.SendAsync(Post());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([TimeSpan.FromSeconds(7)], delays);
    }

    [Fact]
    public async Task SendAsync_RetryAfterMsHeader_PreferredAndCapped()
    {
        var inner = new FakeHttpHandler((_, call) =>
        {
            var r = new HttpResponseMessage(call switch { 0 or 1 => HttpStatusCode.TooManyRequests, _ => HttpStatusCode.OK });
            if (call == 0) r.Headers.Add("retry-after-ms", "1500");
            if (call == 1) r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromHours(1));
            return r;
        });
        var (client, delays) = Create(inner, maxRetries: 3);

        using var response = await client.SendAsync(Post());

        Assert.Equal([TimeSpan.FromMilliseconds(1500), TimeSpan.FromSeconds(60)], delays);
    }

    [Fact]
    public async Task SendAsync_NoRetryAfter_ExponentialBackoffWithJitter()
    {
        var inner = FakeHttpHandler.Sequence(HttpStatusCode.ServiceUnavailable);
        var (client, delays) = Create(inner, maxRetries: 6);

        using var response = await client.SendAsync(Post());

        double[] ceilings = [1, 2, 4, 8, 16, 30];
        Assert.Equal(6, delays.Count);
        for (int i = 0; i < delays.Count; i++)
            Assert.InRange(delays[i].TotalSeconds, ceilings[i] / 2, ceilings[i]);
    }

    [Fact]
    public async Task SendAsync_ConnectionFailureThenOk_Retried()
    {
        var inner = new FakeHttpHandler((_, call) =>
            call == 0 ? throw new HttpRequestException("connection refused") : new HttpResponseMessage(HttpStatusCode.OK));
        var (client, _) = Create(inner, maxRetries: 2);

        using var response = await client.SendAsync(Post());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public async Task SendAsync_ConnectionFailsEveryTime_LastExceptionSurfaces()
    {
        var inner = new FakeHttpHandler((_, _) => throw new HttpRequestException("down"));
        var (client, _) = Create(inner, maxRetries: 2);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync(Post()));
        Assert.Equal(3, inner.Calls);
    }

    [Fact]
    public async Task SendAsync_CallerCancels_NoFurtherAttempts()
    {
        using var cts = new CancellationTokenSource();
        var inner = new FakeHttpHandler((_, _) =>
        {
            cts.Cancel();
            return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        });
        var handler = new RetryingHttpHandler(inner, 5) { DelayAsync = Task.Delay };
        using var client = new HttpClient(handler);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.SendAsync(Post(), cts.Token));
        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task SendAsync_ZeroRetries_SingleAttempt()
    {
        var inner = FakeHttpHandler.Sequence(HttpStatusCode.TooManyRequests, HttpStatusCode.OK);
        var (client, _) = Create(inner, maxRetries: 0);

        using var response = await client.SendAsync(Post());

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(1, inner.Calls);
    }
}
