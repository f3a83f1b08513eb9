using System.Buffers.Binary;
using System.IO.Compression;

namespace KnowledgePortal.Tests.Extraction;

/// <summary>
/// Small files whose headers claim enormous pixel dimensions (decoders would allocate gigabytes), and a stand-in
/// tesseract that never finishes: the hostile inputs of OCR.
/// </summary>
internal static class ImageBombs
{
    /// <summary>A well-formed PNG (valid CRCs) of 100,000 × 100,000 grey pixels: 10 GB decoded, a few hundred bytes stored.</summary>
    public static byte[] Png(uint width = 100_000, uint height = 100_000)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth; colour type 0 (grey), deflate, adaptive filtering, no interlace
        Chunk(png, "IHDR", ihdr);
        using (var zeros = new MemoryStream())
        {
            using (var z = new ZLibStream(zeros, CompressionLevel.SmallestSize, leaveOpen: true)) z.Write(new byte[64 * 1024]);
            Chunk(png, "IDAT", zeros.ToArray());
        }
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>A baseline JPEG header claiming 65,535 × 65,535 pixels (4.3 gigapixels).</summary>
    public static byte[] Jpeg() =>
    [
        0xFF, 0xD8, // SOI
        0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, // APP0
        0xFF, 0xC0, 0x00, 0x0B, 8, 0xFF, 0xFF, 0xFF, 0xFF, 1, 1, 0x11, 0, // SOF0: precision, height, width, 1 component
        0xFF, 0xD9, // EOI
    ];

    /// <summary>A classic TIFF whose one page claims 100,000 × 100,000 pixels.</summary>
    public static byte[] Tiff()
    {
        var tiff = new byte[8 + 2 + 2 * 12 + 4];
        "II"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(2), 42);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(4), 8);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(8), 2);
        foreach (var (i, tag) in new[] { (0, (ushort)256), (1, (ushort)257) })
        {
            var at = 10 + i * 12;
            BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(at), tag);
            BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(at + 2), 4); // LONG
            BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(at + 4), 1);
            BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(at + 8), 100_000);
        }
        return tiff;
    }

    /// <summary>An executable that stands in for tesseract and sleeps for a minute (a hang on a hostile image).</summary>
    public static string HangingTesseract()
    {
        var path = Path.Combine(Path.GetTempPath(), $"kp-test-hanging-tesseract-{Guid.NewGuid():N}");
        File.WriteAllText(path, "#!/bin/sh\nsleep 60\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> four = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(four, (uint)data.Length);
        png.Write(four);
        var typed = new byte[4 + data.Length];
        System.Text.Encoding.ASCII.GetBytes(type).CopyTo(typed, 0);
        data.CopyTo(typed, 4);
        png.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(four, Crc32(typed));
        png.Write(four);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
