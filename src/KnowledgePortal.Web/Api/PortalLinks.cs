namespace KnowledgePortal.Web.Api;

/// <summary>Links into the portal: a passage's source view and an original file (opened at the page for PDFs).</summary>
public static class PortalLinks
{
    public static string SourcePath(long chunkId) => $"/sources/{chunkId}";

    public static string DocumentPath(Guid documentId, int? page, string fileName) =>
        $"/api/documents/{documentId}/file" + (page is { } p && fileName.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase) ? $"#page={p}" : "");

    /// <summary>The portal's own address as this request reached it (after forwarded headers), for absolute links.</summary>
    public static string Origin(HttpRequest request) => $"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}";

    public static string Source(HttpRequest request, long chunkId) => Origin(request) + SourcePath(chunkId);

    public static string Document(HttpRequest request, Guid documentId, int? page, string fileName) => Origin(request) + DocumentPath(documentId, page, fileName);
}
