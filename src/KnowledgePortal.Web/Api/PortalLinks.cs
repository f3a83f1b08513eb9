using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion.Extraction;

namespace KnowledgePortal.Web.Api;

/// <summary>Links into the portal: a passage's source view and an original file (opened at the page for PDFs).</summary>
public static class PortalLinks
{
    public static string SourcePath(long chunkId) => $"/sources/{chunkId}";

    /// <summary>The current version's original as a download (never shown inline).</summary>
    public static string DownloadPath(Guid documentId) => $"/api/documents/{documentId}/file?download=true";

    /// <summary>
    /// Where a passage can be seen on its page: a PDF at its page, a Word page or a slide in the PDF rendering of the
    /// Office original (one page per slide); null when there is no page to open (spreadsheets, flowing text).
    /// </summary>
    public static string? ViewerPath(Guid documentId, string fileName, SourceLocator locator)
    {
        var format = DocumentFormats.ByExtension(fileName);
        if (format == DocumentFormats.Pdf) return locator.Page is { } p ? DocumentPath(documentId, p, fileName) : null;
        if (format is null || !DocumentFormats.IsOffice(format)) return null;
        return (locator.Slide ?? locator.Page) is { } page ? $"/api/documents/{documentId}/file?as=pdf#page={page}" : null;
    }

    public static string DocumentPath(Guid documentId, int? page, string fileName) =>
        $"/api/documents/{documentId}/file" + (page is { } p && fileName.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase) ? $"#page={p}" : "");

    /// <summary>The portal's own address as this request reached it (after forwarded headers), for absolute links.</summary>
    public static string Origin(HttpRequest request) => $"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}";

    public static string Source(HttpRequest request, long chunkId) => Origin(request) + SourcePath(chunkId);

    public static string Document(HttpRequest request, Guid documentId, int? page, string fileName) => Origin(request) + DocumentPath(documentId, page, fileName);
}
