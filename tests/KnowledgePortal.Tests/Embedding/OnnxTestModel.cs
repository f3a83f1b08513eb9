using System.Text;

namespace KnowledgePortal.Tests.Embedding;

/// <summary>
/// Writes tiny ONNX models by hand-encoding the ONNX protobuf messages (no Python, no download):
/// <list type="bullet">
/// <item>an encoder, <c>last_hidden_state[N,S,8] = Gather(embeddings[V,8], input_ids[N,S])</c>, over the WordPiece
/// <see cref="Vocab"/> or any id range (SentencePiece folders);</item>
/// <item>a cross-encoder (<see cref="BuildCrossEncoder"/>) that scores how many words the two segments share.</item>
/// </list>
/// Extra inputs (attention_mask, token_type_ids) can be declared but are unused by the encoder graph, as the loader
/// must only feed declared inputs.
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
        var dir = NewFolder(name);
        File.WriteAllBytes(Path.Combine(dir, "model.onnx"), BuildModel(extraInputs));
        File.WriteAllLines(Path.Combine(dir, "vocab.txt"), Vocab);
        return dir;
    }

    /// <summary>An empty folder <paramref name="name"/> under a fresh temporary directory.</summary>
    public static string NewFolder(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "kp-onnx-" + Guid.NewGuid().ToString("N"), name);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static byte[] BuildModel(IEnumerable<string> extraInputs) =>
        BuildEncoder(Vocab.Select(Row).ToArray(), extraInputs);

    /// <summary>
    /// Deterministic pseudo-random embedding rows for ids 0..<paramref name="count"/>-1; row
    /// <paramref name="largeRow"/> (the padding id) is large, so that unmasked padding would be noticed.
    /// </summary>
    public static float[][] RandomRows(int count, int largeRow, int seed = 7)
    {
        var random = new Random(seed);
        var rows = new float[count][];
        for (int i = 0; i < count; i++)
            rows[i] = Enumerable.Range(0, Dim).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        rows[largeRow] = [0, 0, 0, 0, 0, 0, 50, 0];
        return rows;
    }

    /// <summary><c>last_hidden_state = Gather(embeddings, input_ids)</c> with one embedding row per id.</summary>
    public static byte[] BuildEncoder(float[][] rows, IEnumerable<string> extraInputs)
    {
        var graph = new Graph("tiny_encoder")
            .Initializer("embeddings", [rows.Length, Dim], rows.SelectMany(r => r).ToArray())
            .Node("Gather", ["embeddings", "input_ids"], ["last_hidden_state"], Attribute.Int("axis", 0))
            .Input("input_ids");
        foreach (var extra in extraInputs) graph.Input(extra);
        graph.Output("last_hidden_state", "batch", "sequence", Dim);
        return graph.ToModel();
    }

    /// <summary>
    /// A BERT-style cross-encoder over <see cref="Vocab"/>: every word has its own dimension (specials and padding are
    /// zero), the query segment (token_type 0) and the passage segment (token_type 1) are summed separately, and the logit
    /// is the dot product of the two sums minus 0.5 (shared words → positive). With <paramref name="columns"/> = 2 the
    /// output is [0, that logit], whose softmax positive class equals sigmoid of the one-column logit.
    /// </summary>
    public static byte[] BuildCrossEncoder(int columns = 1)
    {
        int v = Vocab.Length;
        var embeddings = new float[v * v];
        for (int id = 0; id < v; id++)
            if (!Vocab[id].StartsWith('[')) embeddings[id * v + id] = 1;
        var weights = new float[v * columns];
        for (int d = 0; d < v; d++) weights[d * columns + columns - 1] = 1;
        var bias = new float[columns];
        bias[columns - 1] = -0.5f;

        return new Graph("tiny_cross_encoder")
            .Initializer("embeddings", [v, v], embeddings)
            .Initializer("w", [v, columns], weights)
            .Initializer("b", [columns], bias)
            .Initializer("axis1", [1], new long[] { 1 })
            .Initializer("axis2", [1], new long[] { 2 })
            .Node("Gather", ["embeddings", "input_ids"], ["e"], Attribute.Int("axis", 0))
            .Node("Cast", ["token_type_ids"], ["t"], Attribute.Int("to", 1))
            .Node("Unsqueeze", ["t", "axis2"], ["tu"])
            .Node("Mul", ["e", "tu"], ["pe"])
            .Node("Sub", ["e", "pe"], ["qe"])
            .Node("ReduceSum", ["qe", "axis1"], ["q"], Attribute.Int("keepdims", 0))
            .Node("ReduceSum", ["pe", "axis1"], ["p"], Attribute.Int("keepdims", 0))
            .Node("Mul", ["q", "p"], ["f"])
            .Node("MatMul", ["f", "w"], ["raw"])
            .Node("Add", ["raw", "b"], ["logits"])
            .Input("input_ids").Input("attention_mask").Input("token_type_ids")
            .Output("logits", "batch", columns)
            .ToModel();
    }

    /// <summary>
    /// A cross-encoder without token_type_ids (XLM-R style) over ids 0..<paramref name="vocabSize"/>-1: the logit is
    /// the sum of one weight per token, so it runs end to end on any pair.
    /// </summary>
    public static byte[] BuildTokenSumScorer(int vocabSize, int padId) =>
        new Graph("tiny_sum_scorer")
            .Initializer("embeddings", [vocabSize, 1], TokenSumWeights(vocabSize, padId))
            .Initializer("axis1", [1], new long[] { 1 })
            .Node("Gather", ["embeddings", "input_ids"], ["e"], Attribute.Int("axis", 0))
            .Node("ReduceSum", ["e", "axis1"], ["logits"], Attribute.Int("keepdims", 0))
            .Input("input_ids").Input("attention_mask")
            .Output("logits", "batch", 1)
            .ToModel();

    /// <summary>The per-token weights of <see cref="BuildTokenSumScorer"/> (padding weighs nothing).</summary>
    public static float[] TokenSumWeights(int vocabSize, int padId)
    {
        var random = new Random(11);
        return Enumerable.Range(0, vocabSize).Select(i => (float)(random.NextDouble() - 0.5)).Select((w, i) => i == padId ? 0f : w).ToArray();
    }

    private const int FloatType = 1, Int64Type = 7;

    /// <summary>AttributeProto { name = 1, i = 3, type = 20 (INT = 2) }.</summary>
    private sealed record Attribute(Proto Message)
    {
        public static Attribute Int(string name, long value) => new(new Proto().String(1, name).Varint(3, value).Varint(20, 2));
    }

    /// <summary>GraphProto { node = 1, name = 2, initializer = 5, input = 11, output = 12 } inside a ModelProto.</summary>
    private sealed class Graph(string name)
    {
        private readonly List<Proto> _nodes = [], _initializers = [], _inputs = [], _outputs = [];

        public Graph Initializer(string tensor, long[] dims, float[] values) =>
            AddInitializer(tensor, dims, FloatType, values.SelectMany(BitConverter.GetBytes).ToArray());

        public Graph Initializer(string tensor, long[] dims, long[] values) =>
            AddInitializer(tensor, dims, Int64Type, values.SelectMany(BitConverter.GetBytes).ToArray());

        private Graph AddInitializer(string tensor, long[] dims, int type, byte[] raw)
        {
            var t = new Proto();
            foreach (var d in dims) t.Varint(1, d); // dims
            _initializers.Add(t.Varint(2, type).String(8, tensor).Bytes(9, raw)); // data_type, name, raw_data (little endian)
            return this;
        }

        /// <summary>NodeProto { input = 1, output = 2, name = 3, op_type = 4, attribute = 5 }.</summary>
        public Graph Node(string op, string[] inputs, string[] outputs, params Attribute[] attributes)
        {
            var node = new Proto();
            foreach (var i in inputs) node.String(1, i);
            foreach (var o in outputs) node.String(2, o);
            node.String(3, op.ToLowerInvariant() + _nodes.Count).String(4, op);
            foreach (var a in attributes) node.Message(5, a.Message);
            _nodes.Add(node);
            return this;
        }

        public Graph Input(string input)
        {
            _inputs.Add(ValueInfo(input, Int64Type, "batch", "sequence"));
            return this;
        }

        public Graph Output(string output, params object[] dims)
        {
            _outputs.Add(ValueInfo(output, FloatType, dims));
            return this;
        }

        public byte[] ToModel()
        {
            var graph = new Proto();
            foreach (var n in _nodes) graph.Message(1, n);
            graph.String(2, name);
            foreach (var i in _initializers) graph.Message(5, i);
            foreach (var i in _inputs) graph.Message(11, i);
            foreach (var o in _outputs) graph.Message(12, o);
            return new Proto()
                .Varint(1, 8)                  // ir_version
                .String(2, "knowledgeportal-tests")
                .Message(7, graph)
                .Message(8, new Proto().String(1, "").Varint(2, 13)) // opset_import: default domain, opset 13
                .ToArray();
        }
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
