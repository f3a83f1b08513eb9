using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;

namespace KnowledgePortal.Core.Ingestion.Embedding;

/// <summary>Settings for <see cref="OnnxEmbeddingGenerator"/>.</summary>
public sealed class OnnxEmbeddingGeneratorOptions
{
    /// <summary>Model id recorded with vectors; defaults to the model folder's name.</summary>
    public string? ModelId { get; set; }

    /// <summary>Tokens per text including [CLS] and [SEP]; longer texts are truncated. Default 256.</summary>
    public int MaxSequenceLength { get; set; } = 256;

    /// <summary>
    /// Lower-case before WordPiece. Null (default) reads <c>do_lower_case</c> from <c>tokenizer_config.json</c> in the
    /// model folder when present, otherwise true (uncased models).
    /// </summary>
    public bool? LowerCase { get; set; }

    /// <summary>Texts per ONNX Runtime call (bounds memory); larger requests are processed in slices.</summary>
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>Intra-op threads for ONNX Runtime; null lets it decide.</summary>
    public int? IntraOpNumThreads { get; set; }
}

/// <summary>
/// Local sentence-embedding model: a BERT-style encoder exported to ONNX plus its WordPiece vocabulary, supplied by
/// the administrator as a folder containing <c>model.onnx</c> and <c>vocab.txt</c>.
/// </summary>
/// <remarks>
/// <para>Texts are tokenised with <see cref="BertTokenizer"/> ([CLS] text [SEP], truncated to
/// <see cref="OnnxEmbeddingGeneratorOptions.MaxSequenceLength"/>, padded with [PAD] to the longest text of the
/// batch). Only the inputs the model declares are fed: <c>input_ids</c> (required), <c>attention_mask</c> and
/// <c>token_type_ids</c> (all zeros), as int64 or int32 <c>[batch, sequence]</c> tensors.</para>
/// <para>The output used is <c>last_hidden_state</c> when the model has it, otherwise its first output. A
/// <c>[batch, sequence, dim]</c> output is mean-pooled over the attention mask; a <c>[batch, dim]</c> output is taken
/// as already pooled. Vectors are L2-normalised.</para>
/// <para>Thread-safe: ONNX Runtime sessions and the tokenizer support concurrent use.</para>
/// </remarks>
public sealed class OnnxEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>Required model file name inside the folder.</summary>
    public const string ModelFileName = "model.onnx";

    /// <summary>Required vocabulary file name inside the folder.</summary>
    public const string VocabFileName = "vocab.txt";

    private readonly InferenceSession _session;
    private readonly BertTokenizer _tokenizer;
    private readonly OnnxEmbeddingGeneratorOptions _options;
    private readonly string _outputName;
    private readonly string[] _outputNames;
    private readonly EmbeddingGeneratorMetadata _metadata;
    private bool _disposed;

    /// <summary>Loads the model folder. Throws <see cref="DirectoryNotFoundException"/> or
    /// <see cref="FileNotFoundException"/> with an explanatory message when something is missing.</summary>
    public OnnxEmbeddingGenerator(string modelDirectory, OnnxEmbeddingGeneratorOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelDirectory);
        _options = options ?? new OnnxEmbeddingGeneratorOptions();
        if (_options.MaxSequenceLength < 3)
            throw new ArgumentOutOfRangeException(nameof(options), _options.MaxSequenceLength, "MaxSequenceLength must be at least 3.");
        if (_options.MaxBatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(options), _options.MaxBatchSize, "MaxBatchSize must be at least 1.");

        var directory = Path.GetFullPath(modelDirectory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException(
                $"The ONNX embedding model folder '{directory}' does not exist. Point Embedding:OnnxModelPath at a folder containing {ModelFileName} and {VocabFileName}.");
        var modelPath = Path.Combine(directory, ModelFileName);
        var vocabPath = Path.Combine(directory, VocabFileName);
        if (!File.Exists(modelPath))
            throw new FileNotFoundException(
                $"The ONNX embedding model folder '{directory}' has no {ModelFileName}. Export the encoder to ONNX and save it under that name.", modelPath);
        if (!File.Exists(vocabPath))
            throw new FileNotFoundException(
                $"The ONNX embedding model folder '{directory}' has no {VocabFileName}. Copy the model's WordPiece vocabulary there under that name.", vocabPath);

        ModelId = string.IsNullOrWhiteSpace(_options.ModelId) ? new DirectoryInfo(directory).Name : _options.ModelId;
        _tokenizer = BertTokenizer.Create(vocabPath, new BertOptions
        {
            LowerCaseBeforeTokenization = _options.LowerCase ?? ReadDoLowerCase(directory) ?? true,
        });

        using var sessionOptions = new SessionOptions();
        if (_options.IntraOpNumThreads is { } threads) sessionOptions.IntraOpNumThreads = threads;
        try
        {
            _session = new InferenceSession(modelPath, sessionOptions);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new InvalidDataException($"'{modelPath}' could not be loaded by ONNX Runtime: {ex.Message}", ex);
        }

        try
        {
            ValidateInputs();
            _outputName = _session.OutputMetadata.ContainsKey("last_hidden_state")
                ? "last_hidden_state"
                : _session.OutputNames[0];
            _outputNames = [_outputName];
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

    /// <inheritdoc />
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (options?.Dimensions is { } requested && requested != Dimension)
            throw new NotSupportedException($"The ONNX model '{ModelId}' produces {Dimension} dimensions (requested {requested}).");

        var texts = values.Select(v => v ?? string.Empty).ToList();
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

    private void ValidateInputs()
    {
        if (!_session.InputMetadata.ContainsKey("input_ids"))
            throw new NotSupportedException(
                $"The ONNX model has no 'input_ids' input (inputs: {string.Join(", ", _session.InputMetadata.Keys)}); a BERT-style encoder is required.");
        foreach (var (name, meta) in _session.InputMetadata)
        {
            if (name is not ("input_ids" or "attention_mask" or "token_type_ids"))
                throw new NotSupportedException($"The ONNX model declares input '{name}', which is not supported (expected input_ids, attention_mask, token_type_ids).");
            if (meta.ElementType != typeof(long) && meta.ElementType != typeof(int))
                throw new NotSupportedException($"The ONNX model input '{name}' has element type {meta.ElementType.Name}; int64 or int32 is required.");
        }
    }

    private int ProbeDimension()
    {
        var meta = _session.OutputMetadata[_outputName];
        if (meta.ElementType != typeof(float))
            throw new NotSupportedException($"The ONNX model output '{_outputName}' has element type {meta.ElementType.Name}; float32 is required.");
        if (meta.Dimensions.Length is not (2 or 3))
            throw new NotSupportedException($"The ONNX model output '{_outputName}' has rank {meta.Dimensions.Length}; [batch, sequence, dim] or [batch, dim] is required.");
        int last = meta.Dimensions[^1];
        return last > 0 ? last : Run(["probe"])[0].Length;
    }

    private List<float[]> Run(List<string> texts)
    {
        int batch = texts.Count;
        var encoded = new List<int[]>(batch);
        int maxContent = _options.MaxSequenceLength - 2;
        foreach (var text in texts)
        {
            // Stops encoding once maxContent tokens are produced, so very long texts cost no more than short ones.
            var ids = _tokenizer.EncodeToIds(text, maxContent, addSpecialTokens: false, out _, out _);
            int n = Math.Min(ids.Count, maxContent);
            var withSpecials = new int[n + 2];
            withSpecials[0] = _tokenizer.ClassificationTokenId;
            for (int i = 0; i < n; i++) withSpecials[i + 1] = ids[i];
            withSpecials[n + 1] = _tokenizer.SeparatorTokenId;
            encoded.Add(withSpecials);
        }
        int seq = encoded.Max(e => e.Length);

        var inputIds = new long[batch * seq];
        var mask = new long[batch * seq];
        Array.Fill(inputIds, _tokenizer.PaddingTokenId);
        for (int b = 0; b < batch; b++)
        {
            var e = encoded[b];
            for (int s = 0; s < e.Length; s++)
            {
                inputIds[b * seq + s] = e[s];
                mask[b * seq + s] = 1;
            }
        }

        long[] shape = [batch, seq];
        var inputs = new Dictionary<string, OrtValue>();
        try
        {
            foreach (var (name, meta) in _session.InputMetadata)
            {
                long[] data = name switch
                {
                    "input_ids" => inputIds,
                    "attention_mask" => mask,
                    _ => new long[batch * seq], // token_type_ids: single segment
                };
                inputs[name] = meta.ElementType == typeof(int)
                    ? OrtValue.CreateTensorValueFromMemory(Array.ConvertAll(data, x => (int)x), shape)
                    : OrtValue.CreateTensorValueFromMemory(data, shape);
            }

            using var runOptions = new RunOptions();
            using var outputs = _session.Run(runOptions, inputs, _outputNames);
            var output = outputs[0];
            var outShape = output.GetTensorTypeAndShape().Shape;
            var values = output.GetTensorDataAsSpan<float>();
            return outShape.Length == 3
                ? MeanPool(values, outShape, mask, batch, seq)
                : Pooled(values, outShape, batch);
        }
        finally
        {
            foreach (var value in inputs.Values) value.Dispose();
        }
    }

    private static List<float[]> MeanPool(ReadOnlySpan<float> hidden, long[] shape, long[] mask, int batch, int seq)
    {
        if (shape[0] != batch || shape[1] != seq)
            throw new InvalidDataException($"Unexpected ONNX output shape [{string.Join(", ", shape)}] for input [{batch}, {seq}].");
        int dim = checked((int)shape[2]);
        var result = new List<float[]>(batch);
        for (int b = 0; b < batch; b++)
        {
            var v = new float[dim];
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

    private static bool? ReadDoLowerCase(string directory)
    {
        var path = Path.Combine(directory, "tokenizer_config.json");
        if (!File.Exists(path)) return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            if (doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("do_lower_case", out var value)
                && value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                return value.GetBoolean();
        }
        catch (JsonException)
        {
            // Not our file to validate; fall back to the default.
        }
        return null;
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(EmbeddingGeneratorMetadata)) return _metadata;
        if (serviceType == typeof(InferenceSession)) return _session;
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
