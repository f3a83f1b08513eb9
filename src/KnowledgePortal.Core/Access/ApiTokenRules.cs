using System.Security.Cryptography;
using System.Text;

namespace KnowledgePortal.Core.Access;

/// <summary>
/// The format of a personal API token and the rules it lives by (pure): "kpt_" + 32 random bytes in base64url, stored as
/// the SHA-256 of the whole string, recognised in lists by <see cref="Prefix"/>, valid from creation until its expiry
/// (a whole number of days, at most <see cref="ApiTokenOptions.MaxDays"/>) unless revoked.
/// </summary>
public static class ApiTokenRules
{
    public const string TokenPrefix = "kpt_";
    public const int SecretBytes = 32;
    /// <summary>"kpt_" + 43 base64url characters (32 bytes without padding).</summary>
    public const int TokenLength = 47;
    /// <summary>Characters kept for display: "kpt_" and the first 8 of the secret (48 of its 256 bits).</summary>
    public const int PrefixLength = 12;

    public static string Generate() => TokenPrefix + Base64Url(RandomNumberGenerator.GetBytes(SecretBytes));

    /// <summary>SHA-256 of the UTF-8 token: the only form stored, and the lookup key.</summary>
    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public static string Prefix(string token) => token[..PrefixLength];

    /// <summary>The shape of a token (prefix, length, base64url alphabet); says nothing about whether it exists.</summary>
    public static bool IsWellFormed(string? token) =>
        token is { Length: TokenLength } && token.StartsWith(TokenPrefix, StringComparison.Ordinal)
        && token.AsSpan(TokenPrefix.Length).IndexOfAnyExcept("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") < 0;

    /// <summary>Null when <paramref name="days"/> is a valid lifetime, else why not.</summary>
    public static string? CheckDays(int days, int maxDays) => days >= 1 && days <= maxDays ? null : AdminErrors.InvalidTokenDays;

    public static DateTimeOffset ExpiresAt(DateTimeOffset createdAt, int days) => createdAt.AddDays(days);

    /// <summary>Expired from the instant of <paramref name="expiresAt"/> on.</summary>
    public static bool IsExpired(DateTimeOffset expiresAt, DateTimeOffset now) => now >= expiresAt;

    /// <summary>
    /// Last use is kept to the minute: a token used in a loop writes it at most once a minute, while every use is
    /// still audited.
    /// </summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public static bool ShouldRecordUse(DateTimeOffset? lastUsedAt, DateTimeOffset now) =>
        lastUsedAt is not { } last || now - last >= LastUsedResolution;

    public const int MaxNameLength = Domain.ApiToken.MaxNameLength;

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
