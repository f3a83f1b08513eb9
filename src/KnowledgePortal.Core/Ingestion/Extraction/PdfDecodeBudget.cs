using System.Buffers;
using System.IO.Compression;
using System.Runtime.InteropServices;
using UglyToad.PdfPig.Filters;
using UglyToad.PdfPig.Tokens;

namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>
/// PdfPig's stream filters under a byte budget, for one document (handed to PdfPig as its filter provider).
/// PdfPig inflates a Flate stream into one growing array, so a 1 MB file with a 2 GB stream of zeros would take
/// gigabytes and tens of seconds. Before PdfPig decodes a Flate stream, the stream is inflated here into a small reused
/// buffer and only counted; past <see cref="ExtractionLimits.MaxPdfStreamBytes"/> (one stream) or
/// <see cref="ExtractionLimits.MaxUncompressedBytes"/> (all streams of the file) the file fails as too large, without
/// the data ever being held. Counting costs a second inflate of each stream, which is cheap next to parsing it.
/// Other filters (LZW, run-length, ASCII) expand far less; their output is charged to the same budget after decoding.
/// PdfPig swallows some exceptions from filters (lenient parsing), so the failure is also kept in
/// <see cref="Exceeded"/>, every later decode refuses at once, and the extractor checks it between pages.
/// </summary>
internal sealed class PdfDecodeBudget(ExtractionLimits limits, CancellationToken ct) : IFilterProvider
{
    private const int ReadBlock = 64 * 1024;
    private static readonly IFilterProvider Inner = DefaultFilterProvider.Instance;

    private long _decodedTotal;

    /// <summary>The too-large failure, once any stream went over the budget.</summary>
    public ExtractionException? Exceeded { get; private set; }

    public long DecodedTotal => _decodedTotal;

    public void ThrowIfExceeded()
    {
        if (Exceeded is { } e) throw e;
        ct.ThrowIfCancellationRequested();
    }

    public IReadOnlyList<IFilter> GetFilters(DictionaryToken dictionary) => Wrap(Inner.GetFilters(dictionary));

    public IReadOnlyList<IFilter> GetNamedFilters(IReadOnlyList<NameToken> names) => Wrap(Inner.GetNamedFilters(names));

    public IReadOnlyList<IFilter> GetAllFilters() => Wrap(Inner.GetAllFilters());

    private IReadOnlyList<IFilter> Wrap(IReadOnlyList<IFilter> filters) =>
        filters.Select(IFilter (f) => new BudgetedFilter(f, this)).ToArray();

    /// <summary>What a zlib stream inflates to, counted in a small buffer; throws once that passes the budget.</summary>
    internal long MeasureInflated(ReadOnlyMemory<byte> compressed)
    {
        // Like PdfPig: skip the two-byte zlib header and inflate the raw deflate data that follows.
        if (compressed.Length <= 2) return 0;
        using var input = MemoryMarshal.TryGetArray(compressed, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset + 2, segment.Count - 2, writable: false)
            : new MemoryStream(compressed[2..].ToArray(), writable: false);
        using var deflate = new DeflateStream(input, CompressionMode.Decompress);
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBlock);
        long inflated = 0;
        try
        {
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                int n;
                try
                {
                    n = deflate.Read(buffer, 0, ReadBlock);
                }
                catch (InvalidDataException)
                {
                    break; // damaged from here on: PdfPig keeps at most what inflated so far
                }
                if (n == 0) break;
                inflated += n;
                Check(inflated, _decodedTotal + inflated);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return inflated;
    }

    internal void Charge(long bytes)
    {
        Check(bytes, _decodedTotal + bytes);
        _decodedTotal += bytes;
    }

    private void Check(long stream, long total)
    {
        if (stream > limits.MaxPdfStreamBytes)
            throw Exceeded = new ExtractionException(ExtractionFailure.TooLarge,
                $"A stream in this PDF expands to more than {Megabytes(limits.MaxPdfStreamBytes)} MB when decompressed " +
                "(limit Ingestion:MaxPdfStreamMegabytes); it looks like a decompression bomb and was not read.");
        if (total > limits.MaxUncompressedBytes)
            throw Exceeded = new ExtractionException(ExtractionFailure.TooLarge,
                $"This PDF expands to more than {Megabytes(limits.MaxUncompressedBytes)} MB when decompressed " +
                "(limit Ingestion:MaxUncompressedMegabytes); it looks like a decompression bomb and was not read.");
    }

    private static string Megabytes(long bytes) => (bytes / (1024.0 * 1024)).ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    private sealed class BudgetedFilter(IFilter inner, PdfDecodeBudget budget) : IFilter
    {
        public bool IsSupported => inner.IsSupported;

        public Memory<byte> Decode(Memory<byte> input, DictionaryToken streamDictionary, IFilterProvider filterProvider, int filterIndex)
        {
            budget.ThrowIfExceeded();
            if (inner is FlateFilter)
            {
                var inflated = budget.MeasureInflated(input);
                budget.Charge(inflated);
                return inner.Decode(input, streamDictionary, filterProvider, filterIndex);
            }
            var decoded = inner.Decode(input, streamDictionary, filterProvider, filterIndex);
            budget.Charge(decoded.Length);
            return decoded;
        }
    }
}
