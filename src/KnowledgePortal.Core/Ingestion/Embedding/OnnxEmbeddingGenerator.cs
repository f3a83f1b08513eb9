using KnowledgePortal.Core.Onnx;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;

namespace KnowledgePortal.Core.Ingestion.Embedding;

/// <summary>
/// Local sentence-embedding model: a BERT or XLM-R encoder exported to ONNX plus its tokenizer, supplied by the
/// administrator as a folder containing <c>model.onnx</c> and one of <c>sentencepiece.bpe.model</c>, <c>vocab.txt</c> or
/// <c>tokenizer.json</c> (see <see cref="OnnxTextTokenizer"/>).
/// </summary>
/// <remarks>
/// <para>Each text gets <see cref="OnnxEmbeddingGeneratorOptions.QueryPrefix"/> or
/// <see cref="OnnxEmbeddingGeneratorOptions.PassagePrefix"/> by the <see cref="EmbeddingInputKind"/> in the request options
/// (<see cref="EmbeddingInput"/>; passage when unset), is tokenised with the family's special tokens ([CLS] text [SEP] or
/// &lt;s&gt; text &lt;/s&gt;), truncated to <see cref="OnnxEmbeddingGeneratorOptions.MaxSequenceLength"/> and padded to
/// the longest text of the batch. Only the inputs the model declares are fed: <c>input_ids</c> (required),
/// <c>attention_mask</c> and <c>token_type_ids</c> (all zeros), as int64 or int32 <c>[batch, sequence]</c> tensors.</para>
/// <para>The output used is <c>last_hidden_state</c> when the model has it, otherwise its first output. A
/// <c>[batch, sequence, dim]</c> output is pooled as <see cref="OnnxEmbeddingGeneratorOptions.Pooling"/> says (mean over
/// the attention mask, or the first token); a <c>[batch, dim]</c> output is taken as already pooled. Vectors are
/// L2-normalised.</para>
/// <para>Thread-safe: ONNX Runtime sessions and the tokenizers support concurrent use.</para>
/// </remarks>
public sealed class OnnxEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>Required model file name inside the folder.</summary>
    public const string ModelFileName = "model.onnx";

    /// <summary>The WordPiece vocabulary file name (one of the accepted tokenizer files).</summary>
    public const string VocabFileName = OnnxTextTokenizer.VocabFileName;

    private readonly OnnxEncoderSession _session;
    private readonly OnnxTextTokenizer _tokenizer;
    private readonly OnnxEmbeddingGeneratorOptions _options;
    private readonly string _outputName;
    private readonly EmbeddingGeneratorMetadata _metadata;
    private bool _disposed;

    /// <summary>Loads the model folder. Throws <see cref="DirectoryNotFoundException"/> or
    /// <see cref="FileNotFoundException"/> with an explanatory message when something is missing,
    /// <see cref="InvalidDataException"/> or <see cref="NotSupportedException"/> when a file cannot be used.</summary>
    public OnnxEmbeddingGenerator(string modelDirectory, OnnxEmbeddingGeneratorOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelDirectory);
        _options = (options ?? new OnnxEmbeddingGeneratorOptions()).Clone(); // later changes to the caller's object do not leak in
        if (_options.MaxSequenceLength < 3)
            throw new ArgumentOutOfRangeException(nameof(options), _options.MaxSequenceLength, "MaxSequenceLength must be at least 3.");
        if (_options.MaxBatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(options), _options.MaxBatchSize, "MaxBatchSize must be at least 1.");

        var directory = Path.GetFullPath(modelDirectory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException(
                $"The ONNX embedding model folder '{directory}' does not exist. Point Embedding:OnnxModelPath at a folder containing {ModelFileName} and {OnnxTextTokenizer.AcceptedFiles}.");
        var modelPath = Path.Combine(directory, ModelFileName);
        if (!File.Exists(modelPath))
            throw new FileNotFoundException(
                $"The ONNX embedding model folder '{directory}' has no {ModelFileName}. Export the encoder to ONNX and save it under that name.", modelPath);

        ModelId = string.IsNullOrWhiteSpace(_options.ModelId) ? new DirectoryInfo(directory).Name : _options.ModelId;
        _tokenizer = OnnxTextTokenizer.Load(directory, _options.LowerCase);
        _session = OnnxEncoderSession.Open(modelPath, _options.IntraOpNumThreads);
        try
        {
            _outputName = _session.PickOutput("last_hidden_state");
            Dimension = ProbeDimension();
        }
        catch
        {
            _session.Dispose();
            throw;
        }
        _metadata = new EmbeddingGeneratorMetadata("onnx", new Uri(directory + Path.DirectorySeparatorChar), ModelId, Dimension);
    }

    /// <summary>Model id recorded with vectors.</summary>
    public string ModelId { get; }

    /// <summary>Length of the produced vectors.</summary>
    public int Dimension { get; }

    /// <summary>The tokenizer loaded from the folder (its <see cref="OnnxTextTokenizer.Description"/> says which file).</summary>
    public OnnxTextTokenizer Tokenizer => _tokenizer;

    /// <inheritdoc />
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (options?.Dimensions is { } requested && requested != Dimension)
            throw new NotSupportedException($"The ONNX model '{ModelId}' produces {Dimension} dimensions (requested {requested}).");

        var prefix = EmbeddingInput.KindOf(options) == EmbeddingInputKind.Query ? _options.QueryPrefix : _options.PassagePrefix;
        var texts = values.Select(v => string.IsNullOrEmpty(prefix) ? v ?? string.Empty : prefix + v).ToList();
        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Count);
        var now = DateTimeOffset.UtcNow;
        for (int start = 0; start < texts.Count; start += _options.MaxBatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var slice = texts.GetRange(start, Math.Min(_options.MaxBatchSize, texts.Count - start));
            foreach (var vector in Run(slice))
                result.Add(new Embedding<float>(vector) { ModelId = ModelId, CreatedAt = now });
        }
        return Task.FromResult(result);
    }

    /// <summary>The ids fed to the model for <paramref name="text"/> (prefix included), for diagnostics and tests.</summary>
    internal int[] EncodeForModel(string text, EmbeddingInputKind kind)
    {
        var prefix = kind == EmbeddingInputKind.Query ? _options.QueryPrefix : _options.PassagePrefix;
        return _tokenizer.EncodeSingle((prefix ?? string.Empty) + text, _options.MaxSequenceLength).Ids;
    }

    private int ProbeDimension()
    {
        var meta = _session.Session.OutputMetadata[_outputName];
        if (meta.ElementType != typeof(float))
            throw new NotSupportedException($"The ONNX model output '{_outputName}' has element type {meta.ElementType.Name}; float32 is required.");
        if (meta.Dimensions.Length is not (2 or 3))
            throw new NotSupportedException($"The ONNX model output '{_outputName}' has rank {meta.Dimensions.Length}; [batch, sequence, dim] or [batch, dim] is required.");
        int last = meta.Dimensions[^1];
        return last > 0 ? last : Run(["probe"])[0].Length;
    }

    private List<float[]> Run(List<string> texts)
    {
        var batch = PaddedBatch.From(texts.Select(t => _tokenizer.EncodeSingle(t, _options.MaxSequenceLength)).ToList(), _tokenizer.PaddingId);
        using var outputs = _session.Run(batch, _outputName);
        var output = outputs[0];
        var outShape = output.GetTensorTypeAndShape().Shape;
        var values = output.GetTensorDataAsSpan<float>();
        return outShape.Length == 3
            ? Pool(values, outShape, batch)
            : Pooled(values, outShape, batch.Batch);
    }

    private List<float[]> Pool(ReadOnlySpan<float> hidden, long[] shape, PaddedBatch batch)
    {
        int rows = batch.Batch, seq = batch.Sequence;
        if (shape[0] != rows || shape[1] != seq)
            throw new InvalidDataException($"Unexpected ONNX output shape [{string.Join(", ", shape)}] for input [{rows}, {seq}].");
        int dim = checked((int)shape[2]);
        var mask = batch.AttentionMask;
        var result = new List<float[]>(rows);
        for (int b = 0; b < rows; b++)
        {
            float[] v;
            if (_options.Pooling == OnnxPooling.Cls)
            {
                v = hidden.Slice(b * seq * dim, dim).ToArray();
            }
            else
            {
                v = new float[dim];
                int count = 0;
                for (int s = 0; s < seq; s++)
                {
                    if (mask[b * seq + s] == 0) continue;
                    count++;
                    var row = hidden.Slice((b * seq + s) * dim, dim);
                    for (int d = 0; d < dim; d++) v[d] += row[d];
                }
                if (count > 0)
                    for (int d = 0; d < dim; d++) v[d] /= count;
            }
            Normalize(v);
            result.Add(v);
        }
        return result;
    }

    private static List<float[]> Pooled(ReadOnlySpan<float> pooled, long[] shape, int batch)
    {
        if (shape.Length != 2 || shape[0] != batch)
            throw new InvalidDataException($"Unexpected ONNX output shape [{string.Join(", ", shape)}] for a batch of {batch}.");
        int dim = checked((int)shape[1]);
        var result = new List<float[]>(batch);
        for (int b = 0; b < batch; b++)
        {
            var v = pooled.Slice(b * dim, dim).ToArray();
            Normalize(v);
            result.Add(v);
        }
        return result;
    }

    private static void Normalize(float[] v)
    {
        double sum = 0;
        foreach (var x in v) sum += (double)x * x;
        if (sum <= 1e-24) return;
        float inv = (float)(1.0 / Math.Sqrt(sum));
        for (int i = 0; i < v.Length; i++) v[i] *= inv;
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(EmbeddingGeneratorMetadata)) return _metadata;
        if (serviceType == typeof(InferenceSession)) return _session.Session;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _session.Dispose();
    }
}
