using KnowledgePortal.Core.Domain;
using Microsoft.AspNetCore.DataProtection;

namespace KnowledgePortal.Core.Access;

/// <summary>
/// API keys entered in the admin UI, encrypted with ASP.NET Core Data Protection under one purpose. Only the model
/// client that calls the provider should ever unprotect a key; nothing shows it again.
/// </summary>
public static class ProviderKeys
{
    /// <summary>The same purpose <see cref="Answering.ProviderCatalog"/> unprotects with.</summary>
    public const string Purpose = Answering.ProviderCatalog.KeyProtectionPurpose;

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
