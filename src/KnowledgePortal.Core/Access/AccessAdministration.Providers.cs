using KnowledgePortal.Core.Audit;
using KnowledgePortal.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Core.Access;

/// <summary>A provider profile as the admin UI may see it: the API key only as "set or not".</summary>
public sealed record ProviderProfileView(
    int Id,
    string Name,
    ProviderKind Kind,
    string? Endpoint,
    string? Model,
    string? ApiKeySetting,
    ProviderLocation Location,
    SensitivityLabel MaxSensitivity,
    decimal InputPricePerMillion,
    decimal OutputPricePerMillion,
    float Temperature,
    float TopP,
    int MaxOutputTokens,
    int ContextWindow,
    bool Enabled,
    bool IsDefault,
    bool KeySet);

/// <summary>Provider settings as the admin page edits them (Id 0 creates a profile). The API key is set separately and write-only.</summary>
public sealed class ProviderProfileInput : ProviderProfileSettings
{
    public int Id { get; set; }

    public static ProviderProfileInput From(ProviderProfileView v) => new()
    {
        Id = v.Id, Name = v.Name, Kind = v.Kind, Endpoint = v.Endpoint, Model = v.Model, ApiKeySetting = v.ApiKeySetting,
        Location = v.Location, MaxSensitivity = v.MaxSensitivity, InputPricePerMillion = v.InputPricePerMillion,
        OutputPricePerMillion = v.OutputPricePerMillion, Temperature = v.Temperature, TopP = v.TopP,
        MaxOutputTokens = v.MaxOutputTokens, ContextWindow = v.ContextWindow, Enabled = v.Enabled, IsDefault = v.IsDefault,
    };

    /// <summary>The settings as an unsaved profile (no key), e.g. to test the connection before saving.</summary>
    public ProviderProfile ToProfile()
    {
        var profile = new ProviderProfile { Id = Id, Name = "" };
        ApplyTo(profile);
        return profile;
    }
}

public sealed partial class AccessAdministration
{
    public const int MaxApiKeyLength = 4096;

    public async Task<IReadOnlyList<ProviderProfileView>> ListProvidersAsync(UserAccess actor, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ProviderProfiles.AsNoTracking().OrderBy(p => p.Name)
            .Select(p => new ProviderProfileView(p.Id, p.Name, p.Kind, p.Endpoint, p.Model, p.ApiKeySetting, p.Location, p.MaxSensitivity,
                p.InputPricePerMillion, p.OutputPricePerMillion, p.Temperature, p.TopP, p.MaxOutputTokens, p.ContextWindow, p.Enabled,
                p.IsDefault, p.ProtectedApiKey != null))
            .ToListAsync(ct);
    }

    /// <summary>
    /// Creates (Id 0) or updates a profile. Making it the default clears the flag elsewhere. Changing the endpoint of a
    /// profile with a stored key clears the key, so a key is never sent to a new host unless someone enters it again.
    /// </summary>
    /// <summary>Audit action for an endpoint change on a profile cleared for Confidential or above.</summary>
    public const string ConfidentialEndpointChange = "provider-endpoint-change-confidential";

    public async Task<AdminResult<int>> SaveProviderAsync(UserAccess actor, ProviderProfileInput input, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        ArgumentNullException.ThrowIfNull(input);
        if (input.Validate().Count > 0) return AdminResult<int>.Fail(AdminErrors.InvalidProviderSettings);
        var name = input.Name.Trim();
        var endpoint = Clean(input.Endpoint);

        return await InTransactionAsync(async db =>
        {
            var lower = name.ToLowerInvariant();
            if (await db.ProviderProfiles.AnyAsync(p => p.Id != input.Id && p.Name.ToLower() == lower, ct))
                return AdminResult<int>.Fail(AdminErrors.NameTaken);
            ProviderProfile profile;
            object? before = null;
            if (input.Id == 0)
            {
                profile = new ProviderProfile { Name = name };
                db.ProviderProfiles.Add(profile);
            }
            else
            {
                await db.Database.ExecuteSqlAsync($"SELECT id FROM provider_profiles WHERE id = {input.Id} FOR UPDATE", ct);
                var existing = await db.ProviderProfiles.SingleOrDefaultAsync(p => p.Id == input.Id, ct);
                if (existing is null) return AdminResult<int>.Fail(AdminErrors.NotFound);
                profile = existing;
                before = Describe(profile);
            }
            // A new host gets no key it was not given: the stored key and the named setting are both dropped.
            var endpointChanged = input.Id != 0 && !string.Equals(profile.Endpoint, endpoint, StringComparison.OrdinalIgnoreCase);
            var keyCleared = endpointChanged && (profile.ProtectedApiKey is not null || !string.IsNullOrEmpty(profile.ApiKeySetting));
            var confidentialEndpointChange = endpointChanged && (profile.MaxSensitivity >= SensitivityLabel.Confidential || input.MaxSensitivity >= SensitivityLabel.Confidential);
            var endpointBefore = profile.Endpoint;
            input.ApplyTo(profile);
            if (endpointChanged) profile.ApiKeySetting = null;
            if (keyCleared) profile.ProtectedApiKey = null;
            if (input.IsDefault)
                await db.ProviderProfiles.Where(p => p.Id != input.Id && p.IsDefault).ExecuteUpdateAsync(s => s.SetProperty(p => p.IsDefault, false), ct);
            await db.SaveChangesAsync(ct);
            AuditLog.Add(db, actor.UserName, "provider-change", "provider", Id(profile.Id),
                new { operation = input.Id == 0 ? "create" : "update", before, after = Describe(profile), keyCleared });
            // Collection managers of Confidential data are told (Documents page) where their passages may now be sent.
            if (confidentialEndpointChange)
                AuditLog.Add(db, actor.UserName, ConfidentialEndpointChange, "provider", Id(profile.Id), new
                {
                    profile = profile.Name, maxSensitivity = profile.MaxSensitivity.ToString(), location = profile.Location.ToString(),
                    endpointBefore, endpointAfter = endpoint,
                });
            await db.SaveChangesAsync(ct);
            return AdminResult<int>.Ok(profile.Id);
        }, AdminResult<int>.Fail, ct);
    }

    public async Task<AdminResult> DeleteProviderAsync(UserAccess actor, int profileId, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        return await InTransactionAsync(async db =>
        {
            var profile = await db.ProviderProfiles.SingleOrDefaultAsync(p => p.Id == profileId, ct);
            if (profile is null) return AdminResult.Fail(AdminErrors.NotFound);
            if (profile.IsDefault) return AdminResult.Fail(AdminErrors.ProviderIsDefault);
            db.ProviderProfiles.Remove(profile);
            AuditLog.Add(db, actor.UserName, "provider-change", "provider", Id(profileId), new { operation = "delete", before = Describe(profile) });
            await db.SaveChangesAsync(ct);
            return AdminResult.Ok();
        }, AdminResult.Fail, ct);
    }

    /// <summary>Stores an API key encrypted with Data Protection (<see cref="ProviderKeys.Purpose"/>). The key is never audited or shown.</summary>
    public async Task<AdminResult> SetApiKeyAsync(UserAccess actor, int profileId, string key, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        key = (key ?? "").Trim();
        if (key.Length == 0) return AdminResult.Fail(AdminErrors.ApiKeyRequired);
        if (key.Length > MaxApiKeyLength) return AdminResult.Fail(AdminErrors.InvalidValue);
        var protectedKey = ProviderKeys.Protect(dataProtection, key);
        return await SetProtectedKeyAsync(actor, profileId, protectedKey, "key-set", ct);
    }

    public async Task<AdminResult> ClearApiKeyAsync(UserAccess actor, int profileId, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        return await SetProtectedKeyAsync(actor, profileId, null, "key-cleared", ct);
    }

    private Task<AdminResult> SetProtectedKeyAsync(UserAccess actor, int profileId, string? protectedKey, string operation, CancellationToken ct) =>
        InTransactionAsync(async db =>
        {
            var profile = await db.ProviderProfiles.SingleOrDefaultAsync(p => p.Id == profileId, ct);
            if (profile is null) return AdminResult.Fail(AdminErrors.NotFound);
            var hadKey = profile.ProtectedApiKey is not null;
            profile.ProtectedApiKey = protectedKey;
            AuditLog.Add(db, actor.UserName, "provider-change", "provider", Id(profileId),
                new { operation, profile = profile.Name, keySetBefore = hadKey, keySet = protectedKey is not null });
            await db.SaveChangesAsync(ct);
            return AdminResult.Ok();
        }, AdminResult.Fail, ct);

    /// <summary>What the audit may record about a profile: everything but the key, which is only "set or not".</summary>
    private static object Describe(ProviderProfile p) => new
    {
        p.Name, Kind = p.Kind.ToString(), p.Endpoint, p.Model, p.ApiKeySetting, Location = p.Location.ToString(),
        MaxSensitivity = p.MaxSensitivity.ToString(), p.InputPricePerMillion, p.OutputPricePerMillion, p.Temperature, p.TopP,
        p.MaxOutputTokens, p.ContextWindow, p.Enabled, p.IsDefault, KeySet = p.ProtectedApiKey is not null,
    };
}
