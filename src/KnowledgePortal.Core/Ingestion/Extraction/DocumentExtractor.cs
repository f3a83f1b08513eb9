using System.Globalization;

namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>
/// Entry point of the extraction layer: sniffs the content (never trusting the extension), applies the safety limits
/// and hands the file to its format's reader (<see cref="DocumentFormats"/>). Callers only ever see
/// <see cref="ExtractionException"/> (with a message that can be shown to the uploader) or <see cref="OperationCanceledException"/>.
/// </summary>
public static class DocumentExtractor
{
    public const string EncryptedOfficeMessage = "This file is password-protected; remove the password and upload it again.";
    public const string MacroRefusedMessage = "Macro-enabled files are not accepted here (setting Ingestion:MacroPolicy)";
    public const string MacrosIgnoredWarning = "Macro-enabled file: macros ignored, only the text was indexed.";
    public const string EmptyMessage = "No text could be extracted from this file.";

    /// <summary>Extracts text blocks from <paramref name="content"/>; see <see cref="ExtractionResult"/>.</summary>
    /// <exception cref="ExtractionException">The file cannot be indexed; the message explains why.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    /// <param name="progress">Told how far the OCR of scanned pages and images is, page by page.</param>
    public static ExtractionResult Extract(byte[] content, string fileName, ExtractionLimits limits, CancellationToken ct = default,
        Action<OcrProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(limits);
        fileName ??= string.Empty;
        ct.ThrowIfCancellationRequested();

        if (content.LongLength > limits.MaxFileBytes)
            throw new ExtractionException(ExtractionFailure.TooLarge,
                IngestionMessages.FileTooLarge(Megabytes(content.LongLength), Megabytes(limits.MaxFileBytes)));
        if (content.Length == 0) throw new ExtractionException(ExtractionFailure.Empty, EmptyMessage);

        try
        {
            return ExtractCore(content, fileName, limits, ct, progress);
        }
        catch (ExtractionException)
        {
            throw;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException e)
        {
            throw new ExtractionException(ExtractionFailure.Timeout, "Reading this file took too long and was stopped.", e);
        }
        catch (InsufficientExecutionStackException e)
        {
            throw new ExtractionException(ExtractionFailure.Malicious, "This file is nested too deeply to be read safely.", e);
        }
        catch (OutOfMemoryException e)
        {
            throw new ExtractionException(ExtractionFailure.TooLarge, "This file needs too much memory to be read; split it into smaller files.", e);
        }
        catch (Exception e)
        {
            throw new ExtractionException(ExtractionFailure.Corrupt, ZipGuard.CorruptMessage, e);
        }
    }

    private static ExtractionResult ExtractCore(byte[] content, string fileName, ExtractionLimits limits, CancellationToken ct,
        Action<OcrProgress>? progress)
    {
        var sniff = FileSniffer.Sniff(content, fileName);
        var sink = new ExtractionSink(limits, ct, progress);
        if (sniff.Encoding is "shift_jis") sink.Warn("text decoded as Shift_JIS");
        if (sniff.Format is { } format) return format.Read(new SniffedFile(format, content, fileName, sniff.Text ?? string.Empty), sink);

        switch (sniff.Type)
        {
            case FileSniffer.OleEncrypted:
                throw new ExtractionException(ExtractionFailure.Encrypted, EncryptedOfficeMessage);
            case FileSniffer.Ole:
                throw new ExtractionException(ExtractionFailure.Unsupported, IngestionMessages.LegacyOffice());
            case FileSniffer.Zip:
                // Unreadable or unsafe archives report Corrupt / ZipBomb / Malicious from the guard.
                ZipGuard.Inspect(content, limits, ct);
                throw new ExtractionException(ExtractionFailure.Unsupported, IngestionMessages.ZipArchive());
            default:
                throw new ExtractionException(ExtractionFailure.Unsupported, UnsupportedMessage(fileName));
        }
    }

    /// <summary>How every Office Open XML format is read: the macro policy, then the zip guard, then the format's reader.</summary>
    internal static ExtractionResult ReadOoxml(SniffedFile file, ExtractionSink sink, Func<byte[], string, ExtractionSink, ExtractionResult> read)
    {
        ApplyMacroPolicy(file.Format.MacroEnabled, sink);
        ZipGuard.Inspect(file.Content, sink.Limits, sink.CancellationToken);
        return read(file.Content, file.Format.Name, sink);
    }

    /// <summary>A file that carries macros is refused (Ingestion:MacroPolicy = Refuse) or read with a warning; macros never run.</summary>
    internal static void ApplyMacroPolicy(bool carriesMacros, ExtractionSink sink)
    {
        if (!carriesMacros) return;
        if (sink.Limits.Macros == MacroPolicy.Refuse) throw new ExtractionException(ExtractionFailure.MacroRefused, MacroRefusedMessage);
        sink.Warn(MacrosIgnoredWarning);
    }

    /// <summary>A workbook that fails to read is reported as Strict Open XML when it is one (a common cause).</summary>
    internal static ExtractionResult ReadWorkbook(byte[] content, string type, ExtractionSink sink)
    {
        try
        {
            return XlsxExtractor.Extract(content, type, sink);
        }
        catch (Exception e) when (e is not (ExtractionException or OperationCanceledException or OutOfMemoryException)
                                  && IsStrict(content))
        {
            throw new ExtractionException(ExtractionFailure.Unsupported, IngestionMessages.StrictWorkbook(), e);
        }
    }

    private static bool IsStrict(byte[] content)
    {
        var marker = "purl.oclc.org/ooxml"u8;
        try
        {
            using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(content, false));
            var workbook = zip.GetEntry("xl/workbook.xml");
            if (workbook is null) return false;
            using var s = workbook.Open();
            var buffer = new byte[4096];
            var n = s.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            return buffer.AsSpan(0, n).IndexOf(marker) >= 0;
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            return false;
        }
    }

    private static Text.PortalMessage UnsupportedMessage(string fileName)
    {
        var ext = Path.GetExtension(fileName).ToLowerInvariant();
        if (FileSniffer.TextFormatOf(fileName) is not null) return IngestionMessages.NotText(ext);
        return string.IsNullOrEmpty(ext) ? IngestionMessages.UnknownType() : IngestionMessages.TypeMismatch(ext);
    }

    private static string Megabytes(long bytes) =>
        (bytes / (1024.0 * 1024)).ToString(bytes % (1024 * 1024) == 0 ? "N0" : "N1", CultureInfo.InvariantCulture);
}
