using Microsoft.ML.OnnxRuntime;

namespace KnowledgePortal.Core.Onnx;

/// <summary>Rows of a batch padded to the longest: <c>[batch, sequence]</c> int64 tensors in row-major order.</summary>
internal sealed class PaddedBatch
{
    private PaddedBatch(int batch, int sequence, long[] inputIds, long[] attentionMask, long[] tokenTypeIds)
    {
        Batch = batch;
        Sequence = sequence;
        InputIds = inputIds;
        AttentionMask = attentionMask;
        TokenTypeIds = tokenTypeIds;
    }

    public int Batch { get; }
    public int Sequence { get; }
    public long[] InputIds { get; }
    public long[] AttentionMask { get; }
    public long[] TokenTypeIds { get; }

    public static PaddedBatch From(IReadOnlyList<EncodedSequence> rows, int paddingId)
    {
        int batch = rows.Count, seq = rows.Max(r => r.Length);
        var ids = new long[batch * seq];
        var mask = new long[batch * seq];
        var types = new long[batch * seq];
        Array.Fill(ids, paddingId);
        for (int b = 0; b < batch; b++)
        {
            var row = rows[b];
            for (int s = 0; s < row.Length; s++)
            {
                ids[b * seq + s] = row.Ids[s];
                mask[b * seq + s] = 1;
                types[b * seq + s] = row.TypeIds[s];
            }
        }
        return new PaddedBatch(batch, seq, ids, mask, types);
    }
}

/// <summary>
/// An ONNX Runtime session over a BERT-style encoder (embedder or cross-encoder): loads with explanatory errors, checks
/// the declared inputs and feeds only those (<c>input_ids</c> required; <c>attention_mask</c>, <c>token_type_ids</c>
/// optional; int64 or int32). Thread-safe, as ONNX Runtime sessions are.
/// </summary>
internal sealed class OnnxEncoderSession : IDisposable
{
    private static readonly string[] SupportedInputs = ["input_ids", "attention_mask", "token_type_ids"];

    private OnnxEncoderSession(InferenceSession session) => Session = session;

    public InferenceSession Session { get; }

    /// <summary>Loads <paramref name="modelPath"/>; <see cref="InvalidDataException"/> when ONNX Runtime cannot, <see cref="NotSupportedException"/> for unexpected inputs.</summary>
    public static OnnxEncoderSession Open(string modelPath, int? intraOpNumThreads)
    {
        using var sessionOptions = new SessionOptions();
        if (intraOpNumThreads is { } threads) sessionOptions.IntraOpNumThreads = threads;
        InferenceSession session;
        try
        {
            session = new InferenceSession(modelPath, sessionOptions);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new InvalidDataException($"'{modelPath}' could not be loaded by ONNX Runtime: {ex.Message}", ex);
        }
        try
        {
            ValidateInputs(session);
        }
        catch
        {
            session.Dispose();
            throw;
        }
        return new OnnxEncoderSession(session);
    }

    private static void ValidateInputs(InferenceSession session)
    {
        if (!session.InputMetadata.ContainsKey("input_ids"))
            throw new NotSupportedException(
                $"The ONNX model has no 'input_ids' input (inputs: {string.Join(", ", session.InputMetadata.Keys)}); a BERT-style encoder is required.");
        foreach (var (name, meta) in session.InputMetadata)
        {
            if (!SupportedInputs.Contains(name))
                throw new NotSupportedException($"The ONNX model declares input '{name}', which is not supported (expected {string.Join(", ", SupportedInputs)}).");
            if (meta.ElementType != typeof(long) && meta.ElementType != typeof(int))
                throw new NotSupportedException($"The ONNX model input '{name}' has element type {meta.ElementType.Name}; int64 or int32 is required.");
        }
    }

    /// <summary>The first of <paramref name="preferred"/> the model outputs, otherwise its first output.</summary>
    public string PickOutput(params string[] preferred) =>
        preferred.FirstOrDefault(Session.OutputMetadata.ContainsKey) ?? Session.OutputNames[0];

    /// <summary>Runs <paramref name="batch"/> and returns <paramref name="outputName"/>; the caller disposes the result.</summary>
    public IDisposableReadOnlyCollection<OrtValue> Run(PaddedBatch batch, string outputName)
    {
        long[] shape = [batch.Batch, batch.Sequence];
        var inputs = new Dictionary<string, OrtValue>();
        try
        {
            foreach (var (name, meta) in Session.InputMetadata)
            {
                long[] data = name switch
                {
                    "input_ids" => batch.InputIds,
                    "attention_mask" => batch.AttentionMask,
                    _ => batch.TokenTypeIds,
                };
                inputs[name] = meta.ElementType == typeof(int)
                    ? OrtValue.CreateTensorValueFromMemory(Array.ConvertAll(data, x => (int)x), shape)
                    : OrtValue.CreateTensorValueFromMemory(data, shape);
            }
            using var runOptions = new RunOptions();
            return Session.Run(runOptions, inputs, [outputName]);
        }
        finally
        {
            foreach (var value in inputs.Values) value.Dispose();
        }
    }

    public void Dispose() => Session.Dispose();
}
