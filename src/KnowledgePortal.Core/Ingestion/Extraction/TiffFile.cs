using System.Buffers.Binary;

namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>
/// The pages of a TIFF (classic or BigTIFF) from its chain of image file directories: each page's dimensions, read
/// without decoding, and a way to show a reader one page at a time (multi-page faxes and scans: one page each).
/// Reduced-resolution images (thumbnails) are not pages.
/// </summary>
internal sealed class TiffFile
{
    private const ushort NewSubfileType = 254, SubfileType = 255, ImageWidth = 256, ImageLength = 257;

    private readonly bool _little;
    private readonly bool _big;

    private TiffFile(bool little, bool big, IReadOnlyList<TiffPage> pages, bool truncated)
    {
        _little = little;
        _big = big;
        Pages = pages;
        Truncated = truncated;
    }

    public IReadOnlyList<TiffPage> Pages { get; }

    /// <summary>The chain had more directories than the reader was asked to look at.</summary>
    public bool Truncated { get; }

    /// <summary>The pages of <paramref name="content"/>, looking at no more than <paramref name="maxDirectories"/>; null when the structure is damaged.</summary>
    public static TiffFile? Read(ReadOnlySpan<byte> content, int maxDirectories)
    {
        if (!ImageHeader.IsTiff(content)) return null;
        var little = content[0] == 'I';
        var big = content[2] == 43 || content[3] == 43;
        long offset;
        if (big)
        {
            if (content.Length < 16 || U16(content, 4, little) != 8) return null;
            offset = U64(content, 8, little);
        }
        else
        {
            offset = U32(content, 4, little);
        }

        var pages = new List<TiffPage>();
        var seen = new HashSet<long>();
        var directories = 0;
        while (offset != 0)
        {
            if (++directories > maxDirectories) return new TiffFile(little, big, pages, truncated: true);
            if (offset < 8 || offset >= content.Length || !seen.Add(offset)) return null; // outside the file, or a loop
            var countSize = big ? 8 : 2;
            var entrySize = big ? 20 : 12;
            if (offset + countSize > content.Length) return null;
            var count = big ? U64(content, (int)offset, little) : U16(content, (int)offset, little);
            var entries = offset + countSize;
            var next = entries + count * entrySize;
            if (count > 10_000 || next + (big ? 8 : 4) > content.Length) return null;

            long width = 0, height = 0;
            var reduced = false;
            for (var e = 0L; e < count; e++)
            {
                var at = (int)(entries + e * entrySize);
                var tag = U16(content, at, little);
                if (tag is not (NewSubfileType or SubfileType or ImageWidth or ImageLength)) continue;
                var value = Value(content, at, little, big);
                switch (tag)
                {
                    case ImageWidth: width = value; break;
                    case ImageLength: height = value; break;
                    case NewSubfileType: reduced |= (value & 1) != 0; break;
                    case SubfileType: reduced |= value == 2; break;
                }
            }
            if (!reduced) pages.Add(new TiffPage(offset, next, new ImageSize(width, height)));
            offset = big ? U64(content, (int)next, little) : U32(content, (int)next, little);
        }
        return new TiffFile(little, big, pages, truncated: false);
    }

    /// <summary>
    /// Rewrites <paramref name="file"/> (a copy of the TIFF) in place so that a reader sees only <paramref name="page"/>:
    /// the header points at its directory and its link to the next is cleared. Every offset in the file stays valid.
    /// </summary>
    public void Select(Stream file, TiffPage page)
    {
        Span<byte> buffer = stackalloc byte[8];
        file.Position = _big ? 8 : 4;
        Write(file, buffer, page.Directory);
        file.Position = page.NextLink;
        Write(file, buffer, 0);
        file.Flush();
    }

    private void Write(Stream file, Span<byte> buffer, long value)
    {
        var bytes = buffer[..(_big ? 8 : 4)];
        if (_big && _little) BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)value);
        else if (_big) BinaryPrimitives.WriteUInt64BigEndian(bytes, (ulong)value);
        else if (_little) BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)value);
        else BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)value);
        file.Write(bytes);
    }

    /// <summary>An entry's value when it fits the entry (SHORT, LONG, LONG8: what dimensions and subfile types are).</summary>
    private static long Value(ReadOnlySpan<byte> content, int entry, bool little, bool big)
    {
        var type = U16(content, entry + 2, little);
        var field = entry + (big ? 12 : 8);
        return type switch
        {
            3 => U16(content, field, little),
            4 => U32(content, field, little),
            16 when big => U64(content, field, little),
            _ => 0,
        };
    }

    private static ushort U16(ReadOnlySpan<byte> b, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(b[at..]) : BinaryPrimitives.ReadUInt16BigEndian(b[at..]);

    private static long U32(ReadOnlySpan<byte> b, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(b[at..]) : BinaryPrimitives.ReadUInt32BigEndian(b[at..]);

    /// <summary>Offsets beyond what a byte array can hold read as "outside the file".</summary>
    private static long U64(ReadOnlySpan<byte> b, int at, bool little)
    {
        var v = little ? BinaryPrimitives.ReadUInt64LittleEndian(b[at..]) : BinaryPrimitives.ReadUInt64BigEndian(b[at..]);
        return v > int.MaxValue ? int.MaxValue : (long)v;
    }
}
