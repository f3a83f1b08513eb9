using KnowledgePortal.Core.Ingestion.Chunking;

namespace KnowledgePortal.Tests.Chunking;

public class SentenceSplitterTests
{
    [Fact]
    public void Split_EnglishTerminators_SplitsIntoSentences()
    {
        var result = SentenceSplitter.Split("Hello world. This is a test! Is it working? Yes.");
        Assert.Equal(["Hello world.", "This is a test!", "Is it working?", "Yes."], result);
    }

    [Fact]
    public void Split_Abbreviations_KeptIntact()
    {
        var result = SentenceSplitter.Split(
            "Mr. Smith went to Washington. He met Dr. Jones, e.g. at the U.S. Capitol, i.e. Congress. Then he left.");
        Assert.Equal(
            ["Mr. Smith went to Washington.", "He met Dr. Jones, e.g. at the U.S. Capitol, i.e. Congress.", "Then he left."],
            result);
    }

    [Theory]
    [InlineData("Pi is 3.14 approximately. Version 2.0 is out.", 2)]
    [InlineData("See Fig. 3 for details. Costs rose 4.5% in Q3.", 2)]
    [InlineData("Open config.json and set No. 5 to true.", 1)]
    [InlineData("J. R. R. Tolkien wrote books.", 1)]
    [InlineData("It was fine. but lower case continues.", 1)]
    public void Split_DecimalsAndAbbreviations_ExpectedCount(string text, int expected)
    {
        Assert.Equal(expected, SentenceSplitter.Split(text).Count);
    }

    [Fact]
    public void Split_NumberedListItem_NotSplitAfterNumber()
    {
        Assert.Equal(["1. Scope of this policy"], SentenceSplitter.Split("1. Scope of this policy"));
    }

    [Fact]
    public void Split_Ellipsis_SplitsBeforeCapital()
    {
        Assert.Equal(["Wait...", "What happened?"], SentenceSplitter.Split("Wait... What happened?"));
    }

    [Fact]
    public void Split_QuoteAfterPeriod_StaysWithSentence()
    {
        Assert.Equal(["He said \"Stop.\"", "Then he left."], SentenceSplitter.Split("He said \"Stop.\" Then he left."));
    }

    [Fact]
    public void Split_JapaneseTerminators_SplitsWithoutSpaces()
    {
        var result = SentenceSplitter.Split("有給休暇を申請します。承認されました！本当ですか？はい。");
        Assert.Equal(["有給休暇を申請します。", "承認されました！", "本当ですか？", "はい。"], result);
    }

    [Fact]
    public void Split_FullWidthPeriod_IsTerminator()
    {
        Assert.Equal(["第一項を確認する．", "第二項を確認する．"], SentenceSplitter.Split("第一項を確認する．第二項を確認する．"));
    }

    [Fact]
    public void Split_ClosingBracketAfterTerminator_StaysWithSentence()
    {
        var result = SentenceSplitter.Split("本当に行くの？」次の文です。これは重要です。）続きです。");
        Assert.Equal(["本当に行くの？」", "次の文です。", "これは重要です。）", "続きです。"], result);
    }

    [Fact]
    public void Split_ShortJapaneseQuote_NotSplitInside()
    {
        var result = SentenceSplitter.Split("彼は「明日行きます。よろしく！」と言った。次の文。");
        Assert.Equal(["彼は「明日行きます。よろしく！」と言った。", "次の文。"], result);
    }

    [Fact]
    public void Split_NestedQuotes_NotSplitInside()
    {
        var result = SentenceSplitter.Split("「『はい。』と答えた。」と書いてある。以上。");
        Assert.Equal(["「『はい。』と答えた。」と書いてある。", "以上。"], result);
    }

    [Fact]
    public void Split_VeryLongQuote_SplitsInside()
    {
        var inner = string.Concat(Enumerable.Repeat("これは長い引用の文です。", 30)); // 360 chars
        var result = SentenceSplitter.Split("「" + inner + "」と言った。");
        Assert.Equal(31, result.Count);
        Assert.Equal("「これは長い引用の文です。", result[0]);
        Assert.Equal("これは長い引用の文です。", result[1]);
        Assert.Equal("これは長い引用の文です。」", result[^2]);
        Assert.Equal("と言った。", result[^1]);
    }

    [Fact]
    public void Split_Newlines_AreHardBreaks()
    {
        var result = SentenceSplitter.Split("First line without period\r\nSecond line\n\n見出し\n本文です。");
        Assert.Equal(["First line without period", "Second line", "見出し", "本文です。"], result);
    }

    [Fact]
    public void Split_MixedJapaneseEnglish_SplitsBoth()
    {
        var result = SentenceSplitter.Split("これはテストです。This is English. また日本語です!次はOK.");
        Assert.Equal(["これはテストです。", "This is English.", "また日本語です!", "次はOK."], result);
    }

    [Fact]
    public void Split_RepeatedTerminators_KeptTogether()
    {
        Assert.Equal(["本当？！", "はい。"], SentenceSplitter.Split("本当？！はい。"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\n\n\r\n")]
    public void Split_Blank_ReturnsEmpty(string text)
    {
        Assert.Empty(SentenceSplitter.Split(text));
    }

    [Fact]
    public void Split_AnyText_SentencesAreTrimmedAndNonEmpty()
    {
        var result = SentenceSplitter.Split("  A.  B!  C?  。。 ！ ");
        Assert.All(result, s =>
        {
            Assert.False(string.IsNullOrWhiteSpace(s));
            Assert.Equal(s.Trim(), s);
        });
    }
}
