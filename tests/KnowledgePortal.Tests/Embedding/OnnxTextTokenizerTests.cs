using System.Text.Json;
using KnowledgePortal.Core.Onnx;

namespace KnowledgePortal.Tests.Embedding;

public class OnnxTextTokenizerTests
{
    private static string FolderWith(string name, string file, string sourcePath)
    {
        var dir = OnnxTestModel.NewFolder(name);
        File.Copy(sourcePath, Path.Combine(dir, file));
        return dir;
    }

    private static OnnxTextTokenizer LoadSentencePiece(string type) =>
        OnnxTextTokenizer.Load(FolderWith("spm-" + type, OnnxTextTokenizer.SentencePieceFileName, SentencePieceTestModels.ModelPath(type)));

    [Theory]
    [InlineData(SentencePieceTestModels.Unigram)]
    [InlineData(SentencePieceTestModels.Bpe)]
    public void EncodeText_SentencePieceModel_IdsEqualSpmEncodeWithXlmRobertaOffset(string type)
    {
        var tokenizer = LoadSentencePiece(type);
        var reference = SentencePieceTestModels.SpmEncode(type, SentencePieceTestModels.SampleTexts);

        for (int i = 0; i < SentencePieceTestModels.SampleTexts.Length; i++)
        {
            var text = SentencePieceTestModels.SampleTexts[i];
            var expected = reference[i].Select(SentencePieceTestModels.ToXlmRoberta).ToArray();
            Assert.True(expected.Length > 0, $"spm_encode gave no ids for '{text}'");
            var actual = tokenizer.EncodeText(text, 1000).ToArray();
            Assert.True(expected.SequenceEqual(actual),
                $"{type} '{text}': expected [{string.Join(' ', expected)}], got [{string.Join(' ', actual)}]");
        }
    }

    [Theory]
    [InlineData(SentencePieceTestModels.Unigram)]
    [InlineData(SentencePieceTestModels.Bpe)]
    public void EncodeSingle_SentencePieceModel_WrappedAsXlmRoberta(string type)
    {
        var tokenizer = LoadSentencePiece(type);
        var content = SentencePieceTestModels.SpmEncode(type, ["年次有給休暇 annual leave"])[0].Select(SentencePieceTestModels.ToXlmRoberta);

        var encoded = tokenizer.EncodeSingle("年次有給休暇 annual leave", 512);

        Assert.Equal(OnnxSequenceFormat.Roberta, tokenizer.Format);
        Assert.Equal((0, 2, 1), (tokenizer.StartId, tokenizer.SeparatorId, tokenizer.PaddingId));
        Assert.Equal([0, .. content, 2], encoded.Ids);
        Assert.All(encoded.TypeIds, t => Assert.Equal(0, t));
    }

    [Fact]
    public void EncodeSingle_LongText_TruncatedToMaxLengthWithSeparatorLast()
    {
        var tokenizer = LoadSentencePiece(SentencePieceTestModels.Unigram);
        var text = string.Join(" ", Enumerable.Repeat("年次有給休暇は一年につき二十日付与されます。", 20));
        var full = tokenizer.EncodeText(text, 10_000);

        var encoded = tokenizer.EncodeSingle(text, 16);

        Assert.Equal(16, encoded.Length);
        Assert.Equal([0, .. full.Take(14), 2], encoded.Ids);
    }

    [Fact]
    public void EncodePair_WordPiece_ClsQuerySepPassageSepWithSegments()
    {
        var tokenizer = OnnxTextTokenizer.Load(OnnxTestModel.CreateFolder());
        int Id(string token) => Array.IndexOf(OnnxTestModel.Vocab, token);

        var pair = tokenizer.EncodePair("annual leave", "server reboot policy", 512);

        Assert.Equal([Id("[CLS]"), Id("annual"), Id("leave"), Id("[SEP]"), Id("server"), Id("reboot"), Id("policy"), Id("[SEP]")], pair.Ids);
        Assert.Equal([0, 0, 0, 0, 1, 1, 1, 1], pair.TypeIds);
    }

    [Fact]
    public void EncodePair_SentencePiece_DoubleSeparatorAndNoSegments()
    {
        var tokenizer = LoadSentencePiece(SentencePieceTestModels.Unigram);
        var q = tokenizer.EncodeText("休暇は何日", 100);
        var p = tokenizer.EncodeText("年次有給休暇は二十日です。", 100);

        var pair = tokenizer.EncodePair("休暇は何日", "年次有給休暇は二十日です。", 512);

        Assert.Equal([0, .. q, 2, 2, .. p, 2], pair.Ids);
        Assert.All(pair.TypeIds, t => Assert.Equal(0, t));
    }

    [Fact]
    public void EncodePair_LongPassage_PassageCutQueryKept()
    {
        var tokenizer = OnnxTextTokenizer.Load(OnnxTestModel.CreateFolder());
        var passage = string.Join(" ", Enumerable.Repeat("server restart", 50));

        var pair = tokenizer.EncodePair("annual leave", passage, 10);

        Assert.Equal(10, pair.Length);
        Assert.Equal(tokenizer.EncodeText("annual leave", 10), pair.Ids.Skip(1).Take(2));
        Assert.Equal(tokenizer.SeparatorId, pair.Ids[^1]);
    }

    [Fact]
    public void EncodePair_LongQuery_QueryKeepsAtMostHalf()
    {
        var tokenizer = OnnxTextTokenizer.Load(OnnxTestModel.CreateFolder());
        var query = string.Join(" ", Enumerable.Repeat("annual leave", 50));

        var pair = tokenizer.EncodePair(query, "server restart reboot", 13); // room 10: query 5, passage 3 of its 3

        Assert.Equal(3 + 5 + 3, pair.Length);
        Assert.Equal(tokenizer.EncodeText("server restart reboot", 10), pair.Ids.Skip(7).Take(3));
    }

    [Fact]
    public void Load_TokenizerJsonUnigram_SameIdsAsSentencePieceModel()
    {
        var modelPath = SentencePieceTestModels.ModelPath(SentencePieceTestModels.Unigram);
        var fromModel = LoadSentencePiece(SentencePieceTestModels.Unigram);
        var dir = OnnxTestModel.NewFolder("xlmr-json");
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), XlmRobertaTokenizerJson(File.ReadAllBytes(modelPath)));

        var fromJson = OnnxTextTokenizer.Load(dir);

        Assert.Contains("tokenizer.json", fromJson.Description);
        Assert.Equal((fromModel.Format, fromModel.StartId, fromModel.SeparatorId, fromModel.PaddingId),
            (fromJson.Format, fromJson.StartId, fromJson.SeparatorId, fromJson.PaddingId));
        foreach (var text in SentencePieceTestModels.SampleTexts)
            Assert.Equal(fromModel.EncodeText(text, 1000), fromJson.EncodeText(text, 1000));
    }

    [Fact]
    public void Load_TokenizerJsonWordPiece_SameIdsAsVocabTxt()
    {
        var fromVocab = OnnxTextTokenizer.Load(OnnxTestModel.CreateFolder());
        var dir = OnnxTestModel.NewFolder("bert-json");
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), BertTokenizerJson(lowercase: true));

        var fromJson = OnnxTextTokenizer.Load(dir);

        Assert.Equal(OnnxSequenceFormat.Bert, fromJson.Format);
        Assert.Equal((fromVocab.StartId, fromVocab.SeparatorId, fromVocab.PaddingId), (fromJson.StartId, fromJson.SeparatorId, fromJson.PaddingId));
        foreach (var text in new[] { "Annual Leave policies", "server REBOOT unknownword", "" })
            Assert.Equal(fromVocab.EncodeText(text, 100), fromJson.EncodeText(text, 100));
    }

    [Fact]
    public void Load_TokenizerJsonWordPieceCased_NotLowerCased()
    {
        var dir = OnnxTestModel.NewFolder("bert-cased-json");
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), BertTokenizerJson(lowercase: false));

        var ids = OnnxTextTokenizer.Load(dir).EncodeText("Annual annual", 10);

        Assert.Equal([Array.IndexOf(OnnxTestModel.Vocab, "[UNK]"), Array.IndexOf(OnnxTestModel.Vocab, "annual")], ids);
    }

    [Fact]
    public void Load_TokenizerJsonByteLevelBpe_NotSupportedNamingAlternatives()
    {
        var dir = OnnxTestModel.NewFolder("gpt2-json");
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), """{"model":{"type":"BPE","vocab":{"a":0},"merges":[]}}""");

        var ex = Assert.Throws<NotSupportedException>(() => OnnxTextTokenizer.Load(dir));

        Assert.Contains("BPE", ex.Message);
        Assert.Contains("sentencepiece.bpe.model", ex.Message);
    }

    [Fact]
    public void Load_FolderWithSeveralTokenizers_SentencePieceModelFirst()
    {
        var dir = FolderWith("both", OnnxTextTokenizer.SentencePieceFileName, SentencePieceTestModels.ModelPath(SentencePieceTestModels.Unigram));
        File.WriteAllLines(Path.Combine(dir, "vocab.txt"), OnnxTestModel.Vocab);

        Assert.Equal(OnnxSequenceFormat.Roberta, OnnxTextTokenizer.Load(dir).Format);
    }

    [Fact]
    public void Load_NoTokenizer_FileNotFoundListingAcceptedFiles()
    {
        var dir = OnnxTestModel.NewFolder("empty");

        var ex = Assert.Throws<FileNotFoundException>(() => OnnxTextTokenizer.Load(dir));

        Assert.Contains("sentencepiece.bpe.model", ex.Message);
        Assert.Contains("vocab.txt", ex.Message);
        Assert.Contains("tokenizer.json", ex.Message);
    }

    [Fact]
    public void Load_VocabWithoutSpecialTokens_InvalidData()
    {
        var dir = OnnxTestModel.NewFolder("no-specials");
        File.WriteAllLines(Path.Combine(dir, "vocab.txt"), ["[UNK]", "annual", "leave"]);

        var ex = Assert.Throws<InvalidDataException>(() => OnnxTextTokenizer.Load(dir));

        Assert.Contains("vocab.txt", ex.Message);
    }

    [Fact]
    public void Load_CorruptSentencePieceModel_InvalidData()
    {
        var dir = OnnxTestModel.NewFolder("corrupt");
        File.WriteAllBytes(Path.Combine(dir, OnnxTextTokenizer.SentencePieceFileName), [0x0A, 0xFF, 0xFF, 0x01]);

        Assert.Throws<InvalidDataException>(() => OnnxTextTokenizer.Load(dir));
    }

    /// <summary>
    /// A tokenizer.json laid out as Hugging Face converts XLM-R (fairseq specials first, then the SentencePiece pieces
    /// after its three control pieces, then &lt;mask&gt;), taken from a SentencePiece model proto.
    /// </summary>
    internal static string XlmRobertaTokenizerJson(byte[] model)
    {
        var pieces = new List<(string Piece, float Score)>();
        string? charsmap = null;
        foreach (var field in ProtoWire.Read(model))
        {
            if (field.Number == 1)
            {
                string piece = ""; float score = 0;
                foreach (var f in ProtoWire.Read(field.Bytes))
                {
                    if (f.Number == 1) piece = f.String;
                    else if (f.Number == 2) score = f.Float;
                }
                pieces.Add((piece, score));
            }
            else if (field.Number == 3)
            {
                foreach (var f in ProtoWire.Read(field.Bytes))
                    if (f.Number == 2) charsmap = Convert.ToBase64String(f.Bytes.Span);
            }
        }
        Assert.NotNull(charsmap);
        var vocab = new List<object[]> { new object[] { "<s>", 0.0 }, new object[] { "<pad>", 0.0 }, new object[] { "</s>", 0.0 }, new object[] { "<unk>", 0.0 } };
        vocab.AddRange(pieces.Skip(3).Select(p => new object[] { p.Piece, (double)p.Score }));
        vocab.Add(["<mask>", 0.0]);
        var added = new[] { "<s>", "<pad>", "</s>", "<unk>" }.Select((t, i) => new { id = i, content = t, special = true })
            .Append(new { id = vocab.Count - 1, content = "<mask>", special = true });
        return JsonSerializer.Serialize(new
        {
            version = "1.0",
            added_tokens = added,
            normalizer = new
            {
                type = "Sequence",
                normalizers = new object[]
                {
                    new { type = "Precompiled", precompiled_charsmap = charsmap },
                    new { type = "Replace", pattern = new { Regex = " {2,}" }, content = " " },
                },
            },
            pre_tokenizer = new { type = "Metaspace", replacement = "\u2581", prepend_scheme = "always", split = true },
            model = new { type = "Unigram", unk_id = 3, vocab, byte_fallback = false },
        });
    }

    private static string BertTokenizerJson(bool lowercase) => JsonSerializer.Serialize(new
    {
        version = "1.0",
        normalizer = new { type = "BertNormalizer", clean_text = true, handle_chinese_chars = true, strip_accents = (bool?)null, lowercase },
        pre_tokenizer = new { type = "BertPreTokenizer" },
        model = new
        {
            type = "WordPiece",
            unk_token = "[UNK]",
            continuing_subword_prefix = "##",
            max_input_chars_per_word = 100,
            vocab = OnnxTestModel.Vocab.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i),
        },
    });
}
