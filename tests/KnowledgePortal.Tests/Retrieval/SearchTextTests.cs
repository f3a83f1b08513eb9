namespace KnowledgePortal.Tests.Retrieval;

// Inside this namespace the simple name "SearchText" would bind to the namespace itself; the using below is declared
// inside the namespace so the Core type wins.
using KnowledgePortal.Core.Text;

public class SearchTextTests
{
    [Fact]
    public void ToIndexText_JapanesePhrase_OverlappingBigrams()
    {
        Assert.Equal("有給 給休 休暇 暇の の申 申請 請方 方法", SearchText.ToIndexText("有給休暇の申請方法"));
    }

    [Fact]
    public void ToIndexText_English_LowercasedWithoutPunctuation()
    {
        Assert.Equal("hello world it s 2024 wi fi", SearchText.ToIndexText("Hello, World! It's 2024. (Wi-Fi)"));
    }

    [Theory]
    [InlineData("ＡＢＣ１２３", "abc123")]
    [InlineData("ｶﾀｶﾅ", "カタ タカ カナ")]
    [InlineData("サーバー", "サー ーバ バー")]
    [InlineData("第3条", "第 3 条")]
    [InlineData("Windows11の設定", "windows11 の設 設定")]
    [InlineData("한국어 문서", "한국 국어 문서")]
    [InlineData("人々の声", "人々 々の の声")]
    [InlineData("「注意」：本文", "注意 本文")]
    [InlineData("Café NAÏVE", "café naïve")]
    [InlineData("𠮷野家で食べる", "𠮷野 野家 家で で食 食べ べる")]
    public void ToIndexText_Scripts_ExpectedLexemes(string text, string expected)
    {
        Assert.Equal(expected, SearchText.ToIndexText(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("!!! ... 、。・")]
    public void ToIndexText_NothingIndexable_Empty(string text)
    {
        Assert.Equal("", SearchText.ToIndexText(text));
    }

    [Fact]
    public void ToIndexText_HugeToken_Dropped()
    {
        Assert.Equal("ok", SearchText.ToIndexText(new string('x', 500) + " ok"));
    }

    [Fact]
    public void ToQueryText_JapaneseQuestion_AllBigramsOfEachRun() =>
        Assert.Equal("有給 給休 休暇 暇の の申 申請", SearchText.ToQueryText("有給休暇の申請"));

    [Theory]
    [InlineData("受付は何時から何時までですか", "受付 時ま")]          // 付は, は何, 何時, 時か, から, ら何, まで, です… not counted
    [InlineData("犬を連れて出社できますか", "犬を 連れ 出社")]          // 犬 has no other bigram: 犬を counts
    [InlineData("誰が承認しますか", "承認 認し")]
    [InlineData("有給休暇の申請", "有給 給休 休暇 申請")]
    public void QueryBigrams_JapaneseQuestion_OnlyBigramsThatNameSomething(string query, string expected) =>
        Assert.Equal(expected, string.Join(' ', SearchText.QueryBigrams(query)));

    [Fact]
    public void GateIgnored_JapaneseQuestion_ParticleAndEndingBigrams()
    {
        var ignored = SearchText.GateIgnored("受付は何時からですか");

        Assert.Equal(new[] { "付は", "は何", "何時", "時か", "から", "らで", "です", "すか" }.Order(StringComparer.Ordinal), ignored.Order(StringComparer.Ordinal));
        Assert.DoesNotContain("受付", ignored);
    }

    [Fact]
    public void GateIgnored_OnlyEndings_NothingIgnored() => Assert.Empty(SearchText.GateIgnored("ですか"));

    [Theory]
    [InlineData("Is the office open on 6 May?", "office open 6 may")]
    [InlineData("Is the office open on May 6?", "office open may 6")]
    [InlineData("You may apply", "apply")]
    public void ToQueryText_MayNextToADay_IsTheMonth(string query, string expected) =>
        Assert.Equal(expected, SearchText.ToQueryText(query));

    [Fact]
    public void ToQueryText_QuestionFraming_Dropped() =>
        Assert.Equal("days annual leave", SearchText.ToQueryText("How many days of annual leave do I get?"));

    [Fact]
    public void ToQueryText_StopWords_Dropped() =>
        Assert.Equal("remote work", SearchText.ToQueryText("What is the remote work?"));

    [Fact]
    public void ToQueryText_OnlyStopWords_KeptRatherThanEmpty() =>
        Assert.Equal("who are you", SearchText.ToQueryText("Who are you?"));

    [Fact]
    public void ToQueryText_CapitalisedStopWord_Kept() =>
        Assert.Equal("it helpdesk", SearchText.ToQueryText("IT helpdesk"));

    [Fact]
    public void ToQueryText_DuplicatesAndExpansions_DistinctQueryFirst() =>
        Assert.Equal("leave annual paid holiday", SearchText.ToQueryText("leave leave annual", ["paid leave", "holiday"]));

    [Fact]
    public void ToQueryText_ManyTerms_Capped()
    {
        var query = string.Join(" ", Enumerable.Range(0, 200).Select(i => "term" + i));
        Assert.Equal(SearchText.MaxQueryTerms, SearchText.ToQueryText(query)!.Split(' ').Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("    ")]
    [InlineData("&|!()<->:*'\"\\")]
    [InlineData("!!! ??? 。、")]
    public void ToQueryText_NothingSearchable_Null(string query) => Assert.Null(SearchText.ToQueryText(query));

    [Theory]
    [InlineData("foo' & bar | !baz (qux) :* <-> \\ \"quote\" a:b")]
    [InlineData("'); DROP TABLE chunks; --")]
    [InlineData("有給'休暇' & (申請) | !方法:*")]
    [InlineData("ⅠⅡⅢ ①② ﬁle ß İstanbul ǅ")]
    public void ToQueryText_HostileInput_LettersDigitsAndSpacesOnly(string query)
    {
        var result = SearchText.ToQueryText(query, ["a'b", "c)|(d"])!;

        Assert.All(result.EnumerateRunes(), r => Assert.True(r.Value == ' ' || System.Text.Rune.IsLetterOrDigit(r)
            || System.Text.Rune.GetUnicodeCategory(r) is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark,
            $"U+{r.Value:X4} in {result}"));
    }

    [Fact]
    public void ToQueryText_QueryLexemes_AreIndexLexemes()
    {
        var index = SearchText.ToIndexText("社員は有給休暇の申請方法をポータルで確認できます。").Split(' ').ToHashSet();
        var query = SearchText.ToQueryText("有給休暇 申請方法")!.Split(' ');

        Assert.All(query, l => Assert.Contains(l, index));
    }
}
