using Microsoft.ML.Tokenizers;

namespace KnowledgePortal.Core.Onnx;

/// <summary>BERT WordPiece through <see cref="BertTokenizer"/>: [CLS] … [SEP], ids = vocabulary line numbers.</summary>
internal sealed class WordPieceTextTokenizer : OnnxTextTokenizer
{
    private readonly BertTokenizer _bert;

    private WordPieceTextTokenizer(BertTokenizer bert, string description)
        : base(description, OnnxSequenceFormat.Bert, bert.ClassificationTokenId, bert.SeparatorTokenId, bert.PaddingTokenId)
    {
        _bert = bert;
    }

    public static WordPieceTextTokenizer FromVocabFile(string path, bool lowerCase) =>
        Create(() => BertTokenizer.Create(path, new BertOptions { LowerCaseBeforeTokenization = lowerCase }),
            $"{Path.GetFileName(path)} (WordPiece{(lowerCase ? ", lower-cased" : "")})");

    /// <summary>From a vocabulary stream, one token per line (line number = id).</summary>
    public static WordPieceTextTokenizer FromVocabStream(Stream vocab, BertOptions options, string description) =>
        Create(() => BertTokenizer.Create(vocab, options), description);

    private static WordPieceTextTokenizer Create(Func<BertTokenizer> create, string description)
    {
        try
        {
            return new WordPieceTextTokenizer(create(), description);
        }
        catch (Exception ex) when (ex is ArgumentException or KeyNotFoundException)
        {
            // Raised when a special token ([CLS], [SEP], [PAD], [UNK], [MASK]) is not in the vocabulary.
            throw new InvalidDataException($"{description}: not a usable BERT vocabulary ({ex.Message})", ex);
        }
    }

    public override IReadOnlyList<int> EncodeText(string text, int maxTokens)
    {
        // Stops once maxTokens are produced, so very long texts cost no more than short ones.
        var ids = _bert.EncodeToIds(text, maxTokens, addSpecialTokens: false, out _, out _);
        return ids.Count <= maxTokens ? ids : ids.Take(maxTokens).ToList();
    }
}
