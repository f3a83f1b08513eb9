namespace KnowledgePortal.Core.Access;

/// <summary>
/// Searches exactly as a given user would (their readable groups only). Implemented by the retrieval layer; the
/// admin "View as" tool shows a notice when no implementation is registered.
/// </summary>
public interface IViewAsSearch
{
    Task<IReadOnlyList<ViewAsHit>> SearchAsync(UserAccess user, string query, CancellationToken ct);
}

/// <param name="Locator">Where in the document the passage is, e.g. "p. 3" or "Sheet1!A1:C9".</param>
public sealed record ViewAsHit(string DocumentTitle, string Collection, string Locator, string Snippet, double Score);
