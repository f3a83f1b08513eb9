using System.Buffers;
using System.IO.Compression;

namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>
/// Checks a zip container (Office Open XML package) before any parser touches it: entry count, declared and actual
/// uncompressed size, per-entry compression ratio, path traversal, DTDs in XML parts, and readability (CRC).
/// </summary>
public static class ZipGuard
{
    internal const string CorruptMessage = "The file is damaged or truncated and cannot be opened.";
    private const long RatioCheckMinimumBytes = 1024 * 1024;

    /// <summary>Throws <see cref="ExtractionException"/> (ZipBomb, Malicious or Corrupt) when the archive is unsafe or unreadable.</summary>
    public static void Inspect(byte[] content, ExtractionLimits limits, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(limits);
        try
        {
            InspectCore(content, limits, ct);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException or ArgumentException)
        {
            throw new ExtractionException(ExtractionFailure.Corrupt, CorruptMessage, e);
        }
    }

    private static void InspectCore(byte[] content, ExtractionLimits limits, CancellationToken ct)
    {
        using var zip = new ZipArchive(new MemoryStream(content, writable: false), ZipArchiveMode.Read);
        var entries = zip.Entries;
        if (entries.Count == 0) throw new ExtractionException(ExtractionFailure.Corrupt, CorruptMessage);
        if (entries.Count > limits.MaxZipEntries)
            throw new ExtractionException(ExtractionFailure.ZipBomb,
                $"This file contains {entries.Count:N0} internal parts (limit {limits.MaxZipEntries:N0}); it looks like a zip bomb and was not opened.");

        long declaredTotal = 0;
        foreach (var entry in entries)
        {
            CheckName(entry.FullName);
            if (entry.Length < 0 || entry.CompressedLength < 0)
                throw new ExtractionException(ExtractionFailure.Corrupt, CorruptMessage);
            declaredTotal += entry.Length;
            if (declaredTotal > limits.MaxUncompressedBytes) throw TooBig(limits);
            if (entry.Length >= RatioCheckMinimumBytes
                && entry.Length > limits.MaxCompressionRatio * Math.Max(1, entry.CompressedLength))
                throw new ExtractionException(ExtractionFailure.ZipBomb,
                    $"The part \"{Shorten(entry.FullName)}\" expands {entry.Length / (double)Math.Max(1, entry.CompressedLength):N0}× " +
                    $"(limit {limits.MaxCompressionRatio:N0}×); the file looks like a zip bomb and was not opened.");
        }

        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            long actualTotal = 0;
            foreach (var entry in entries)
            {
                ct.ThrowIfCancellationRequested();
                if (entry.FullName.EndsWith('/')) continue;
                var isXml = entry.FullName.EndsWith(".xml", StringComparison.OrdinalIgnoreCase)
                            || entry.FullName.EndsWith(".rels", StringComparison.OrdinalIgnoreCase)
                            || entry.FullName.EndsWith(".vml", StringComparison.OrdinalIgnoreCase);
                // Every byte of an XML part is sniffed, not a prologue: a DOCTYPE may follow a comment of any length.
                var dtd = isXml ? new XmlDtdSniffer() : null;
                long actual = 0;
                using var stream = entry.Open();
                int n;
                while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
                {
                    if (dtd?.Feed(buffer.AsSpan(0, n)) == true)
                        throw new ExtractionException(ExtractionFailure.Malicious,
                            $"The part \"{Shorten(entry.FullName)}\" declares a DTD / external entities, which Office files never need; the file was not opened.");
                    actual += n;
                    actualTotal += n;
                    if (actual > entry.Length)
                        throw new ExtractionException(ExtractionFailure.ZipBomb,
                            $"The part \"{Shorten(entry.FullName)}\" is larger than its declared size; the file looks like a zip bomb and was not opened.");
                    if (actualTotal > limits.MaxUncompressedBytes) throw TooBig(limits);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ExtractionException TooBig(ExtractionLimits limits) => new(
        ExtractionFailure.ZipBomb,
        $"This file expands to more than {limits.MaxUncompressedBytes / (1024.0 * 1024):N0} MB when unpacked; it looks like a zip bomb and was not opened.");

    private static void CheckName(string name)
    {
        var normalized = name.Replace('\\', '/');
        var malicious = normalized.StartsWith('/')
                        || normalized.Contains(':')
                        || normalized.Contains('\0')
                        || normalized.Split('/').Any(segment => segment == "..");
        if (malicious)
            throw new ExtractionException(ExtractionFailure.Malicious,
                $"This file contains a part with an unsafe path (\"{Shorten(name)}\"), so it was not opened.");
    }

    private static string Shorten(string name) => name.Length <= 80 ? name : name[..77] + "...";
}
