namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>
/// PNG, JPEG and TIFF files as documents: their dimensions are read from the header and checked against
/// <see cref="ExtractionLimits.MaxImagePixels"/> before anything decodes a pixel (image bombs), then each page — one per
/// TIFF page, else one — is recognised by OCR. Without OCR an image has no text to index.
/// </summary>
internal static class ImageExtractor
{
    public static ExtractionResult Extract(SniffedFile file, ExtractionSink sink)
    {
        var limits = sink.Limits;
        var content = file.Content;
        TiffFile? tiff = null;
        IReadOnlyList<ImageSize> pages;
        if (ImageHeader.IsTiff(content))
        {
            tiff = TiffFile.Read(content, limits.MaxPdfPages) ?? throw Corrupt();
            if (tiff.Truncated) throw new ExtractionException(ExtractionFailure.TooLarge, IngestionMessages.TooManyImagePages(limits.MaxPdfPages));
            pages = tiff.Pages.Select(p => p.Size).ToList();
        }
        else
        {
            var size = ImageHeader.IsPng(content) ? ImageHeader.PngSize(content) : ImageHeader.JpegSize(content);
            pages = size is { } s ? [s] : throw Corrupt();
        }
        if (pages.Count == 0 || pages.Any(p => p.IsEmpty)) throw Corrupt();
        if (pages.FirstOrDefault(p => p.Pixels > limits.MaxImagePixels) is { IsEmpty: false } bomb)
            throw new ExtractionException(ExtractionFailure.TooLarge, IngestionMessages.ImageTooLarge(bomb.Width, bomb.Height, limits.MaxImagePixels / 1_000_000));
        if (!OcrSession.Available(limits, renderPdf: false))
            throw new ExtractionException(ExtractionFailure.NoTextLayer, IngestionMessages.ImageNeedsOcr());

        using (var session = new OcrSession(sink, pages.Count))
        {
            var path = Path.Combine(session.Directory, "image" + file.Format.Extensions[0]);
            File.WriteAllBytes(path, content);
            if (tiff is null)
            {
                session.RecogniseImage(path, 1);
            }
            else
            {
                // One page at a time: the copy is rewritten to show tesseract only that page.
                using var copy = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
                for (var i = 0; i < tiff.Pages.Count; i++)
                {
                    tiff.Select(copy, tiff.Pages[i]);
                    session.RecogniseImage(path, i + 1);
                }
            }
            session.ThrowIfOnlyTimeouts();
            session.Summarise();
        }
        return sink.ToResult(pages.Count, file.Format.Name, null);
    }

    private static ExtractionException Corrupt() => new(ExtractionFailure.Corrupt, ZipGuard.CorruptMessage);
}
