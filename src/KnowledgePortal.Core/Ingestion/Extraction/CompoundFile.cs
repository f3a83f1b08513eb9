using System.Buffers.Binary;
using System.Text;

namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>
/// A small, bounded reader of OLE2 compound files (MS-CFB), the container of legacy .doc / .xls / .ppt: the names
/// of the root storage's children and the first bytes of a stream, which is all sniffing and the encryption checks
/// need. Every chain walk is bounded by the file's sector count, so a hostile file cannot loop or allocate much;
/// anything inconsistent throws <see cref="InvalidDataException"/>.
/// </summary>
internal sealed class CompoundFile
{
    private const uint EndOfChain = 0xFFFFFFFE;
    private const uint NoStream = 0xFFFFFFFF;
    private const int HeaderFatEntries = 109;
    private const int MaxDirectoryEntries = 65_536;
    private static readonly byte[] Signature = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

    private readonly byte[] _content;
    private readonly int _sectorSize;
    private readonly uint[] _fat;
    private readonly List<Entry> _entries;
    private readonly uint _miniStreamCutoff;
    private readonly uint _firstMiniFatSector;
    private readonly List<Entry> _rootChildren;

    private sealed record Entry(string Name, byte Type, uint Left, uint Right, uint Child, uint StartSector, long Size);

    private CompoundFile(byte[] content)
    {
        _content = content;
        if (content.Length < 512 || !content.AsSpan(0, 8).SequenceEqual(Signature)) throw Bad("no compound file header");
        var header = content.AsSpan(0, 512);
        var major = U16(header, 26);
        var sectorShift = U16(header, 30);
        if (!((major == 3 && sectorShift == 9) || (major == 4 && sectorShift == 12))) throw Bad("unknown version or sector size");
        _sectorSize = 1 << sectorShift;
        var fatSectorCount = U32(header, 44);
        var firstDirectorySector = U32(header, 48);
        _miniStreamCutoff = U32(header, 56);
        _firstMiniFatSector = U32(header, 60);
        var firstDifatSector = U32(header, 68);
        var sectorCount = SectorCount;
        if (fatSectorCount == 0 || fatSectorCount > sectorCount) throw Bad("FAT size");

        // The FAT's own sectors: 109 in the header, the rest in the DIFAT chain (the last slot of each links on).
        var fatSectors = new List<uint>((int)fatSectorCount);
        for (var i = 0; i < HeaderFatEntries && fatSectors.Count < fatSectorCount; i++) fatSectors.Add(U32(header, 76 + 4 * i));
        var difat = firstDifatSector;
        var perDifat = _sectorSize / 4 - 1;
        for (var hops = 0; fatSectors.Count < fatSectorCount; hops++)
        {
            if (hops > sectorCount) throw Bad("DIFAT loop");
            var sector = SectorSpan(difat);
            for (var i = 0; i < perDifat && fatSectors.Count < fatSectorCount; i++) fatSectors.Add(U32(sector, 4 * i));
            difat = U32(sector, 4 * perDifat);
        }
        _fat = new uint[fatSectors.Count * (_sectorSize / 4)];
        for (var s = 0; s < fatSectors.Count; s++)
        {
            var sector = SectorSpan(fatSectors[s]);
            for (var i = 0; i < _sectorSize / 4; i++) _fat[s * (_sectorSize / 4) + i] = U32(sector, 4 * i);
        }

        _entries = [];
        foreach (var sector in Chain(_fat, firstDirectorySector))
        {
            var span = SectorSpan(sector);
            for (var offset = 0; offset + 128 <= span.Length; offset += 128)
            {
                if (_entries.Count >= MaxDirectoryEntries) throw Bad("too many directory entries");
                _entries.Add(ReadEntry(span.Slice(offset, 128), major));
            }
        }
        if (_entries.Count == 0 || _entries[0].Type != 5) throw Bad("no root entry");
        _rootChildren = CollectRootChildren();
        RootNames = _rootChildren.Select(e => e.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Reads the container's header, FAT and directory.</summary>
    /// <exception cref="InvalidDataException">Not a well-formed compound file.</exception>
    public static CompoundFile Open(byte[] content) => new(content);

    /// <summary>
    /// The names of the root storage's direct children (streams and storages; case-insensitive as in MS-CFB), e.g.
    /// "WordDocument", "Macros". Only the root counts: an embedded workbook inside a .doc sits deeper.
    /// </summary>
    public IReadOnlySet<string> RootNames { get; }

    /// <summary>The first <paramref name="maxBytes"/> bytes of the root-level stream <paramref name="name"/>, or null when there is none.</summary>
    public byte[]? ReadRootStream(string name, int maxBytes)
    {
        var entry = _rootChildren.FirstOrDefault(e => e.Type == 2 && string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));
        if (entry is null) return null;
        var length = (int)Math.Min(entry.Size, maxBytes);
        var result = new byte[length];
        var written = 0;
        if (entry.Size < _miniStreamCutoff)
        {
            // Small streams live in 64-byte mini sectors inside the root entry's stream, chained by the mini FAT.
            var miniFat = ReadChainBytes(_fat, _firstMiniFatSector, int.MaxValue);
            var miniFatEntries = new uint[miniFat.Length / 4];
            for (var i = 0; i < miniFatEntries.Length; i++) miniFatEntries[i] = BinaryPrimitives.ReadUInt32LittleEndian(miniFat.AsSpan(4 * i));
            var miniStream = ReadChainBytes(_fat, _entries[0].StartSector, (int)Math.Min(_entries[0].Size, _content.Length));
            foreach (var mini in Chain(miniFatEntries, entry.StartSector))
            {
                if (written >= length) break;
                var offset = (long)mini * 64;
                if (offset + 64 > miniStream.Length) throw Bad("mini sector outside the mini stream");
                var n = Math.Min(64, length - written);
                miniStream.AsSpan((int)offset, n).CopyTo(result.AsSpan(written));
                written += n;
            }
        }
        else
        {
            var bytes = ReadChainBytes(_fat, entry.StartSector, length);
            bytes.CopyTo(result, 0);
            written = bytes.Length;
        }
        if (written < length) throw Bad("stream shorter than its size");
        return result;
    }

    /// <summary>The root's children: a red-black tree from its child pointer, walked over left/right siblings.</summary>
    private List<Entry> CollectRootChildren()
    {
        var children = new List<Entry>();
        var seen = new HashSet<uint>();
        var stack = new Stack<uint>();
        stack.Push(_entries[0].Child);
        while (stack.Count > 0)
        {
            var id = stack.Pop();
            if (id == NoStream) continue;
            if (id >= _entries.Count || !seen.Add(id)) throw Bad("directory tree");
            var entry = _entries[(int)id];
            children.Add(entry);
            stack.Push(entry.Left);
            stack.Push(entry.Right);
        }
        return children;
    }

    private byte[] ReadChainBytes(uint[] fat, uint start, int maxBytes)
    {
        var output = new MemoryStream();
        foreach (var sector in Chain(fat, start))
        {
            if (output.Length >= maxBytes) break;
            var span = SectorSpan(sector);
            output.Write(span[..(int)Math.Min(span.Length, maxBytes - output.Length)]);
        }
        return output.ToArray();
    }

    /// <summary>A sector chain; one longer than the table it is drawn from is a loop.</summary>
    private static IEnumerable<uint> Chain(uint[] table, uint start)
    {
        var sector = start;
        for (var hops = 0; sector != EndOfChain; hops++)
        {
            if (sector >= table.Length || hops > table.Length) throw Bad("sector chain");
            yield return sector;
            sector = table[sector];
        }
    }

    private long SectorCount => (_content.Length + _sectorSize - 1L) / _sectorSize;

    private ReadOnlySpan<byte> SectorSpan(uint sector)
    {
        var offset = ((long)sector + 1) * _sectorSize;
        if (sector >= 0xFFFFFFFA || offset >= _content.Length) throw Bad("sector outside the file");
        // The last sector may be cut short by a writer that trimmed the file.
        return _content.AsSpan((int)offset, (int)Math.Min(_sectorSize, _content.Length - offset));
    }

    private static Entry ReadEntry(ReadOnlySpan<byte> raw, int major)
    {
        var nameBytes = Math.Clamp((int)U16(raw, 64), 2, 64) - 2;
        var name = Encoding.Unicode.GetString(raw[..(nameBytes & ~1)]);
        var size = major == 3 ? U32(raw, 120) : (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(raw[120..]), long.MaxValue);
        return new Entry(name, raw[66], U32(raw, 68), U32(raw, 72), U32(raw, 76), U32(raw, 116), size);
    }

    private static ushort U16(ReadOnlySpan<byte> span, int offset) => BinaryPrimitives.ReadUInt16LittleEndian(span[offset..]);

    private static uint U32(ReadOnlySpan<byte> span, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(span[offset..]);

    private static InvalidDataException Bad(string what) => new($"Not a readable compound file: {what}.");
}
