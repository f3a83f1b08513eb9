namespace KnowledgePortal.Core.Answering;

/// <summary>Decides whether a question is Japanese ("ja") or English ("en").</summary>
public static class LanguageDetector
{
    /// <summary>Share of CJK letters above which text containing Kana counts as Japanese.</summary>
    public const double KanaThreshold = 0.10;

    /// <summary>
    /// Share of Han letters above which text without any Kana counts as Japanese. Higher, because an English
    /// question often quotes a Japanese term ("What is 有給休暇?"), while Japanese sentences almost always contain Kana.
    /// </summary>
    public const double HanOnlyThreshold = 0.50;

    /// <summary>"ja" when the text has Hiragana/Katakana/Han beyond a small share of its letters, else "en".</summary>
    public static string Detect(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return "en";

        var (kana, han, latin) = AnswerTokenizer.CountScripts(text);
        var cjk = kana + han;
        if (cjk == 0)
            return "en";

        var share = (double)cjk / (cjk + latin);
        var threshold = kana > 0 ? KanaThreshold : HanOnlyThreshold;
        return share >= threshold ? "ja" : "en";
    }
}
