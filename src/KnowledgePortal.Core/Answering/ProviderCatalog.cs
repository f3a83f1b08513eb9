using System.ClientModel;
using System.ClientModel.Primitives;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using OpenAI;

namespace KnowledgePortal.Core.Answering;

/// <summary>Provider profiles (database, seeded from configuration) and the chat clients that speak to them.</summary>
public sealed class ProviderCatalog(
    IDbContextFactory<PortalDbContext> dbFactory,
    IConfiguration configuration,
    IDataProtectionProvider dataProtection,
    IOptions<AnsweringOptions> options)
{
    public const string KeyProtectionPurpose = "KnowledgePortal.ProviderKeys";

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
            if (await db.ProviderProfiles.AnyAsync(x => x.Name == s.Name, ct)) continue;
            var p = new ProviderProfile { Name = s.Name };
            db.ProviderProfiles.Add(p);
            p.Kind = s.Kind; p.Endpoint = s.Endpoint; p.Model = s.Model; p.ApiKeySetting = s.ApiKeySetting; p.Location = s.Location;
            p.MaxSensitivity = s.MaxSensitivity; p.InputPricePerMillion = s.InputPricePerMillion; p.OutputPricePerMillion = s.OutputPricePerMillion;
            p.Temperature = s.Temperature; p.TopP = s.TopP; p.MaxOutputTokens = s.MaxOutputTokens; p.ContextWindow = s.ContextWindow;
            p.Enabled = s.Enabled; p.IsDefault = s.IsDefault;
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The key comes from the protected value set in the admin UI, else from the named configuration key.</summary>
    public string? ResolveApiKey(ProviderProfile p)
    {
        if (!string.IsNullOrEmpty(p.ProtectedApiKey))
            return dataProtection.CreateProtector(KeyProtectionPurpose).Unprotect(p.ProtectedApiKey);
        return Access.ProviderKeys.FromSetting(configuration, p.ApiKeySetting);
    }

    public IChatClient CreateChatClient(ProviderProfile p)
    {
        if (p.Kind == ProviderKind.Extractive) throw new InvalidOperationException("The extractive mode has no chat client.");
        if (string.IsNullOrWhiteSpace(p.Endpoint) && p.Kind != ProviderKind.OpenAI)
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
