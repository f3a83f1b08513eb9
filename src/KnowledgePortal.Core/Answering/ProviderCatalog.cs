using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using OpenAI;

namespace KnowledgePortal.Core.Answering;

/// <summary>How a connection test ended; the UI words each outcome.</summary>
public enum ConnectionOutcome { Ok, BuiltIn, NotConfigured, Unreachable, Unauthorized, ModelNotFound, RateLimited, HttpError, Timeout, Failed }

/// <summary>The result of <see cref="ProviderCatalog.TestConnectionAsync"/>: outcome, HTTP status if any, and the round trip.</summary>
public sealed record ConnectionTestResult(ConnectionOutcome Outcome, int? HttpStatus, double Milliseconds, string? Detail = null)
{
    /// <summary>What a failed call means, in the terms an admin acts on (pure; shared with the tests).</summary>
    public static (ConnectionOutcome Outcome, int? Status) Classify(Exception ex, bool timedOut) => ex switch
    {
        _ when timedOut => (ConnectionOutcome.Timeout, null),
        AggregateException { InnerExceptions.Count: > 0 } a => Classify(a.InnerExceptions[^1], false), // the client's retries
        OperationCanceledException => (ConnectionOutcome.Timeout, null), // the client's own network timeout
        ClientResultException { Status: 401 or 403 } c => (ConnectionOutcome.Unauthorized, c.Status),
        ClientResultException { Status: 404 } c => (ConnectionOutcome.ModelNotFound, c.Status),
        ClientResultException { Status: 429 } c => (ConnectionOutcome.RateLimited, c.Status),
        ClientResultException { Status: > 0 } c => (ConnectionOutcome.HttpError, c.Status),
        ClientResultException or HttpRequestException or IOException or System.Net.Sockets.SocketException => (ConnectionOutcome.Unreachable, null),
        InvalidOperationException or UriFormatException or ArgumentException => (ConnectionOutcome.NotConfigured, null),
        _ => (ConnectionOutcome.Failed, null),
    };

    /// <summary>Why an endpoint could not be reached, from the socket or TLS error at the bottom of the exception chain.</summary>
    public static UnreachableCause CauseOf(Exception ex) => Innermost(ex) switch
    {
        System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused } => UnreachableCause.Refused,
        System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.HostNotFound or System.Net.Sockets.SocketError.NoData } => UnreachableCause.UnknownHost,
        System.Security.Authentication.AuthenticationException => UnreachableCause.Tls,
        _ => UnreachableCause.Unknown,
    };

    /// <summary>The exception at the bottom of inner and aggregate exceptions (the last retry's, for an aggregate).</summary>
    public static Exception Innermost(Exception ex)
    {
        var e = ex;
        for (var depth = 0; depth < 8; depth++)
        {
            var next = e is AggregateException { InnerExceptions.Count: > 0 } a ? a.InnerExceptions[^1] : e.InnerException;
            if (next is null) break;
            e = next;
        }
        return e;
    }
}

/// <summary>Why an endpoint could not be reached, when the error says.</summary>
public enum UnreachableCause { Unknown, Refused, UnknownHost, Tls }

/// <summary>Provider profiles (database, seeded from configuration) and the chat clients that speak to them.</summary>
public sealed class ProviderCatalog(
    IDbContextFactory<PortalDbContext> dbFactory,
    IConfiguration configuration,
    IDataProtectionProvider dataProtection,
    IOptions<AnsweringOptions> options)
{
    public async Task<List<ProviderProfile>> EnabledAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ProviderProfiles.AsNoTracking().Where(p => p.Enabled).OrderByDescending(p => p.IsDefault).ThenBy(p => p.Name).ToListAsync(ct);
    }

    /// <summary>The profile the user asked for if enabled, else the configured default, else the extractive mode.</summary>
    public static ProviderProfile Choose(IReadOnlyList<ProviderProfile> enabled, string? requested, string? configuredDefault) =>
        enabled.FirstOrDefault(p => string.Equals(p.Name, requested, StringComparison.OrdinalIgnoreCase))
        ?? enabled.FirstOrDefault(p => string.Equals(p.Name, configuredDefault, StringComparison.OrdinalIgnoreCase))
        ?? enabled.FirstOrDefault(p => p.IsDefault)
        ?? enabled.FirstOrDefault()
        ?? BuiltInExtractive;

    /// <summary>The extractive mode used when no profile is enabled (and offered by the model lab as a free baseline).</summary>
    public static ProviderProfile BuiltInExtractive => new()
    {
        Name = "Extractive (built-in)", Kind = ProviderKind.Extractive, Location = ProviderLocation.OnPremises, MaxSensitivity = SensitivityLabel.Secret,
    };

    public static ProviderChoice ToChoice(ProviderProfile p) =>
        new(p.Name, p.Location, p.MaxSensitivity, p.Kind == ProviderKind.Extractive);

    /// <summary>
    /// Adds configured profiles missing from the database (by name). Configuration seeds profiles; after that the
    /// admin UI owns them, so an admin's edit (or a cleared key) is not undone at the next start.
    /// </summary>
    public async Task SyncFromConfigurationAsync(CancellationToken ct = default)
    {
        var configured = options.Value.Providers;
        if (configured.Count == 0) return;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        foreach (var s in configured)
        {
            if (await db.ProviderProfiles.AnyAsync(x => x.Name == s.Name.Trim(), ct)) continue;
            var p = new ProviderProfile { Name = s.Name };
            s.ApplyTo(p);
            db.ProviderProfiles.Add(p);
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Admin "Test connection": a one-token chat completion to the settings as entered. A saved profile lends its stored
    /// key only while the endpoint is unchanged (as saving would clear it otherwise), so a test never sends a key to a new host.
    /// Nothing is recorded as usage: the call costs at most a token.
    /// </summary>
    public async Task<ConnectionTestResult> TestConnectionAsync(UserAccess actor, ProviderProfileInput input, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(input);
        if (!actor.IsAdmin) throw new UnauthorizedAccessException("Only administrators may test model providers.");
        if (input.Kind == ProviderKind.Extractive) return new ConnectionTestResult(ConnectionOutcome.BuiltIn, null, 0);
        var profile = input.ToProfile();
        if (input.Id != 0)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var stored = await db.ProviderProfiles.AsNoTracking().FirstOrDefaultAsync(p => p.Id == input.Id, ct);
            if (stored is not null && string.Equals(stored.Endpoint, profile.Endpoint, StringComparison.OrdinalIgnoreCase))
                profile.ProtectedApiKey = stored.ProtectedApiKey;
            else
                profile.ApiKeySetting = null;
        }
        var limit = timeout ?? TimeSpan.FromSeconds(Math.Min(15, options.Value.RequestTimeoutSeconds));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(limit);
        var clock = Stopwatch.StartNew();
        try
        {
            using var client = CreateChatClient(profile);
            await client.GetResponseAsync([new Microsoft.Extensions.AI.ChatMessage(ChatRole.User, "ping")],
                new ChatOptions { MaxOutputTokens = 1, Temperature = 0 }, deadline.Token);
            return new ConnectionTestResult(ConnectionOutcome.Ok, 200, clock.Elapsed.TotalMilliseconds);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            var (outcome, status) = ConnectionTestResult.Classify(ex, deadline.IsCancellationRequested);
            // Only configuration messages are shown: they are ours; an HTTP error body could echo anything.
            return new ConnectionTestResult(outcome, status, clock.Elapsed.TotalMilliseconds, outcome == ConnectionOutcome.NotConfigured ? ex.Message : null);
        }
    }

    /// <summary>The key comes from the protected value set in the admin UI, else from the named configuration key.</summary>
    public string? ResolveApiKey(ProviderProfile p)
    {
        if (!string.IsNullOrEmpty(p.ProtectedApiKey))
            return dataProtection.CreateProtector(ProviderKeys.Purpose).Unprotect(p.ProtectedApiKey);
        return Access.ProviderKeys.FromSetting(configuration, p.ApiKeySetting);
    }

    public IChatClient CreateChatClient(ProviderProfile p)
    {
        if (p.Kind == ProviderKind.Extractive) throw new InvalidOperationException("The extractive mode has no chat client.");
        if (ProviderProfileSettings.LacksEndpoint(p.Kind, p.Endpoint))
            throw new InvalidOperationException($"Provider profile '{p.Name}' has no endpoint.");
        var key = ResolveApiKey(p);
        var clientOptions = new OpenAIClientOptions
        {
            NetworkTimeout = TimeSpan.FromSeconds(options.Value.RequestTimeoutSeconds),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 1),
        };
        if (p.Kind == ProviderKind.AzureOpenAI)
        {
            // Azure OpenAI's v1 API is OpenAI-compatible; it authenticates with an api-key header.
            clientOptions.Endpoint = new Uri(p.Endpoint!.TrimEnd('/') + "/openai/v1/");
            clientOptions.AddPolicy(new ApiKeyHeaderPolicy(key ?? ""), PipelinePosition.PerCall);
        }
        else if (!string.IsNullOrWhiteSpace(p.Endpoint))
        {
            clientOptions.Endpoint = new Uri(p.Endpoint);
        }
        var client = new OpenAIClient(new ApiKeyCredential(string.IsNullOrEmpty(key) ? "unused" : key), clientOptions);
        return client.GetChatClient(p.Model ?? "default").AsIChatClient();
    }

    private sealed class ApiKeyHeaderPolicy(string key) : PipelinePolicy
    {
        public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            message.Request.Headers.Set("api-key", key);
            ProcessNext(message, pipeline, currentIndex);
        }

        public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            message.Request.Headers.Set("api-key", key);
            return ProcessNextAsync(message, pipeline, currentIndex);
        }
    }
}
