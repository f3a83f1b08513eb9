using KnowledgePortal.Core.Answering;

namespace KnowledgePortal.Tests.Answering;

public class LanguageDetectorTests
{
    [Theory]
    [InlineData("有給休暇は何日取れますか？", "ja")]
    [InlineData("VPNの設定方法を教えてください", "ja")]
    [InlineData("ｶﾀｶﾅだけ", "ja")]
    [InlineData("有給休暇", "ja")]
    [InlineData("How many days of paid leave do I get?", "en")]
    [InlineData("What is 有給休暇?", "en")]
    [InlineData("Explain the overtime rules for the 36協定 in our company please", "en")]
    [InlineData("", "en")]
    [InlineData("   ", "en")]
    [InlineData("12345 !?", "en")]
    public void Detect_Text_ReturnsLanguage(string text, string expected)
    {
        Assert.Equal(expected, LanguageDetector.Detect(text));
    }

    [Fact]
    public void Detect_EnglishSentenceWithKanaWord_StaysEnglishBelowThreshold()
    {
        var text = "Please summarise the attached travel expense regulation for employees working abroad: ガイド";

        Assert.Equal("en", LanguageDetector.Detect(text));
    }
}
