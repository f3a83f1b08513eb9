using System.Text;

namespace KnowledgePortal.Tests.Embedding;

/// <summary>
/// Writes a tiny BERT-shaped ONNX model by hand-encoding the ONNX protobuf messages (no Python, no download):
/// <c>last_hidden_state[N,S,8] = Gather(embeddings[V,8], input_ids[N,S])</c>. Extra inputs (attention_mask,
/// token_type_ids) can be declared but are unused by the graph, as the loader must only feed declared inputs.
/// </summary>
internal static class OnnxTestModel
{
    public const int Dim = 8;

    /// <summary>Vocabulary, one token per line (line number = id).</summary>
    public static readonly string[] Vocab =
        ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "annual", "leave", "vacation", "holiday", "server", "restart", "reboot", "policy", "##s"];

    /// <summary>Embedding rows: leave-related words point one way, server-related words another.</summary>
    private static float[] Row(string token) => token switch
    {
        "[PAD]" => [0, 0, 0, 0, 0, 0, 5, 0], // large, so that unmasked padding would be noticed
        "[UNK]" => [0, 0, 0, 1, 0, 0, 0, 0],
        "[CLS]" or "[SEP]" => [0, 0, 0, 0, 0, 0, 0, 0.2f],
        "[MASK]" => [0, 0, 0, 0, 0, 0, 0, 1],
        "annual" => [1, 0.2f, 0, 0, 0, 0, 0, 0],
        "leave" => [0.8f, 0.6f, 0, 0, 0, 0, 0, 0],
        "vacation" => [0.9f, 0.4f, 0, 0, 0, 0, 0, 0],
        "holiday" => [0.7f, 0.7f, 0, 0, 0, 0, 0, 0],
        "server" => [0, 0, 0, 0, 1, 0.2f, 0, 0],
        "restart" => [0, 0, 0, 0, 0.7f, 0.7f, 0, 0],
        "reboot" => [0, 0, 0, 0, 0.8f, 0.6f, 0, 0],
        "policy" => [0, 0, 1, 0, 0, 0, 0, 0],
        "##s" => [0, 0, 0, 0, 0, 0.1f, 0, 0.3f],
        _ => throw new ArgumentOutOfRangeException(nameof(token)),
    };

    /// <summary>Creates a folder with model.onnx and vocab.txt; returns its path.</summary>
    public static string CreateFolder(string name = "tiny-bert", params string[] extraInputs)
    {
        var dir = Path.Combine(Path.GetTempPath(), "kp-onnx-" + Guid.NewGuid().ToString("N"), name);
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, "model.onnx"), BuildModel(extraInputs));
        File.WriteAllLines(Path.Combine(dir, "vocab.txt"), Vocab);
        return dir;
    }

    public static byte[] BuildModel(IEnumerable<string> extraInputs)
    {
        const int floatType = 1, int64Type = 7;

        var weights = Vocab.SelectMany(Row).SelectMany(BitConverter.GetBytes).ToArray();
        var initializer = new Proto()
            .Varint(1, Vocab.Length).Varint(1, Dim) // dims
            .Varint(2, floatType)                     // data_type
            .String(8, "embeddings")                  // name
            .Bytes(9, weights);                       // raw_data (little endian)

        var gather = new Proto()
            .String(1, "embeddings").String(1, "input_ids") // inputs: data, indices
            .String(2, "last_hidden_state")                 // output
            .String(3, "gather")                            // name
            .String(4, "Gather")                            // op_type
            .Message(5, new Proto().String(1, "axis").Varint(3, 0).Varint(20, 2)); // attribute axis:int = 0

        var graph = new Proto()
            .Message(1, gather)
            .String(2, "tiny_bert")
            .Message(5, initializer)
            .Message(11, ValueInfo("input_ids", int64Type, "batch", "sequence"));
        foreach (var extra in extraInputs) graph.Message(11, ValueInfo(extra, int64Type, "batch", "sequence"));
        graph.Message(12, ValueInfo("last_hidden_state", floatType, "batch", "sequence", Dim));

        return new Proto()
            .Varint(1, 8)                  // ir_version
            .String(2, "knowledgeportal-tests")
            .Message(7, graph)
            .Message(8, new Proto().String(1, "").Varint(2, 13)) // opset_import: default domain, opset 13
            .ToArray();
    }

    /// <summary>ValueInfoProto { name, type: TypeProto { tensor_type { elem_type, shape { dim... } } } }.</summary>
    private static Proto ValueInfo(string name, int elemType, params object[] dims)
    {
        var shape = new Proto();
        foreach (var d in dims)
        {
            shape.Message(1, d switch
            {
                int value => new Proto().Varint(1, value), // dim_value
                string param => new Proto().String(2, param), // dim_param
                _ => throw new ArgumentException("dim"),
            });
        }
        var tensorType = new Proto().Varint(1, elemType).Message(2, shape);
        return new Proto().String(1, name).Message(2, new Proto().Message(1, tensorType));
    }

    /// <summary>Minimal protobuf wire-format writer: varint (wire type 0) and length-delimited (wire type 2) fields.</summary>
    private sealed class Proto
    {
        private readonly MemoryStream _buffer = new();

        public Proto Varint(int field, long value)
        {
            WriteTag(field, 0);
            WriteVarint((ulong)value);
            return this;
        }

        public Proto Bytes(int field, byte[] bytes)
        {
            WriteTag(field, 2);
            WriteVarint((ulong)bytes.Length);
            _buffer.Write(bytes);
            return this;
        }

        public Proto String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public Proto Message(int field, Proto message) => Bytes(field, message.ToArray());

        public byte[] ToArray() => _buffer.ToArray();

        private void WriteTag(int field, int wireType) => WriteVarint((ulong)((field << 3) | wireType));

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
