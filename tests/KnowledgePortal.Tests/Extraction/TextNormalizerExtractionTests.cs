using KnowledgePortal.Core.Ingestion.Extraction;

namespace KnowledgePortal.Tests.Extraction;

public class TextNormalizerExtractionTests
{
    [Theory]
    [InlineData("ＡＢＣ１２３", "ABC123")]            // full-width ASCII
    [InlineData("ｶﾀｶﾅ", "カタカナ")]                  // half-width katakana
    [InlineData("㈱東京", "(株)東京")]                  // compatibility forms
    [InlineData("ﬁle", "file")]                       // ligature
    [InlineData("  a \t\r\n b  ", "a b")]              // whitespace runs, trimmed
    [InlineData("a\u3000b", "a b")]                     // ideographic space
    [InlineData("zero\u200Bwidth\u200D\uFEFF", "zerowidth")]
    [InlineData("ctrl\u0001\u0007chars\u007F", "ctrlchars")]
    [InlineData("soft\u00ADhyphen", "softhyphen")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Clean_Input_ReturnsNormalized(string? input, string expected)
    {
        Assert.Equal(expected, TextNormalizer.Clean(input));
    }

    [Fact]
    public void Clean_LoneSurrogate_IsRemovedAndPairsKept()
    {
        Assert.Equal("ab𐌲", TextNormalizer.Clean("a\uD800b𐌲"));
    }

    [Fact]
    public void Clean_AlreadyClean_ReturnsSameText()
    {
        const string text = "東京都の規程 (2024年版)";
        Assert.Equal(text, TextNormalizer.Clean(text));
    }
}
