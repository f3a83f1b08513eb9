using System.Buffers.Binary;

namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>
/// Magic bytes and pixel dimensions of the image formats, read from their headers (PNG IHDR, JPEG SOFn; TIFF in
/// <see cref="TiffFile"/>) without decoding a pixel, so an image bomb is refused before anything inflates it.
/// </summary>
internal static class ImageHeader
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static bool IsPng(ReadOnlySpan<byte> content) => content.StartsWith(PngSignature);

    public static bool IsJpeg(ReadOnlySpan<byte> content) => content.Length >= 3 && content[0] == 0xFF && content[1] == 0xD8 && content[2] == 0xFF;

    /// <summary>Classic ("II*\0", "MM\0*") and BigTIFF ("II+\0", "MM\0+").</summary>
    public static bool IsTiff(ReadOnlySpan<byte> content) =>
        content.Length >= 8 && ((content[0] == 'I' && content[1] == 'I' && content[2] is 42 or 43 && content[3] == 0)
                                || (content[0] == 'M' && content[1] == 'M' && content[2] == 0 && content[3] is 42 or 43));

    /// <summary>The IHDR chunk, which the PNG specification places first; null when it is missing or damaged.</summary>
    public static ImageSize? PngSize(ReadOnlySpan<byte> content)
    {
        // signature (8), chunk length (4), "IHDR" (4), width (4), height (4)
        if (content.Length < 24 || !IsPng(content) || !content.Slice(12, 4).SequenceEqual("IHDR"u8)) return null;
        var size = new ImageSize(BinaryPrimitives.ReadUInt32BigEndian(content[16..]), BinaryPrimitives.ReadUInt32BigEndian(content[20..]));
        return size.IsEmpty ? null : size;
    }

    /// <summary>The first start-of-frame segment (SOF0–SOF15 but DHT, JPG and DAC); null when none precedes the scan data.</summary>
    public static ImageSize? JpegSize(ReadOnlySpan<byte> content)
    {
        if (!IsJpeg(content)) return null;
        var i = 2;
        while (i + 4 <= content.Length)
        {
            if (content[i] != 0xFF) return null;
            var marker = content[i + 1];
            if (marker == 0xFF) { i++; continue; } // fill byte
            if (marker is 0x01 or (>= 0xD0 and <= 0xD8)) { i += 2; continue; } // standalone markers
            if (marker is 0xD9 or 0xDA) return null; // end of image, start of scan: no frame header before the data
            var length = BinaryPrimitives.ReadUInt16BigEndian(content[(i + 2)..]);
            if (length < 2) return null;
            if (marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC))
            {
                // length (2), precision (1), height (2), width (2)
                if (i + 9 > content.Length) return null;
                var size = new ImageSize(BinaryPrimitives.ReadUInt16BigEndian(content[(i + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(content[(i + 5)..]));
                return size.IsEmpty ? null : size;
            }
            i += 2 + length;
        }
        return null;
    }
}
