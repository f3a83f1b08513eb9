using System.Runtime.ExceptionServices;
using System.Text;
using KnowledgePortal.Core.Domain;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.DocumentLayoutAnalysis;
using UglyToad.PdfPig.DocumentLayoutAnalysis.PageSegmenter;
using UglyToad.PdfPig.DocumentLayoutAnalysis.ReadingOrderDetector;
using UglyToad.PdfPig.DocumentLayoutAnalysis.WordExtractor;
using UglyToad.PdfPig.Exceptions;

namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>
/// PDF text per page (PdfPig): nearest-neighbour words, recursive XY-cut blocks, unsupervised reading order.
/// Detects garbled font encodings, scanned pages (rendered and recognised when OCR is on: <see cref="OcrSession"/>) and
/// password protection.
/// </summary>
internal static class PdfExtractor
{
    internal const string EncryptedMessage = "This PDF is password-protected; remove the password and upload it again.";
    internal const string GarbledMessage =
        "Text in this PDF could not be decoded (its fonts map characters to private codes); try exporting it again or enable OCR";
    internal const string NoTextLayerMessage =
        "This PDF has no text layer — it looks scanned. Enable OCR (Ingestion:OcrEnabled, needs tesseract-ocr) or upload a text PDF.";

    /// <summary>Share of undecodable characters above which a page is considered garbled.</summary>
    internal const double GarbledThreshold = 0.10;

    private const int WorkerStackBytes = 64 * 1024 * 1024;

    private static readonly RecursiveXYCut Segmenter = new(new RecursiveXYCut.RecursiveXYCutOptions { MaxDegreeOfParallelism = 1 });

    /// <summary>
    /// Runs the extraction on a dedicated thread with a large stack, so deeply nested or looping structures in a hostile
    /// file cannot overflow the caller's stack, and the caller stays responsive to cancellation.
    /// </summary>
    public static ExtractionResult Extract(byte[] content, string detectedType, ExtractionSink sink)
    {
        ExtractionResult? result = null;
        ExceptionDispatchInfo? error = null;
        var worker = new Thread(() =>
        {
            try
            {
                result = ExtractCore(content, detectedType, sink);
            }
            catch (Exception e)
            {
                error = ExceptionDispatchInfo.Capture(e);
            }
        }, WorkerStackBytes)
        {
            IsBackground = true,
            Name = "pdf-extraction",
        };
        worker.Start();
        while (!worker.Join(100)) sink.CancellationToken.ThrowIfCancellationRequested();
        error?.Throw();
        return result ?? throw new ExtractionException(ExtractionFailure.Corrupt, ZipGuard.CorruptMessage);
    }

    private static ExtractionResult ExtractCore(byte[] content, string detectedType, ExtractionSink sink)
    {
        var budget = new PdfDecodeBudget(sink.Limits, sink.CancellationToken);
        try
        {
            return ExtractPages(content, detectedType, sink, budget);
        }
        catch (Exception e) when (budget.Exceeded is { } exceeded && e != exceeded)
        {
            // PdfPig wrapped or replaced the budget's exception (or failed on the empty data it got instead).
            throw exceeded;
        }
    }

    private static ExtractionResult ExtractPages(byte[] content, string detectedType, ExtractionSink sink, PdfDecodeBudget budget)
    {
        var ct = sink.CancellationToken;
        var options = new ParsingOptions { UseLenientParsing = true, SkipMissingFonts = true, ClipPaths = false, FilterProvider = budget };
        PdfDocument document;
        try
        {
            document = PdfDocument.Open(content, options);
        }
        catch (PdfDocumentEncryptedException e)
        {
            throw new ExtractionException(ExtractionFailure.Encrypted, EncryptedMessage, e);
        }

        using (document)
        {
            budget.ThrowIfExceeded();
            var pageCount = document.NumberOfPages;
            if (pageCount <= 0)
                throw new ExtractionException(ExtractionFailure.Empty, "No text could be extracted from this file (the PDF has no pages).");
            if (pageCount > sink.Limits.MaxPdfPages)
                throw new ExtractionException(ExtractionFailure.TooLarge, IngestionMessages.TooManyPages(pageCount, sink.Limits.MaxPdfPages));

            // Pages without a usable text layer are recognised after the text pages are read, when OCR is available:
            // then the number of pages to recognise is known (progress "OCR page 3 of 10", each adding a page's time).
            var ocr = OcrSession.Available(sink.Limits, renderPdf: true);
            var toRecognise = new List<PendingOcrPage>();
            int textPages = 0, garbledPages = 0, scannedPages = 0, brokenPages = 0;
            for (var number = 1; number <= pageCount; number++)
            {
                ct.ThrowIfCancellationRequested();
                Page page;
                try
                {
                    page = document.GetPage(number);
                }
                catch (PdfDocumentEncryptedException e)
                {
                    throw new ExtractionException(ExtractionFailure.Encrypted, EncryptedMessage, e);
                }
                catch (Exception e) when (e is not (OperationCanceledException or ExtractionException or OutOfMemoryException))
                {
                    budget.ThrowIfExceeded();
                    brokenPages++;
                    sink.Warn($"page {number}: damaged, skipped");
                    continue;
                }

                budget.ThrowIfExceeded(); // PdfPig may have swallowed the budget's exception while reading the page
                var letters = page.Letters;
                var visible = 0;
                var undecodable = 0;
                foreach (var letter in letters)
                {
                    foreach (var c in letter.Value ?? string.Empty)
                    {
                        if (char.IsWhiteSpace(c) || TextNormalizer.IsRemovable(c)) continue;
                        visible++;
                        if (IsUndecodable(c)) undecodable++;
                    }
                }

                if (visible == 0)
                {
                    if (page.NumberOfImages > 0)
                    {
                        scannedPages++;
                        if (ocr) toRecognise.Add(PendingOcrPage.Of(page, number, sink.Blocks.Count));
                        else sink.Warn($"page {number}: no text layer — scanned?");
                    }
                    else
                    {
                        sink.Warn($"page {number}: empty page");
                    }
                    continue;
                }

                if (undecodable > visible * GarbledThreshold)
                {
                    garbledPages++;
                    // What the fonts do not say, the rendered page may still show.
                    if (ocr) toRecognise.Add(PendingOcrPage.Of(page, number, sink.Blocks.Count));
                    else sink.Warn($"page {number}: text could not be decoded (font maps characters to private codes), skipped");
                    continue;
                }

                var added = false;
                foreach (var text in PageBlocks(page)) added |= sink.Add(text, new SourceLocator(Page: number));
                if (added) textPages++;
            }
            budget.ThrowIfExceeded();
            if (toRecognise.Count > 0) textPages += Recognise(content, toRecognise, sink);

            if (textPages == 0)
            {
                if (garbledPages > 0)
                    throw new ExtractionException(ExtractionFailure.Garbled, GarbledMessage);
                if (scannedPages > 0)
                    throw new ExtractionException(ExtractionFailure.NoTextLayer, NoTextLayerMessage);
                if (brokenPages > 0)
                    throw new ExtractionException(ExtractionFailure.Corrupt, ZipGuard.CorruptMessage);
            }

            string? title = null;
            try
            {
                title = document.Information?.Title;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Broken info dictionaries are common and harmless.
            }
            return sink.ToResult(pageCount, detectedType, title);
        }
    }

    /// <summary>Private Use Area, CJK compatibility ideographs (mis-mapped CID fonts) and U+FFFD.</summary>
    internal static bool IsUndecodable(char c) =>
        c is >= '\uE000' and <= '\uF8FF' or >= '\uF900' and <= '\uFAFF' or '\uFFFD';

    /// <summary>Text blocks of a page in reading order.</summary>
    private static IEnumerable<string> PageBlocks(Page page)
    {
        var words = page.GetWords(NearestNeighbourWordExtractor.Instance)
            .Where(w => !string.IsNullOrWhiteSpace(w.Text))
            .ToList();
        if (words.Count == 0) yield break;

        IReadOnlyList<TextBlock> blocks;
        try
        {
            var segmented = Segmenter.GetBlocks(words);
            blocks = UnsupervisedReadingOrderDetector.Instance.Get(segmented).ToList();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            blocks = [];
        }

        if (blocks.Count == 0)
        {
            // Layout analysis failed: fall back on the words in content order.
            yield return JoinWords(words);
            yield break;
        }

        foreach (var block in blocks)
        {
            var sb = new StringBuilder();
            foreach (var line in block.TextLines)
                AppendLine(sb, JoinWords(line.Words));
            yield return sb.ToString();
        }
    }

    private static string JoinWords(IEnumerable<Word> words)
    {
        var sb = new StringBuilder();
        foreach (var word in words) AppendJoined(sb, word.Text);
        return sb.ToString();
    }

    /// <summary>
    /// Appends the next line of a text block. A word hyphenated at the line end ("cre-" + "ativity") is joined again
    /// when the hyphen follows a letter and the next line starts with a lower-case letter; a dash, a compound whose next
    /// part starts upper-case or with a digit ("COVID-" + "19", "Anglo-" + "Saxon") and a suspended hyphen before a
    /// conjunction ("pre-" + "and post-war") keep the hyphen and a space.
    /// </summary>
    internal static void AppendLine(StringBuilder sb, string? line)
    {
        if (string.IsNullOrWhiteSpace(line)) return;
        line = line.Trim();
        // A soft hyphen marks a hyphenation point by definition: always joined.
        var soft = sb.Length >= 2 && sb[^1] == '\u00AD' && char.IsLetter(sb[^2]) && char.IsLetter(line[0]);
        if (soft || (sb.Length >= 2 && sb[^1] is '-' or '\u2010' && char.IsLetter(sb[^2]) && char.IsLower(line[0]) && !StartsWithConjunction(line)))
        {
            sb.Length--;
            sb.Append(line);
            return;
        }
        AppendJoined(sb, line);
    }

    private static bool StartsWithConjunction(string line)
    {
        var end = 0;
        while (end < line.Length && char.IsLetter(line[end])) end++;
        return line[..end] is "and" or "or" or "nor" or "to";
    }

    /// <summary>Appends with a space, except between two characters of scripts written without spaces (Japanese, Chinese).</summary>
    internal static void AppendJoined(StringBuilder sb, string? piece)
    {
        if (string.IsNullOrWhiteSpace(piece)) return;
        piece = piece.Trim();
        if (sb.Length > 0)
        {
            var last = sb[^1];
            if (!(TextNormalizer.IsSpacelessScript(last) && TextNormalizer.IsSpacelessScript(piece[0]))) sb.Append(' ');
        }
        sb.Append(piece);
    }

    /// <summary>
    /// Renders and recognises the pages without a usable text layer, each in its place among the text pages' blocks.
    /// Returns the pages that gave text; fails the file when nothing was read because pages ran out of time.
    /// </summary>
    private static int Recognise(byte[] content, List<PendingOcrPage> pages, ExtractionSink sink)
    {
        using var session = new OcrSession(sink, pages.Count);
        var pdf = Path.Combine(session.Directory, "document.pdf");
        File.WriteAllBytes(pdf, content);
        var inserted = 0;
        foreach (var page in pages)
            inserted += session.RecognisePdfPage(pdf, page.Number, page.Width, page.Height, page.BlockIndex + inserted);
        session.ThrowIfOnlyTimeouts();
        session.Summarise();
        return session.Recognised;
    }

    /// <summary>A page to recognise: its number, media box (points) and where its blocks go among the text pages' blocks.</summary>
    private readonly record struct PendingOcrPage(int Number, double Width, double Height, int BlockIndex)
    {
        public static PendingOcrPage Of(Page page, int number, int blockIndex)
        {
            var box = page.MediaBox.Bounds;
            return new PendingOcrPage(number, Math.Abs(box.Width), Math.Abs(box.Height), blockIndex);
        }
    }
}
