using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KnowledgePortal.Core.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KnowledgePortal.Core.Hosting;

/// <summary>
/// Where the Data Protection keys (they protect sign-in cookies, antiforgery tokens and stored provider API keys) are
/// encrypted: with a certificate's public key before they are written to PostgreSQL, so a database dump or backup
/// alone opens nothing.
/// </summary>
public sealed class DataProtectionSettings
{
    public const string Section = "DataProtection";
    /// <summary>A .pfx with a private key (RSA). Required outside Development.</summary>
    public string? CertificatePath { get; set; }
    /// <summary>Its password, from a secret store or DataProtection__CertificatePassword, never a committed file.</summary>
    public string? CertificatePassword { get; set; }
    /// <summary>Retired certificates, kept only to read keys they encrypted (rotation: new CertificatePath, old one here).</summary>
    public List<CertificateFile> PreviousCertificates { get; set; } = [];

    public sealed class CertificateFile
    {
        public string Path { get; set; } = "";
        public string? Password { get; set; }
    }
}

/// <summary>The certificate new keys are encrypted with, and every certificate that may decrypt stored ones.</summary>
public sealed record DataProtectionCertificates(X509Certificate2 Current, IReadOnlyList<X509Certificate2> Decryption, string Source, bool IsDevelopment);

public static class DataProtectionSetup
{
    public const string DevelopmentCertificateFile = "dataprotection-development.pfx";

    /// <summary>
    /// Keys in the portal database (table data_protection_keys, so every instance and the CLI share one ring),
    /// encrypted with the configured certificate. Why a certificate rather than a key in configuration: the framework's
    /// own XML encryption (no home-made crypto), rotation by keeping the old certificate for decryption, and the same
    /// secret can live in a certificate store or Key Vault.
    /// </summary>
    internal static IHostApplicationBuilder AddPortalDataProtection(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var environment = builder.Environment;
        services.AddValidatedOptions<DataProtectionSettings>(DataProtectionSettings.Section)
            .Validate(s => environment.IsDevelopment() || !string.IsNullOrWhiteSpace(s.CertificatePath),
                "DataProtection:CertificatePath is required outside Development: the keys that protect sign-in cookies and stored " +
                "provider keys are kept in PostgreSQL and must be encrypted with a certificate (.pfx with its private key; see docs/operations.md)")
            .Validate(s => string.IsNullOrWhiteSpace(s.CertificatePath) || TryLoad(s.CertificatePath, s.CertificatePassword) is not null,
                "DataProtection:CertificatePath cannot be read as a .pfx with an RSA private key (missing file or wrong DataProtection:CertificatePassword)")
            .Validate(s => s.PreviousCertificates.All(c => TryLoad(c.Path, c.Password) is not null),
                "DataProtection:PreviousCertificates: every entry must name a readable .pfx with an RSA private key (and its Password)");

        var dataProtection = services.AddDataProtection().SetApplicationName("KnowledgePortal").PersistKeysToDbContext<PortalDbContext>();
        // Certificates are needed now, to register them; one that does not load is reported by the validation above,
        // which stops the start before anything protects data.
        var settings = builder.Configuration.GetSection(DataProtectionSettings.Section).Get<DataProtectionSettings>() ?? new();
        if (Load(settings, environment) is { } certificates)
        {
            dataProtection.ProtectKeysWithCertificate(certificates.Current).UnprotectKeysWithAnyCertificate([.. certificates.Decryption]);
            services.AddSingleton(certificates);
            if (certificates.IsDevelopment)
                services.AddOptions<KeyManagementOptions>().Configure<ILoggerFactory>((_, logs) => logs.CreateLogger("KnowledgePortal.DataProtection")
                    .LogWarning("Data Protection keys are encrypted with a generated development certificate ({Path}); set DataProtection:CertificatePath outside Development",
                        certificates.Source));
        }
        else
        {
            // Never write a key in the clear: a command that skips start-up validation fails here instead.
            services.AddOptions<KeyManagementOptions>().Configure(o => o.XmlEncryptor = new RefusingXmlEncryptor());
        }
        return builder;
    }

    private sealed class RefusingXmlEncryptor : Microsoft.AspNetCore.DataProtection.XmlEncryption.IXmlEncryptor
    {
        public Microsoft.AspNetCore.DataProtection.XmlEncryption.EncryptedXmlInfo Encrypt(System.Xml.Linq.XElement plaintextElement) =>
            throw new InvalidOperationException("DataProtection:CertificatePath is missing or unreadable: no Data Protection key is stored unencrypted.");
    }

    private static DataProtectionCertificates? Load(DataProtectionSettings s, IHostEnvironment environment)
    {
        var previous = s.PreviousCertificates.Select(c => TryLoad(c.Path, c.Password)).OfType<X509Certificate2>().ToList();
        if (!string.IsNullOrWhiteSpace(s.CertificatePath))
            return TryLoad(s.CertificatePath, s.CertificatePassword) is { } current ? new(current, [current, .. previous], s.CertificatePath, false) : null;
        if (!environment.IsDevelopment()) return null;
        // Development only: a self-signed certificate generated once per machine account and reused, so restarts and
        // local CLI runs keep reading their keys. It lies unprotected on disk: local trials only.
        var path = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
            "KnowledgePortal", DevelopmentCertificateFile);
        var dev = LoadOrCreateDevelopmentCertificate(path);
        return new(dev, [dev, .. previous], path, true);
    }

    private static X509Certificate2 LoadOrCreateDevelopmentCertificate(string path)
    {
        if (TryLoad(path, null) is { } existing) return existing;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var rsa = RSA.Create(3072);
        var request = new CertificateRequest("CN=KnowledgePortal Data Protection (Development)", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10));
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllBytes(temp, created.Export(X509ContentType.Pfx));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            File.Move(temp, path, overwrite: false); // atomic: two processes starting at once end up with the same file
        }
        catch (IOException)
        {
            File.Delete(temp);
        }
        return TryLoad(path, null) ?? throw new InvalidOperationException($"Cannot read the development Data Protection certificate {path}");
    }

    private static X509Certificate2? TryLoad(string path, string? password)
    {
        try
        {
            if (!File.Exists(path)) return null;
            var cert = X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
            if (cert.GetRSAPrivateKey() is null) { cert.Dispose(); return null; }
            return cert;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
