using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace KnowledgePortal.Core.Onnx;

/// <summary>
/// Converts the two common kinds of Hugging Face <c>tokenizer.json</c> into tokenizers Microsoft.ML.Tokenizers 2.0.1 can
/// build (it has no generic tokenizer.json loader): <c>WordPiece</c> → a vocabulary stream for <see cref="BertTokenizer"/>,
/// <c>Unigram</c> (XLM-R layout) → a SentencePiece model proto for <see cref="SentencePieceTokenizer"/>.
/// </summary>
internal static class HuggingFaceTokenizerJson
{
    public static OnnxTextTokenizer Load(string path, bool? lowerCase)
    {
        var name = Path.GetFileName(path);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{name} is not valid JSON: {ex.Message}", ex);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{name} has no \"model\" object; is it a Hugging Face tokenizer.json?");
            var type = Str(model, "type");
            try
            {
                return type switch
                {
                    "WordPiece" => WordPiece(root, model, name, lowerCase),
                    "Unigram" => Unigram(root, model, name),
                    _ => throw new NotSupportedException(
                        $"{name} describes a '{type ?? "unknown"}' tokenizer; only WordPiece (BERT) and Unigram (XLM-R) tokenizer.json files are supported. "
                        + $"Add the model's {OnnxTextTokenizer.SentencePieceFileName} or {OnnxTextTokenizer.VocabFileName} instead."),
                };
            }
            catch (Exception ex) when (ex is InvalidOperationException or KeyNotFoundException or FormatException or IndexOutOfRangeException)
            {
                // Unexpected JSON shapes (a number where a string belongs, …).
                throw new InvalidDataException($"{name}: unexpected content ({ex.Message})", ex);
            }
        }
    }

    private static OnnxTextTokenizer WordPiece(JsonElement root, JsonElement model, string name, bool? lowerCase)
    {
        if (!model.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{name}: the WordPiece model has no vocab object.");
        var byId = new SortedDictionary<int, string>();
        foreach (var entry in vocab.EnumerateObject()) byId[entry.Value.GetInt32()] = entry.Name;
        if (byId.Count == 0 || byId.Keys.First() < 0)
            throw new InvalidDataException($"{name}: the WordPiece vocabulary is empty or has negative ids.");

        // BertTokenizer reads a line-per-token vocabulary; gaps and tokens that cannot be a line get placeholders no
        // text can produce, so every id keeps its line.
        var lines = new StringBuilder();
        int last = byId.Keys.Last();
        for (int id = 0; id <= last; id++)
        {
            var token = byId.GetValueOrDefault(id);
            lines.Append(token is null || token.Contains('\n') || token.Contains('\r') || token.Length == 0 ? $"[kp-unused-{id}]" : token).Append('\n');
        }

        var normalizer = Find(root, "normalizer", "BertNormalizer");
        bool lower = lowerCase ?? (normalizer is { } n ? Bool(n, "lowercase") ?? true : false);
        bool stripAccents = normalizer is { } m ? Bool(m, "strip_accents") ?? lower : false; // null follows lowercase, as in BERT
        bool cjk = normalizer is { } c ? Bool(c, "handle_chinese_chars") ?? true : true;
        var options = new BertOptions
        {
            LowerCaseBeforeTokenization = lower,
            RemoveNonSpacingMarks = stripAccents,
            IndividuallyTokenizeCjk = cjk,
            UnknownToken = Str(model, "unk_token") ?? "[UNK]",
            ContinuingSubwordPrefix = Str(model, "continuing_subword_prefix") ?? "##",
        };
        if (model.TryGetProperty("max_input_chars_per_word", out var maxChars) && maxChars.ValueKind == JsonValueKind.Number)
            options.MaxInputCharsPerWord = maxChars.GetInt32();

        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(lines.ToString()), writable: false);
        return WordPieceTextTokenizer.FromVocabStream(stream, options, $"{name} (WordPiece{(lower ? ", lower-cased" : "")})");
    }

    // SentencePiece proto field numbers (sentencepiece_model.proto).
    private const int PiecesField = 1, TrainerSpecField = 2, NormalizerSpecField = 3;
    private const int PieceField = 1, ScoreField = 2, TypeField = 3;
    private const int NormalType = 1, UnknownType = 2, ControlType = 3;
    private const int ModelTypeField = 3, UnigramModelType = 1;
    private const int UnkIdField = 40, BosIdField = 41, EosIdField = 42, PadIdField = 43;
    private const int UnkPieceField = 45, BosPieceField = 46, EosPieceField = 47, PadPieceField = 48;
    private const int NormalizerNameField = 1, CharsmapField = 2, AddDummyPrefixField = 3, RemoveExtraWhitespacesField = 4, EscapeWhitespacesField = 5;

    private static OnnxTextTokenizer Unigram(JsonElement root, JsonElement model, string name)
    {
        if (!model.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Array || vocab.GetArrayLength() == 0)
            throw new InvalidDataException($"{name}: the Unigram model has no vocab array.");
        if (Bool(model, "byte_fallback") == true)
            throw new NotSupportedException($"{name}: byte-fallback Unigram tokenizers are not supported.");
        if (!model.TryGetProperty("unk_id", out var unkElement) || unkElement.ValueKind != JsonValueKind.Number)
            throw new NotSupportedException($"{name}: the Unigram model has no unk_id.");
        int unkId = unkElement.GetInt32();

        var special = new HashSet<string>(StringComparer.Ordinal);
        if (root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
            foreach (var t in added.EnumerateArray())
                if (Bool(t, "special") == true && Str(t, "content") is { } content) special.Add(content);

        var pieces = new List<string>(vocab.GetArrayLength());
        var proto = new ProtoWire.Writer();
        foreach (var entry in vocab.EnumerateArray())
        {
            var piece = entry[0].GetString() ?? throw new InvalidDataException($"{name}: a vocab entry has no piece.");
            int id = pieces.Count;
            pieces.Add(piece);
            // Special tokens are control pieces: never produced from text (the library would otherwise match "<s>" typed by a user).
            int type = id == unkId ? UnknownType : special.Contains(piece) ? ControlType : NormalType;
            proto.Message(PiecesField, new ProtoWire.Writer()
                .String(PieceField, piece).Float(ScoreField, (float)entry[1].GetDouble()).Varint(TypeField, type));
        }
        if (unkId < 0 || unkId >= pieces.Count)
            throw new InvalidDataException($"{name}: unk_id {unkId} is outside the vocabulary.");

        int start = pieces.IndexOf("<s>"), end = pieces.IndexOf("</s>"), pad = pieces.IndexOf("<pad>");
        if (start < 0 || end < 0 || pad < 0)
            throw new NotSupportedException($"{name}: a Unigram tokenizer needs <s>, </s> and <pad> (the XLM-R layout); this one lacks some.");

        proto.Message(TrainerSpecField, new ProtoWire.Writer()
            .Varint(ModelTypeField, UnigramModelType)
            .Varint(UnkIdField, unkId).Varint(BosIdField, start).Varint(EosIdField, end).Varint(PadIdField, pad)
            .String(UnkPieceField, pieces[unkId]).String(BosPieceField, "<s>").String(EosPieceField, "</s>").String(PadPieceField, "<pad>"));

        // The Precompiled normaliser carries SentencePiece's own charsmap; the Metaspace pre-tokenizer says whether a
        // "▁" is prepended. Runs of spaces are collapsed, as XLM-R's tokenizer.json (Replace or WhitespaceSplit) does.
        var normalizerSpec = new ProtoWire.Writer().String(NormalizerNameField, "tokenizer.json");
        if (Find(root, "normalizer", "Precompiled") is { } precompiled && Str(precompiled, "precompiled_charsmap") is { Length: > 0 } charsmap)
            normalizerSpec.Bytes(CharsmapField, Convert.FromBase64String(charsmap));
        var metaspace = Find(root, "pre_tokenizer", "Metaspace");
        if (metaspace is { } ms && Str(ms, "replacement") is { } replacement && replacement != "\u2581")
            throw new NotSupportedException($"{name}: the Metaspace replacement '{replacement}' is not supported (only U+2581).");
        bool addPrefix = metaspace is not { } meta
            || (Bool(meta, "add_prefix_space") ?? (Str(meta, "prepend_scheme") is not "never"));
        normalizerSpec.Bool(AddDummyPrefixField, addPrefix).Bool(RemoveExtraWhitespacesField, true).Bool(EscapeWhitespacesField, true);
        proto.Message(NormalizerSpecField, normalizerSpec);

        return SentencePieceTextTokenizer.FromUnigramProto(proto.ToArray(), $"{name} (Unigram)", start, end, pad);
    }

    /// <summary>The <paramref name="section"/> component of type <paramref name="type"/>, at top level or inside a Sequence.</summary>
    private static JsonElement? Find(JsonElement root, string section, string type)
    {
        if (!root.TryGetProperty(section, out var element) || element.ValueKind != JsonValueKind.Object) return null;
        if (Str(element, "type") == type) return element;
        var listName = section == "normalizer" ? "normalizers" : "pretokenizers";
        if (Str(element, "type") == "Sequence" && element.TryGetProperty(listName, out var list) && list.ValueKind == JsonValueKind.Array)
            foreach (var item in list.EnumerateArray())
                if (item.ValueKind == JsonValueKind.Object && Str(item, "type") == type) return item;
        return null;
    }

    private static string? Str(JsonElement e, string property) =>
        e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool? Bool(JsonElement e, string property) =>
        e.TryGetProperty(property, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;
}
