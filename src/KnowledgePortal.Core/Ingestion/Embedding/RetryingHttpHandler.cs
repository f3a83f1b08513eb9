using System.Globalization;
using System.Net;

namespace KnowledgePortal.Core.Ingestion.Embedding;

/// <summary>
/// Retries transient HTTP failures of embedding API calls: 429 Too Many Requests, 408, 5xx (except 501 and 505),
/// connection failures (<see cref="HttpRequestException"/>) and per-attempt timeouts.
/// </summary>
/// <remarks>
/// <para>The wait before retry <c>n</c> (0-based) is the server's <c>retry-after-ms</c> / <c>x-ms-retry-after-ms</c> /
/// <c>Retry-After</c> (seconds or HTTP date) when present, capped at <see cref="MaxRetryAfter"/>; otherwise
/// exponential backoff with jitter: a random value in [½, 1] × min(<see cref="MaxDelay"/>, <see cref="BaseDelay"/> × 2ⁿ).</para>
/// <para>After <see cref="MaxRetries"/> retries the last response is returned as is (or the last exception rethrown).
/// Other status codes (e.g. 400, 401, 404) are never retried. Cancellation by the caller stops immediately. The
/// request body is buffered before the first attempt so it can be sent again.</para>
/// <para>This is the only retry layer: the OpenAI client's own retry policy is disabled by
/// <see cref="EmbeddingGeneratorFactory"/>.</para>
/// </remarks>
public sealed class RetryingHttpHandler : DelegatingHandler
{
    /// <summary>Creates the handler; set <see cref="DelegatingHandler.InnerHandler"/> or use it in an HttpClientFactory pipeline.</summary>
    public RetryingHttpHandler(int maxRetries = 5)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetries);
        MaxRetries = maxRetries;
    }

    /// <summary>Creates the handler around <paramref name="innerHandler"/>.</summary>
    public RetryingHttpHandler(HttpMessageHandler innerHandler, int maxRetries = 5)
        : base(innerHandler)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetries);
        MaxRetries = maxRetries;
    }

    /// <summary>Retries after the first attempt (so at most MaxRetries + 1 requests).</summary>
    public int MaxRetries { get; }

    /// <summary>First backoff step (default 1 s).</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Backoff ceiling (default 30 s).</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest server-requested wait honoured (default 60 s); longer requests are capped to this.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Timeout of each single attempt; a timed-out attempt is retried. Null: no per-attempt timeout.</summary>
    public TimeSpan? PerAttemptTimeout { get; init; }

    /// <summary>Waiting primitive; replaced in tests to avoid real sleeps.</summary>
    internal Func<TimeSpan, CancellationToken, Task> DelayAsync { get; init; } = Task.Delay;

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is not null && MaxRetries > 0)
            await request.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);

        for (int attempt = 0; ; attempt++)
        {
            bool canRetry = attempt < MaxRetries;
            HttpResponseMessage response;
            try
            {
                response = await SendOnceAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException) when (canRetry && !cancellationToken.IsCancellationRequested)
            {
                await DelayAsync(Backoff(attempt), cancellationToken).ConfigureAwait(false);
                continue;
            }
            catch (OperationCanceledException) when (canRetry && !cancellationToken.IsCancellationRequested)
            {
                // Only our per-attempt timeout can cancel without the caller's token being cancelled.
                await DelayAsync(Backoff(attempt), cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (!canRetry || !IsTransient(response.StatusCode)) return response;

            var delay = ServerRequestedDelay(response) ?? Backoff(attempt);
            response.Dispose();
            await DelayAsync(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (PerAttemptTimeout is not { } timeout) return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        return await base.SendAsync(request, cts.Token).ConfigureAwait(false);
    }

    /// <summary>429, 408 and 5xx other than 501 Not Implemented and 505 HTTP Version Not Supported.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout
        || ((int)status >= 500 && status is not HttpStatusCode.NotImplemented and not HttpStatusCode.HttpVersionNotSupported);

    private TimeSpan Backoff(int attempt)
    {
        double exponential = BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30));
        double capped = Math.Min(MaxDelay.TotalMilliseconds, exponential);
        return TimeSpan.FromMilliseconds(capped * (0.5 + Random.Shared.NextDouble() * 0.5));
    }

    private TimeSpan? ServerRequestedDelay(HttpResponseMessage response)
    {
        TimeSpan? delay = null;
        foreach (var header in new[] { "retry-after-ms", "x-ms-retry-after-ms" })
        {
            if (response.Headers.TryGetValues(header, out var values)
                && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var ms)
                && ms >= 0)
            {
                delay = TimeSpan.FromMilliseconds(ms);
                break;
            }
        }
        if (delay is null && response.Headers.RetryAfter is { } retryAfter)
        {
            if (retryAfter.Delta is { } delta) delay = delta;
            else if (retryAfter.Date is { } date) delay = date - DateTimeOffset.UtcNow;
        }
        if (delay is null) return null;
        if (delay < TimeSpan.Zero) return TimeSpan.Zero;
        return delay > MaxRetryAfter ? MaxRetryAfter : delay;
    }
}
