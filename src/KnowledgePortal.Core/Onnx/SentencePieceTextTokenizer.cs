using System.Text;
using Microsoft.ML.Tokenizers;

namespace KnowledgePortal.Core.Onnx;

/// <summary>
/// SentencePiece (unigram or BPE) through <see cref="SentencePieceTokenizer"/>, in the XLM-R format
/// (&lt;s&gt; … &lt;/s&gt;), with the model's ids shifted into the id space the ONNX model was trained on.
/// </summary>
/// <remarks>
/// Two behaviours of Microsoft.ML.Tokenizers 2.0.1 differ from the SentencePiece library and are corrected here, so
/// that ids equal <c>spm_encode</c>'s: a run of unknown characters is one &lt;unk&gt; in SentencePiece (and in Hugging
/// Face's unigram, fuse_unk) but one per character there; and its BPE path ignores the model's precompiled
/// normalisation map and drops one-character texts, so BPE models are normalised here (NFKC and the nmt whitespace
/// rules, see <see cref="NormalizeForBpe"/>) and handed over already normalised.
/// </remarks>
internal sealed class SentencePieceTextTokenizer : OnnxTextTokenizer
{
    // SentencePiece model proto: ModelProto.trainer_spec = 2 { model_type = 3 }, ModelProto.normalizer_spec = 3
    // { name = 1, add_dummy_prefix = 3, remove_extra_whitespaces = 4, escape_whitespaces = 5 }.
    private const int TrainerSpecField = 2, NormalizerSpecField = 3, ModelTypeField = 3;
    private const int UnigramType = 1, BpeType = 2;

    /// <summary>XLM-R's fairseq ids for the special tokens (Hugging Face XLMRobertaTokenizer.fairseq_tokens_to_ids).</summary>
    private const int FairseqStart = 0, FairseqPad = 1, FairseqEnd = 2, FairseqUnknown = 3, FairseqOffset = 1;

    /// <summary>Texts are cut to this many characters per allowed token before encoding: bounds the cost of huge
    /// inputs while keeping far more text than the tokens that are kept need.</summary>
    private const int MaxCharsPerToken = 32;

    private readonly SentencePieceTokenizer _spm;
    private readonly int _offset;
    private readonly int _unknownId;
    private readonly BpeNormalization? _bpe;

    private SentencePieceTextTokenizer(SentencePieceTokenizer spm, string description, int offset, int unknownId,
        int startId, int separatorId, int paddingId, BpeNormalization? bpe)
        : base(description, OnnxSequenceFormat.Roberta, startId, separatorId, paddingId)
    {
        _spm = spm;
        _offset = offset;
        _unknownId = unknownId;
        _bpe = bpe;
    }

    /// <summary>
    /// A <c>sentencepiece.bpe.model</c> read as Hugging Face's XLMRobertaTokenizer does: SentencePiece's &lt;unk&gt; (id 0)
    /// becomes 3, every other piece its id + 1, &lt;s&gt;=0, &lt;pad&gt;=1, &lt;/s&gt;=2.
    /// </summary>
    public static SentencePieceTextTokenizer FromXlmRobertaModel(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var name = Path.GetFileName(path);
        var (modelType, normalizer) = ReadSpecs(bytes, name);
        var spm = CreateTokenizer(bytes, name);
        if (spm.UnknownId != 0 || spm.BeginningOfSentenceId != 1 || spm.EndOfSentenceId != 2)
            throw new NotSupportedException(
                $"{name} has <unk>={spm.UnknownId}, <s>={spm.BeginningOfSentenceId}, </s>={spm.EndOfSentenceId}; the XLM-R id mapping needs 0, 1, 2.");
        var bpe = modelType == BpeType ? normalizer : null;
        return new SentencePieceTextTokenizer(spm, $"{name} (SentencePiece {(bpe is null ? "unigram" : "BPE")}, XLM-R ids)",
            FairseqOffset, FairseqUnknown, FairseqStart, FairseqEnd, FairseqPad, bpe);
    }

    /// <summary>A unigram model whose ids already are the ONNX model's (built from tokenizer.json).</summary>
    public static SentencePieceTextTokenizer FromUnigramProto(byte[] proto, string description, int startId, int separatorId, int paddingId)
    {
        var spm = CreateTokenizer(proto, description);
        return new SentencePieceTextTokenizer(spm, description, 0, spm.UnknownId, startId, separatorId, paddingId, null);
    }

    private static SentencePieceTokenizer CreateTokenizer(byte[] bytes, string name)
    {
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            return SentencePieceTokenizer.Create(stream, addBeginningOfSentence: false, addEndOfSentence: false);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IOException) // protobuf parse errors are IOExceptions
        {
            throw new InvalidDataException($"{name} is not a SentencePiece model Microsoft.ML.Tokenizers can load: {ex.Message}", ex);
        }
    }

    public override IReadOnlyList<int> EncodeText(string text, int maxTokens)
    {
        if (maxTokens <= 0 || string.IsNullOrEmpty(text)) return [];
        long maxChars = (long)maxTokens * MaxCharsPerToken;
        if (text.Length > maxChars)
        {
            int cut = (int)maxChars;
            if (char.IsLowSurrogate(text[cut])) cut--;
            text = text[..cut];
        }

        var raw = _bpe is { } bpe
            ? _spm.EncodeToIds(NormalizeForBpe(text, bpe), addBeginningOfSentence: false, addEndOfSentence: false, considerNormalization: false)
            : _spm.EncodeToIds(text, addBeginningOfSentence: false, addEndOfSentence: false);

        var ids = new List<int>(Math.Min(raw.Count, maxTokens));
        int spmUnknown = _spm.UnknownId;
        foreach (var id in raw)
        {
            if (id == spmUnknown)
            {
                if (ids.Count > 0 && ids[^1] == _unknownId) continue; // a run of unknown characters is one <unk>
                ids.Add(_unknownId);
            }
            else
            {
                ids.Add(id + _offset);
            }
            if (ids.Count == maxTokens) break;
        }
        return ids;
    }

    /// <summary>The model's normaliser settings, applied by <see cref="NormalizeForBpe"/>.</summary>
    internal sealed record BpeNormalization(bool Nfkc, bool Nmt, bool CaseFold, bool RemoveExtraWhitespaces, bool AddDummyPrefix, bool EscapeWhitespaces);

    /// <summary>
    /// SentencePiece normalisation for BPE models: NFKC for the nfkc rules (plus, for nmt_*, control characters removed and
    /// every whitespace character a space; _cf also case-folds), extra spaces removed, the "▁" dummy prefix added and
    /// spaces escaped as "▁". An approximation of the precompiled map that matches it on ordinary text; XLM-R models
    /// are unigram and use the exact map.
    /// </summary>
    internal static string NormalizeForBpe(string text, BpeNormalization n)
    {
        if (n.Nfkc) text = text.Normalize(NormalizationForm.FormKC);
        if (n.CaseFold) text = text.ToLowerInvariant();
        char space = n.EscapeWhitespaces ? '\u2581' : ' ';
        var sb = new StringBuilder(text.Length + 1);
        if (n.AddDummyPrefix) sb.Append(space);
        bool lastWasSpace = true;
        foreach (var c in text)
        {
            if (n.Nmt ? char.IsWhiteSpace(c) : c == ' ')
            {
                if (!n.RemoveExtraWhitespaces || !lastWasSpace) sb.Append(space);
                lastWasSpace = true;
            }
            else if (!(n.Nmt && char.IsControl(c)))
            {
                sb.Append(c);
                lastWasSpace = false;
            }
        }
        if (n.RemoveExtraWhitespaces)
        {
            int minLength = n.AddDummyPrefix ? 1 : 0;
            while (sb.Length > minLength && sb[^1] == space) sb.Length--;
        }
        // Nothing but the prefix: an empty text.
        return n.AddDummyPrefix && sb.Length == 1 ? string.Empty : sb.ToString();
    }

    /// <summary>Model type and normaliser settings from the model proto (the library does not expose them).</summary>
    private static (int ModelType, BpeNormalization Normalizer) ReadSpecs(byte[] bytes, string name)
    {
        int modelType = UnigramType; // proto default
        string normalizerName = "nmt_nfkc";
        bool addDummyPrefix = true, removeExtra = true, escape = true; // proto defaults
        try
        {
            foreach (var field in ProtoWire.Read(bytes))
            {
                if (field.Number == TrainerSpecField && field.WireType == 2)
                {
                    foreach (var f in ProtoWire.Read(field.Bytes))
                        if (f.Number == ModelTypeField && f.WireType == 0) modelType = (int)f.Varint;
                }
                else if (field.Number == NormalizerSpecField && field.WireType == 2)
                {
                    foreach (var f in ProtoWire.Read(field.Bytes))
                    {
                        if (f.WireType == 2 && f.Number == 1) normalizerName = f.String;
                        else if (f.WireType == 0 && f.Number == 3) addDummyPrefix = f.Varint != 0;
                        else if (f.WireType == 0 && f.Number == 4) removeExtra = f.Varint != 0;
                        else if (f.WireType == 0 && f.Number == 5) escape = f.Varint != 0;
                    }
                }
            }
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{name} is not a SentencePiece model: {ex.Message}", ex);
        }
        if (modelType is not (UnigramType or BpeType))
            throw new NotSupportedException($"{name} is a SentencePiece model of type {modelType}; only unigram (1) and BPE (2) are supported.");
        if (modelType == BpeType && normalizerName is not ("nmt_nfkc" or "nfkc" or "nmt_nfkc_cf" or "nfkc_cf" or "identity"))
            throw new NotSupportedException($"{name} is a BPE model with the '{normalizerName}' normaliser; only nmt_nfkc, nfkc, their _cf variants and identity are supported for BPE.");
        return (modelType, new BpeNormalization(
            Nfkc: normalizerName != "identity", Nmt: normalizerName.StartsWith("nmt_", StringComparison.Ordinal),
            CaseFold: normalizerName.EndsWith("_cf", StringComparison.Ordinal), removeExtra, addDummyPrefix, escape));
    }
}
