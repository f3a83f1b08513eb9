using System.Text.Json;

namespace KnowledgePortal.Core.Onnx;

/// <summary>How a model family puts special tokens around one text or a pair of texts.</summary>
public enum OnnxSequenceFormat
{
    /// <summary>BERT: <c>[CLS] a [SEP]</c>, pairs <c>[CLS] a [SEP] b [SEP]</c> with token_type_ids 0 then 1.</summary>
    Bert,

    /// <summary>RoBERTa / XLM-R: <c>&lt;s&gt; a &lt;/s&gt;</c>, pairs <c>&lt;s&gt; a &lt;/s&gt;&lt;/s&gt; b &lt;/s&gt;</c>, token_type_ids all 0.</summary>
    Roberta,
}

/// <summary>One model input row: token ids and the segment (token_type_ids value) of each.</summary>
public sealed record EncodedSequence(int[] Ids, int[] TypeIds)
{
    public int Length => Ids.Length;
}

/// <summary>
/// The tokenizer of a Hugging Face model folder, shared by the ONNX embedder and the ONNX cross-encoder: text to the
/// ids the model was trained on, with the family's special tokens.
/// </summary>
/// <remarks>
/// <para><see cref="Load"/> looks for, in this order (the first two are read natively by Microsoft.ML.Tokenizers):</para>
/// <list type="number">
/// <item><c>sentencepiece.bpe.model</c>: an XLM-R SentencePiece model (multilingual-e5, bge-m3, bge-reranker-v2-m3),
/// ids mapped as Hugging Face's XLMRobertaTokenizer does (fairseq layout: &lt;s&gt;=0, &lt;pad&gt;=1, &lt;/s&gt;=2,
/// &lt;unk&gt;=3, every other piece its SentencePiece id + 1).</item>
/// <item><c>vocab.txt</c>: a BERT WordPiece vocabulary; lower-casing from <c>tokenizer_config.json</c>'s
/// <c>do_lower_case</c> unless given.</item>
/// <item><c>tokenizer.json</c> (Hugging Face fast tokenizer), for folders that ship only that file. Microsoft.ML.Tokenizers
/// 2.0.1 cannot load it generically, so two model types are converted: <c>WordPiece</c> (BERT family, BertNormalizer
/// settings honoured) and <c>Unigram</c> with &lt;s&gt; &lt;/s&gt; &lt;pad&gt; (XLM-R family; the Precompiled
/// normaliser and the Metaspace prefix are honoured). Byte-level BPE (GPT-2, RoBERTa-English), byte-fallback unigram
/// and other model types are refused with <see cref="NotSupportedException"/>.</item>
/// </list>
/// <para>Japanese BERT models that pre-split words with MeCab (BertJapaneseTokenizer) are tokenised without MeCab:
/// WordPiece then runs on whitespace- and punctuation-split text, which differs from the reference tokenizer.</para>
/// <para>Thread-safe.</para>
/// </remarks>
public abstract class OnnxTextTokenizer
{
    public const string SentencePieceFileName = "sentencepiece.bpe.model";
    public const string VocabFileName = "vocab.txt";
    public const string TokenizerJsonFileName = "tokenizer.json";

    /// <summary>Names of the files <see cref="Load"/> accepts, for messages.</summary>
    public const string AcceptedFiles = SentencePieceFileName + ", " + VocabFileName + " or " + TokenizerJsonFileName;

    private protected OnnxTextTokenizer(string description, OnnxSequenceFormat format, int startId, int separatorId, int paddingId)
    {
        Description = description;
        Format = format;
        StartId = startId;
        SeparatorId = separatorId;
        PaddingId = paddingId;
    }

    /// <summary>What was loaded, e.g. "sentencepiece.bpe.model (SentencePiece unigram, XLM-R ids)"; for diagnostics.</summary>
    public string Description { get; }

    public OnnxSequenceFormat Format { get; }

    /// <summary>[CLS] or &lt;s&gt;.</summary>
    public int StartId { get; }

    /// <summary>[SEP] or &lt;/s&gt;.</summary>
    public int SeparatorId { get; }

    /// <summary>[PAD] or &lt;pad&gt;, used to fill short rows of a batch.</summary>
    public int PaddingId { get; }

    /// <summary>Ids of <paramref name="text"/> without special tokens, cut after <paramref name="maxTokens"/>.</summary>
    public abstract IReadOnlyList<int> EncodeText(string text, int maxTokens);

    /// <summary><c>[CLS] text [SEP]</c> or <c>&lt;s&gt; text &lt;/s&gt;</c>, at most <paramref name="maxLength"/> ids in all.</summary>
    public EncodedSequence EncodeSingle(string text, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 3);
        var content = EncodeText(text ?? string.Empty, maxLength - 2);
        var ids = new List<int>(content.Count + 2) { StartId };
        ids.AddRange(content);
        ids.Add(SeparatorId);
        return new EncodedSequence([.. ids], new int[ids.Count]);
    }

    /// <summary>
    /// A (query, passage) pair in the family's format, at most <paramref name="maxLength"/> ids. The passage is cut to
    /// fit; the query keeps at most half of the room, so that a very long query cannot crowd the passage out.
    /// </summary>
    public EncodedSequence EncodePair(string first, string second, int maxLength)
    {
        int specials = Format == OnnxSequenceFormat.Bert ? 3 : 4;
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, specials + 2);
        int room = maxLength - specials;
        var a = EncodeText(first ?? string.Empty, room / 2);
        var b = EncodeText(second ?? string.Empty, room - a.Count);

        var ids = new List<int>(a.Count + b.Count + specials) { StartId };
        ids.AddRange(a);
        ids.Add(SeparatorId);
        if (Format == OnnxSequenceFormat.Roberta) ids.Add(SeparatorId);
        int secondStart = ids.Count;
        ids.AddRange(b);
        ids.Add(SeparatorId);

        var types = new int[ids.Count];
        if (Format == OnnxSequenceFormat.Bert) Array.Fill(types, 1, secondStart, ids.Count - secondStart);
        return new EncodedSequence([.. ids], types);
    }

    /// <summary>
    /// Loads the tokenizer of the model folder <paramref name="directory"/> (see the class remarks for the files and their
    /// order). <paramref name="lowerCase"/> overrides the lower-casing of WordPiece vocabularies.
    /// </summary>
    /// <exception cref="FileNotFoundException">None of the accepted files is in the folder.</exception>
    /// <exception cref="NotSupportedException">The file describes a tokenizer this class cannot reproduce.</exception>
    /// <exception cref="InvalidDataException">The file is malformed.</exception>
    public static OnnxTextTokenizer Load(string directory, bool? lowerCase = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var spm = Path.Combine(directory, SentencePieceFileName);
        if (File.Exists(spm)) return SentencePieceTextTokenizer.FromXlmRobertaModel(spm);
        var vocab = Path.Combine(directory, VocabFileName);
        if (File.Exists(vocab)) return WordPieceTextTokenizer.FromVocabFile(vocab, lowerCase ?? ReadDoLowerCase(directory) ?? true);
        var json = Path.Combine(directory, TokenizerJsonFileName);
        if (File.Exists(json)) return HuggingFaceTokenizerJson.Load(json, lowerCase);
        throw new FileNotFoundException(
            $"The model folder '{directory}' has no tokenizer: copy the model's {AcceptedFiles} there.", json);
    }

    /// <summary><c>do_lower_case</c> from <c>tokenizer_config.json</c>, or null when absent or unreadable.</summary>
    internal static bool? ReadDoLowerCase(string directory)
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
}
