using KnowledgePortal.Core.Domain;
using Microsoft.AspNetCore.DataProtection;

namespace KnowledgePortal.Core.Access;

/// <summary>
/// API keys entered in the admin UI, encrypted with ASP.NET Core Data Protection under one purpose. Only the model
/// client that calls the provider should ever unprotect a key; nothing shows it again.
/// </summary>
public static class ProviderKeys
{
    /// <summary>The Data Protection purpose keys are protected with here and unprotected with by the model client.</summary>
    public const string Purpose = "KnowledgePortal.ProviderKeys";

    /// <summary>
    /// A profile may name only settings under these prefixes as its API key: otherwise an admin could name the database
    /// connection string or the sign-in client secret and have it sent to an endpoint of their choosing.
    /// </summary>
    public static readonly string[] SettingPrefixes = ["Providers:Keys:", "KP_PROVIDER_KEY_"];

    public const string SettingRule = "must start with Providers:Keys: (environment: Providers__Keys__NAME) or KP_PROVIDER_KEY_";

    public static bool IsAllowedSetting(string? setting) =>
        string.IsNullOrWhiteSpace(setting) || SettingPrefixes.Any(p =>
            setting.Length > p.Length && setting.StartsWith(p, StringComparison.OrdinalIgnoreCase)
            && setting[p.Length..].All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'));

    /// <summary>The configured key a setting names, or null when it names none or a setting outside the allowed prefixes.</summary>
    public static string? FromSetting(Microsoft.Extensions.Configuration.IConfiguration configuration, string? setting) =>
        string.IsNullOrWhiteSpace(setting) || !IsAllowedSetting(setting) ? null : configuration[setting];

    public static string Protect(IDataProtectionProvider provider, string key) =>
        provider.CreateProtector(Purpose).Protect(key);

    /// <summary>The plain key of a profile, or null when none was entered or it cannot be decrypted (keys ring lost).</summary>
    public static string? Unprotect(IDataProtectionProvider provider, ProviderProfile profile)
    {
        if (string.IsNullOrEmpty(profile.ProtectedApiKey)) return null;
        try
        {
            return provider.CreateProtector(Purpose).Unprotect(profile.ProtectedApiKey);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }
}
