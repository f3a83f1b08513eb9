using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Retrieval;

namespace KnowledgePortal.Web.Hosting;

/// <summary>"View as" runs the real retriever with the chosen user's stored access, so admins see exactly what they would.</summary>
public sealed class ViewAsSearch(HybridRetriever retriever) : IViewAsSearch
{
    public async Task<IReadOnlyList<ViewAsHit>> SearchAsync(UserAccess user, string query, CancellationToken ct)
    {
        var result = await retriever.SearchAsync(user, new SearchRequest(query, null, null, 10), ct);
        return result.Passages.Select(p => new ViewAsHit(p.DocumentTitle, p.CollectionName, p.Locator.ToDisplay(),
            p.Text.Length > 300 ? p.Text[..300] + "…" : p.Text, p.Score)).ToList();
    }
}
