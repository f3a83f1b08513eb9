namespace KnowledgePortal.Core.Domain;

/// <summary>
/// A personal API token. Only the SHA-256 hash of the secret is stored (the secret is shown once, at creation), with a
/// short prefix to tell tokens apart. The token carries no access of its own: each request resolves its user's current
/// groups (Access.ApiTokens).
/// </summary>
public class ApiToken
{
    public const int MaxNameLength = 100;

    public Guid Id { get; set; } = Guid.CreateVersion7();
    public int UserId { get; set; }
    public PortalUser? User { get; set; }
    public required string Name { get; set; }
    /// <summary>What the token may be used for: "search", "ask" (Access.ApiTokenScopes).</summary>
    public string[] Scopes { get; set; } = [];
    public required byte[] Hash { get; set; }
    /// <summary>"kpt_" and the first characters of the secret, to recognise a token in a list (not enough to use it).</summary>
    public required string Prefix { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    /// <summary>User name of whoever revoked it: the owner or an administrator.</summary>
    public string? RevokedBy { get; set; }
}
