namespace KnowledgePortal.Core.Access;

/// <summary>
/// Outcome of an administrative change that was allowed but could not be applied (validation, not found, conflict).
/// A non-admin actor is never answered with a result: <see cref="AccessAdministration"/> throws
/// <see cref="UnauthorizedAccessException"/> instead.
/// </summary>
/// <param name="Error">One of <see cref="AdminErrors"/>; the UI shows the localised text of "AdminError" + code.</param>
public record AdminResult(bool Succeeded, string? Error = null)
{
    public static AdminResult Ok() => new(true);
    public static AdminResult Fail(string error) => new(false, error);
}

/// <summary>An <see cref="AdminResult"/> that also carries what was created (e.g. the new id).</summary>
public sealed record AdminResult<T>(bool Succeeded, T? Value, string? Error = null) : AdminResult(Succeeded, Error)
{
    public static AdminResult<T> Ok(T value) => new(true, value);
    public static new AdminResult<T> Fail(string error) => new(false, default, error);
}

/// <summary>Error codes of <see cref="AdminResult"/> (stable: the UI localises them as "AdminError" + code).</summary>
public static class AdminErrors
{
    public const string NotFound = "NotFound";
    public const string InvalidValue = "InvalidValue";
    public const string NameRequired = "NameRequired";
    public const string NameTooLong = "NameTooLong";
    public const string NameTaken = "NameTaken";
    public const string CollectionNotEmpty = "CollectionNotEmpty";
    public const string InvalidReviewInterval = "InvalidReviewInterval";
    public const string UnknownGroup = "UnknownGroup";
    public const string DuplicateGroup = "DuplicateGroup";
    public const string RestrictionEmpty = "RestrictionEmpty";
    public const string MappingValueRequired = "MappingValueRequired";
    public const string MappingExists = "MappingExists";
    public const string InvalidProviderSettings = "InvalidProviderSettings";
    public const string ProviderIsDefault = "ProviderIsDefault";
    public const string ApiKeyRequired = "ApiKeyRequired";
    /// <summary>Not an error: the change was saved as a request that another manager of the collection must approve.</summary>
    public const string PendingApproval = "PendingApproval";
    public const string OwnRequest = "OwnRequest";
    public const string RequestStale = "RequestStale";
    public const string InvalidTokenDays = "InvalidTokenDays";
    public const string InvalidTokenScopes = "InvalidTokenScopes";
    public const string TokenLimit = "TokenLimit";
    /// <summary>The portal has no record of the user (they have never signed in).</summary>
    public const string UnknownUser = "UnknownUser";
}

/// <summary>A grant change waiting for approval, as its approvers see it.</summary>
public sealed record GrantRequestView(int Id, int CollectionId, string Collection, string RequestedBy, DateTimeOffset RequestedAt, IReadOnlyList<string> Grants);
