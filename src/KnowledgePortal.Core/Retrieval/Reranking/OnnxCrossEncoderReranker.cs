using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Onnx;

namespace KnowledgePortal.Core.Retrieval.Reranking;

/// <summary>Settings for <see cref="OnnxCrossEncoderReranker"/>.</summary>
public sealed class OnnxCrossEncoderRerankerOptions
{
    /// <summary>Id shown in <see cref="IReranker.Name"/>; defaults to the model folder's name.</summary>
    public string? ModelId { get; set; }

    /// <summary>Tokens per (query, passage) pair including the special tokens; the passage is cut to fit. Default 512.</summary>
    public int MaxSequenceLength { get; set; } = 512;

    /// <summary>Pairs per ONNX Runtime call (bounds memory). Default 16.</summary>
    public int MaxBatchSize { get; set; } = 16;

    /// <summary>Lower-case before WordPiece; null reads the model folder's tokenizer settings. Unused for SentencePiece.</summary>
    public bool? LowerCase { get; set; }

    /// <summary>Intra-op threads for ONNX Runtime; null lets it decide.</summary>
    public int? IntraOpNumThreads { get; set; }
}

/// <summary>
/// In-process cross-encoder reranker: a sequence-classification model exported to ONNX (bge-reranker-v2-m3 with its
/// XLM-R SentencePiece tokenizer; ruri-reranker or japanese-reranker-cross-encoder with a BERT WordPiece vocabulary),
/// supplied as a folder with <c>model.onnx</c> and the tokenizer files <see cref="OnnxTextTokenizer"/> accepts.
/// </summary>
/// <remarks>
/// <para>Each (query, passage) pair is encoded as the family was trained: <c>[CLS] q [SEP] p [SEP]</c> with
/// token_type_ids 0 then 1 (BERT), or <c>&lt;s&gt; q &lt;/s&gt;&lt;/s&gt; p &lt;/s&gt;</c> (XLM-R), cut on the passage
/// side to <see cref="OnnxCrossEncoderRerankerOptions.MaxSequenceLength"/>, and scored in batches padded to their longest
/// pair.</para>
/// <para>The output is <c>logits</c> when the model has it, otherwise its first output: <c>[batch, 1]</c> (or
/// <c>[batch]</c>) gives sigmoid(logit); <c>[batch, 2]</c> gives the softmax probability of the last (relevant) class.
/// Scores are thus in [0, 1], as the HTTP rerank APIs return them, and independent of how pairs are batched.</para>
/// <para>Runs in the process, so text never leaves it: on premises, cleared for Secret. Thread-safe.</para>
/// </remarks>
public sealed class OnnxCrossEncoderReranker : IReranker, IDisposable
{
    /// <summary>Required model file name inside the folder.</summary>
    public const string ModelFileName = "model.onnx";

    private readonly OnnxEncoderSession _session;
    private readonly OnnxCrossEncoderRerankerOptions _options;
    private readonly string _outputName;
    private bool _disposed;

    /// <summary>Loads the model folder. Throws <see cref="DirectoryNotFoundException"/> or <see cref="FileNotFoundException"/>
    /// when something is missing, <see cref="InvalidDataException"/> or <see cref="NotSupportedException"/> when a file
    /// cannot be used.</summary>
    public OnnxCrossEncoderReranker(string modelDirectory, OnnxCrossEncoderRerankerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelDirectory);
        var o = options ?? new OnnxCrossEncoderRerankerOptions();
        _options = new OnnxCrossEncoderRerankerOptions
        {
            ModelId = o.ModelId, MaxSequenceLength = o.MaxSequenceLength, MaxBatchSize = o.MaxBatchSize,
            LowerCase = o.LowerCase, IntraOpNumThreads = o.IntraOpNumThreads,
        };
        if (_options.MaxSequenceLength < 8)
            throw new ArgumentOutOfRangeException(nameof(options), _options.MaxSequenceLength, "MaxSequenceLength must be at least 8.");
        if (_options.MaxBatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(options), _options.MaxBatchSize, "MaxBatchSize must be at least 1.");

        var directory = Path.GetFullPath(modelDirectory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException(
                $"The ONNX reranker folder '{directory}' does not exist. It must contain {ModelFileName} and {OnnxTextTokenizer.AcceptedFiles}.");
        var modelPath = Path.Combine(directory, ModelFileName);
        if (!File.Exists(modelPath))
            throw new FileNotFoundException(
                $"The ONNX reranker folder '{directory}' has no {ModelFileName}. Export the cross-encoder (sequence classification) to ONNX under that name.", modelPath);

        ModelId = string.IsNullOrWhiteSpace(_options.ModelId) ? new DirectoryInfo(directory).Name : _options.ModelId;
        Tokenizer = OnnxTextTokenizer.Load(directory, _options.LowerCase);
        _session = OnnxEncoderSession.Open(modelPath, _options.IntraOpNumThreads);
        try
        {
            _outputName = _session.PickOutput("logits");
            var meta = _session.Session.OutputMetadata[_outputName];
            if (meta.ElementType != typeof(float))
                throw new NotSupportedException($"The ONNX reranker output '{_outputName}' has element type {meta.ElementType.Name}; float32 is required.");
            if (meta.Dimensions.Length is not (1 or 2) || (meta.Dimensions.Length == 2 && meta.Dimensions[1] is > 2 or 0))
                throw new NotSupportedException(
                    $"The ONNX reranker output '{_outputName}' has shape [{string.Join(", ", meta.Dimensions)}]; [batch, 1], [batch, 2] or [batch] logits are required.");
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    public string ModelId { get; }

    /// <inheritdoc />
    public string Name => "onnx:" + ModelId;

    /// <inheritdoc />
    public ProviderLocation Location => ProviderLocation.OnPremises;

    /// <inheritdoc />
    public SensitivityLabel MaxSensitivity => SensitivityLabel.Secret;

    /// <summary>The tokenizer loaded from the folder.</summary>
    public OnnxTextTokenizer Tokenizer { get; }

    /// <inheritdoc />
    public Task<IReadOnlyList<double>> ScoreAsync(string query, IReadOnlyList<string> passages, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(passages);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (passages.Count == 0) return Task.FromResult<IReadOnlyList<double>>([]);
        // CPU-bound for up to seconds: off the caller's thread (a Blazor circuit must stay responsive).
        return Task.Run(() => Score(query, passages, ct), ct);
    }

    /// <summary>The ids and token types fed to the model for one pair.</summary>
    internal EncodedSequence EncodePair(string query, string passage) => Tokenizer.EncodePair(query, passage ?? string.Empty, _options.MaxSequenceLength);

    private IReadOnlyList<double> Score(string query, IReadOnlyList<string> passages, CancellationToken ct)
    {
        var scores = new double[passages.Count];
        for (int start = 0; start < passages.Count; start += _options.MaxBatchSize)
        {
            ct.ThrowIfCancellationRequested();
            int count = Math.Min(_options.MaxBatchSize, passages.Count - start);
            var rows = new List<EncodedSequence>(count);
            for (int i = 0; i < count; i++) rows.Add(EncodePair(query, passages[start + i]));
            var batch = PaddedBatch.From(rows, Tokenizer.PaddingId);

            using var outputs = _session.Run(batch, _outputName);
            var shape = outputs[0].GetTensorTypeAndShape().Shape;
            var logits = outputs[0].GetTensorDataAsSpan<float>();
            int columns = shape.Length == 1 ? 1 : checked((int)shape[1]);
            if (shape[0] != count || columns is not (1 or 2))
                throw new InvalidDataException($"Unexpected ONNX reranker output shape [{string.Join(", ", shape)}] for a batch of {count}.");
            for (int i = 0; i < count; i++)
            {
                scores[start + i] = columns == 1
                    ? Sigmoid(logits[i])
                    : Sigmoid((double)logits[i * 2 + 1] - logits[i * 2]); // softmax of two classes = sigmoid of their difference
            }
        }
        return scores;
    }

    private static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _session.Dispose();
    }
}
