namespace KnowledgePortal.Web.Scim;

/// <summary>A request the SCIM endpoints refuse, answered as a SCIM error body (RFC 7644 §3.12).</summary>
public sealed class ScimException(int status, string? scimType, string detail) : Exception(detail)
{
    public int Status { get; } = status;
    /// <summary>invalidFilter, invalidSyntax, invalidPath, invalidValue, uniqueness, … (null for 401/404).</summary>
    public string? ScimType { get; } = scimType;
}
