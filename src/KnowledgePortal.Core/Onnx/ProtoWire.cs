using System.Text;

namespace KnowledgePortal.Core.Onnx;

/// <summary>
/// Just enough of the protobuf wire format to read a few fields of a SentencePiece model and to write one: the
/// tokenizer library parses the model itself but does not expose its type or normaliser name, and it only loads
/// models from protobuf bytes.
/// </summary>
internal static class ProtoWire
{
    /// <summary>One field of a message: varint and fixed-width fields carry <see cref="Varint"/> (the raw bits),
    /// length-delimited ones <see cref="Bytes"/>.</summary>
    public readonly record struct Field(int Number, int WireType, ulong Varint, ReadOnlyMemory<byte> Bytes)
    {
        public string String => Encoding.UTF8.GetString(Bytes.Span);

        public float Float => BitConverter.Int32BitsToSingle((int)(uint)Varint);
    }

    /// <summary>The top-level fields of <paramref name="message"/>, in order. Throws <see cref="InvalidDataException"/> on malformed input.</summary>
    public static IEnumerable<Field> Read(ReadOnlyMemory<byte> message)
    {
        int pos = 0;
        while (pos < message.Length)
        {
            ulong tag = ReadVarint(message.Span, ref pos);
            int number = (int)(tag >> 3), wireType = (int)(tag & 7);
            switch (wireType)
            {
                case 0:
                    yield return new Field(number, 0, ReadVarint(message.Span, ref pos), default);
                    break;
                case 1:
                    yield return new Field(number, 1, ReadFixed(message.Span, ref pos, 8), default);
                    break;
                case 2:
                    ulong length = ReadVarint(message.Span, ref pos);
                    if (length > (ulong)(message.Length - pos)) throw new InvalidDataException("Truncated protobuf field.");
                    yield return new Field(number, 2, 0, message.Slice(pos, (int)length));
                    pos += (int)length;
                    break;
                case 5:
                    yield return new Field(number, 5, ReadFixed(message.Span, ref pos, 4), default);
                    break;
                default:
                    throw new InvalidDataException($"Unsupported protobuf wire type {wireType}.");
            }
        }
    }

    private static ulong ReadFixed(ReadOnlySpan<byte> data, ref int pos, int size)
    {
        if (pos + size > data.Length) throw new InvalidDataException("Truncated protobuf field.");
        ulong value = 0;
        for (int i = size - 1; i >= 0; i--) value = (value << 8) | data[pos + i]; // little endian
        pos += size;
        return value;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int pos)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (pos >= data.Length) throw new InvalidDataException("Truncated protobuf varint.");
            byte b = data[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new InvalidDataException("Malformed protobuf varint.");
    }

    /// <summary>Builds one message; nested messages are written with <see cref="Message"/>.</summary>
    public sealed class Writer
    {
        private readonly MemoryStream _buffer = new();

        public Writer Varint(int field, long value)
        {
            Tag(field, 0);
            WriteVarint((ulong)value);
            return this;
        }

        public Writer Bool(int field, bool value) => Varint(field, value ? 1 : 0);

        public Writer Float(int field, float value)
        {
            Tag(field, 5);
            Span<byte> bytes = stackalloc byte[4];
            BitConverter.TryWriteBytes(bytes, value);
            if (!BitConverter.IsLittleEndian) bytes.Reverse();
            _buffer.Write(bytes);
            return this;
        }

        public Writer Bytes(int field, ReadOnlySpan<byte> bytes)
        {
            Tag(field, 2);
            WriteVarint((ulong)bytes.Length);
            _buffer.Write(bytes);
            return this;
        }

        public Writer String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public Writer Message(int field, Writer message) => Bytes(field, message.ToArray());

        public byte[] ToArray() => _buffer.ToArray();

        private void Tag(int field, int wireType) => WriteVarint((ulong)((field << 3) | wireType));

        private void WriteVarint(ulong value)
        {
            while (value >= 0x80)
            {
                _buffer.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }
            _buffer.WriteByte((byte)value);
        }
    }
}
