using KnowledgePortal.Core.Access;

namespace KnowledgePortal.Core.Retrieval;

/// <param name="Locator">Where in the document the passage is, e.g. "p. 3" or "Sheet1!A1:C9".</param>
/// <param name="Snippet">The passage text, or null when the admin may not read it themselves (title and locator only).</param>
public sealed record ViewAsHit(string DocumentTitle, string Collection, string Locator, string? Snippet, double Score)
{
    public bool Withheld => Snippet is null;
}

public sealed record ViewAsResult(UserAccess Target, IReadOnlyList<ViewAsHit> Hits);

/// <summary>
/// "View as": the real retriever with the chosen user's stored access, so an admin sees which passages that user
/// would get. Passage text is shown only where the admin could read it anyway: viewing as an HR manager tells an
/// admin outside HR that an HR passage ranks, never what it says.
/// </summary>
public sealed class ViewAsSearch(AccessAdministration administration, HybridRetriever retriever, SourceAccess sources)
{
    public async Task<ViewAsResult> SearchAsync(UserAccess admin, int portalUserId, string query, CancellationToken ct = default)
    {
        var target = await administration.AccessOfUserAsync(admin, portalUserId, query, ct); // admin only, audited
        var result = await retriever.SearchAsync(target, new SearchRequest(query, null, null, 10), ct);
        var ids = result.Passages.Select(p => p.ChunkId).ToArray();
        var readable = (await sources.ReadablePassagesAsync(admin, ids, ct)).Select(p => p.ChunkId).ToHashSet();
        var hits = result.Passages.Select(p => new ViewAsHit(p.DocumentTitle, p.CollectionName, p.Locator.ToDisplay(),
            !readable.Contains(p.ChunkId) ? null : p.Text.Length > 300 ? p.Text[..300] + "…" : p.Text, p.Score)).ToList();
        return new ViewAsResult(target, hits);
    }
}
