using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion.Chunking;
using KnowledgePortal.Core.Text;
using Microsoft.Extensions.AI;
using AiChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace KnowledgePortal.Core.Answering;

/// <summary>
/// One streamed call to a provider profile with its own timeout: hands out text pieces as they arrive and, at the
/// end, the usage the provider reported (or an estimate) and a readable failure instead of an exception.
/// Shared by Ask and the model lab so both measure and describe a call the same way.
/// </summary>
public sealed class ModelStream : IAsyncDisposable
{
    private readonly ProviderProfile _profile;
    private readonly IList<AiChatMessage> _prompt;
    private readonly CancellationToken _callerToken;
    private readonly CancellationTokenSource _timeout;
    private readonly int _timeoutSeconds;
    private readonly IChatClient _client;
    private readonly IAsyncEnumerator<ChatResponseUpdate> _updates;
    private UsageDetails? _usage;

    private ModelStream(ProviderCatalog providers, ProviderProfile profile, IList<AiChatMessage> prompt, int timeoutSeconds, CancellationToken ct)
    {
        _profile = profile;
        _prompt = prompt;
        _callerToken = ct;
        _timeoutSeconds = timeoutSeconds;
        _timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _timeout.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
        var options = new ChatOptions { Temperature = profile.Temperature, TopP = profile.TopP, MaxOutputTokens = profile.MaxOutputTokens };
        try
        {
            _client = providers.CreateChatClient(profile);
            _updates = _client.GetStreamingResponseAsync(prompt, options, _timeout.Token).GetAsyncEnumerator(_timeout.Token);
        }
        catch (Exception ex)
        {
            // A profile that cannot even build a client (no endpoint, bad URI) fails like any other call.
            Failure = ex is OperationCanceledException && ct.IsCancellationRequested ? AskMessages.Cancelled() : AskMessages.ProviderError(profile, ex, false, timeoutSeconds);
            FailureType = ex.GetType().Name;
            _client = null!;
            _updates = null!;
        }
    }

    /// <summary>Starts the call; it fails (see <see cref="Failure"/>) rather than throws.</summary>
    public static ModelStream Open(ProviderCatalog providers, ProviderProfile profile, IList<AiChatMessage> prompt, int timeoutSeconds, CancellationToken ct) =>
        new(providers, profile, prompt, timeoutSeconds, ct);

    /// <summary>A message for the user when the call failed, was cancelled or timed out; null while all is well.</summary>
    public PortalMessage? Failure { get; private set; }

    /// <summary>Exception type behind <see cref="Failure"/>, for logs (never the message: it may quote the prompt).</summary>
    public string? FailureType { get; private set; }

    /// <summary>Next non-empty piece of text; null at the end of the answer or on failure.</summary>
    public async ValueTask<string?> ReadAsync()
    {
        while (Failure is null)
        {
            try
            {
                if (!await _updates.MoveNextAsync()) return null;
            }
            catch (OperationCanceledException) when (_callerToken.IsCancellationRequested)
            {
                (Failure, FailureType) = (AskMessages.Cancelled(), nameof(OperationCanceledException));
                return null;
            }
            catch (Exception ex)
            {
                var timedOut = _timeout.IsCancellationRequested && !_callerToken.IsCancellationRequested;
                (Failure, FailureType) = (AskMessages.ProviderError(_profile, ex, timedOut, _timeoutSeconds), ex.GetType().Name);
                return null;
            }
            var update = _updates.Current;
            foreach (var u in update.Contents.OfType<UsageContent>()) _usage = u.Details;
            if (string.IsNullOrEmpty(update.Text)) continue;
            return update.Text;
        }
        return null;
    }

    /// <summary>Token counts the provider reported, else counted here and flagged as estimated.</summary>
    public (int Input, int Output, bool Estimated) Tokens(ITokenCounter counter, string answer) =>
        _usage is { InputTokenCount: { } input, OutputTokenCount: { } output }
            ? ((int)input, (int)output, false)
            : (_prompt.Sum(m => counter.Count(m.Text ?? "")), counter.Count(answer), true);

    public async ValueTask DisposeAsync()
    {
        if (_updates is not null) await _updates.DisposeAsync();
        _client?.Dispose();
        _timeout.Dispose();
    }
}
