using System.Security.Cryptography;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Ingestion.Extraction;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Core.Ingestion;

/// <summary>
/// An Office original as PDF, so that a citation of a Word page or a slide opens at it like a PDF citation does.
/// Rendered by LibreOffice the first time it is asked for and kept with the version (a stored file), so each version
/// is rendered once; every request re-checks the download permission first (<see cref="SourceAccess.OriginalAsync"/>).
/// </summary>
public sealed class OfficeRenditions(
    SourceAccess sources,
    IDbContextFactory<PortalDbContext> dbFactory,
    IOptions<IngestionOptions> options,
    ILogger<OfficeRenditions> logger)
{
    /// <summary>
    /// The current version of the document as PDF: the original when it is one, the rendition of an Office file,
    /// or null — not readable by <paramref name="user"/>, not an Office file, or LibreOffice could not render it.
    /// </summary>
    public async Task<DownloadableFile?> PdfAsync(UserAccess user, Guid documentId, CancellationToken ct = default)
    {
        var original = await sources.OriginalAsync(user, documentId, ct);
        if (original is null) return null;
        if (original.ContentType == DocumentFormats.Pdf.ContentType) return original;
        if (DocumentFormats.ByExtension(original.FileName) is not { } format || !DocumentFormats.IsOffice(format)) return null;
        var name = Path.ChangeExtension(original.FileName, ".pdf");

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await CachedAsync(db, original.VersionId, ct) is { } cached)
            return new DownloadableFile(name, DocumentFormats.Pdf.ContentType, cached, original.VersionId);

        byte[] pdf;
        try
        {
            var limits = options.Value.ToLimits();
            pdf = await Task.Run(() => LibreOfficeConverter.ToPdf(original.Content, format.Extensions[0], limits, ct), ct);
        }
        catch (ExtractionException e)
        {
            logger.LogWarning("Rendering version {VersionId} as PDF failed: {Code}", original.VersionId, e.Detail.Code);
            return null;
        }

        var stored = new Domain.StoredFile { Sha256 = Convert.ToHexStringLower(SHA256.HashData(pdf)), SizeBytes = pdf.LongLength, Content = pdf };
        db.StoredFiles.Add(stored);
        await db.SaveChangesAsync(ct);
        // Two first views at once render twice; the first to record its file wins and the other's is dropped.
        var recorded = await db.DocumentVersions.Where(v => v.Id == original.VersionId && v.PdfStoredFileId == null)
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.PdfStoredFileId, stored.Id), ct);
        if (recorded == 0)
        {
            await db.StoredFiles.Where(f => f.Id == stored.Id).ExecuteDeleteAsync(ct);
            pdf = await CachedAsync(db, original.VersionId, ct) ?? pdf;
        }
        return new DownloadableFile(name, DocumentFormats.Pdf.ContentType, pdf, original.VersionId);
    }

    private static Task<byte[]?> CachedAsync(PortalDbContext db, Guid versionId, CancellationToken ct) =>
        (from v in db.DocumentVersions
         join f in db.StoredFiles on v.PdfStoredFileId equals f.Id
         where v.Id == versionId
         select f.Content).FirstOrDefaultAsync(ct);
}
