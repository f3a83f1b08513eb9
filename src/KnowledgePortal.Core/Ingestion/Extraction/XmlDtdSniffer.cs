using System.Text;

namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>
/// Finds a DTD ("&lt;!DOCTYPE" or "&lt;!ENTITY", in UTF-8, UTF-16 LE or BE) anywhere in an XML part fed in chunks of any
/// size, so a declaration after a long comment is found as surely as one at the start. The last bytes of each chunk
/// are kept, so a marker split between two reads is still seen. Office never writes DTDs, and document text cannot
/// hold the markers unescaped, so a hit means a hostile part.
/// </summary>
internal sealed class XmlDtdSniffer
{
    private static readonly byte[][] Markers =
    [
        .. new[] { "<!DOCTYPE", "<!ENTITY" }.SelectMany(m => new[]
        {
            Encoding.UTF8.GetBytes(m), Encoding.Unicode.GetBytes(m), Encoding.BigEndianUnicode.GetBytes(m),
        }),
    ];

    private static readonly int Carry = Markers.Max(m => m.Length) - 1;

    private readonly byte[] _tail = new byte[Carry];
    private int _tailLength;

    /// <summary>Scans the next chunk of the part; true once a marker has been seen (in this chunk or across the seam).</summary>
    public bool Feed(ReadOnlySpan<byte> chunk)
    {
        Span<byte> seam = stackalloc byte[Carry * 2];
        _tail.AsSpan(0, _tailLength).CopyTo(seam);
        var head = chunk[..Math.Min(chunk.Length, Carry)];
        head.CopyTo(seam[_tailLength..]);
        var joined = seam[..(_tailLength + head.Length)];
        if (ContainsMarker(joined) || ContainsMarker(chunk)) return true;

        var keep = chunk.Length >= Carry ? chunk[^Carry..] : joined[Math.Max(0, joined.Length - Carry)..];
        keep.CopyTo(_tail);
        _tailLength = keep.Length;
        return false;
    }

    private static bool ContainsMarker(ReadOnlySpan<byte> data)
    {
        foreach (var marker in Markers)
            if (data.IndexOf(marker) >= 0) return true;
        return false;
    }
}
