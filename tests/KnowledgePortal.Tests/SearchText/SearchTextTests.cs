namespace KnowledgePortal.Tests.SearchText;

// Inside this namespace the simple name "SearchText" would bind to the namespace itself; the using below is declared
// inside the namespace so the Core type wins.
using KnowledgePortal.Core.Retrieval;

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
    public void ToTsQuery_JapaneseTerm_BigramsAnded()
    {
        Assert.Equal("('有給' & '給休' & '休暇')", SearchText.ToTsQuery("有給休暇"));
    }

    [Fact]
    public void ToTsQuery_JapaneseQuestion_SplitsContentWordsAtParticles()
    {
        Assert.Equal("('有給' & '給休' & '休暇') | ('申請' & '請方' & '方法')", SearchText.ToTsQuery("有給休暇の申請方法"));
        Assert.Equal("('有給' & '給休' & '休暇') | '申請'", SearchText.ToTsQuery("有給休暇の申請はいつまでに?"));
        Assert.Equal("('いつ' & 'つま' & 'まで')", SearchText.ToTsQuery("いつまで"));
    }

    [Fact]
    public void ToTsQuery_SeveralTerms_Ored()
    {
        Assert.Equal("'vacation':* | 'policy':*", SearchText.ToTsQuery("Vacation policy"));
        Assert.Equal("'有給' | '申請'", SearchText.ToTsQuery("有給　申請")); // ideographic space
        Assert.Equal("('有給' & '給休' & '休暇') | '申請'", SearchText.ToTsQuery("有給休暇、申請"));
    }

    [Fact]
    public void ToTsQuery_StopWords_Dropped()
    {
        Assert.Equal("'leave':* | 'policy':*", SearchText.ToTsQuery("What is the leave policy?"));
    }

    [Fact]
    public void ToTsQuery_OnlyStopWords_KeptRatherThanEmpty()
    {
        Assert.Equal("'what':* | 'is'", SearchText.ToTsQuery("what is"));
    }

    [Fact]
    public void ToTsQuery_CapitalisedStopWord_Kept()
    {
        Assert.Equal("'it' | 'policy':*", SearchText.ToTsQuery("IT policy"));
    }

    [Fact]
    public void ToTsQuery_PunctuatedTerm_LexemesAnded()
    {
        Assert.Equal("('wi' & 'fi') | 'setup':*", SearchText.ToTsQuery("wi-fi setup"));
        Assert.Equal("'windows11' | '設定'", SearchText.ToTsQuery("Windows11の設定"));
    }

    [Fact]
    public void ToTsQuery_SingleCjkCharacter_PrefixMatch()
    {
        Assert.Equal("'今':*", SearchText.ToTsQuery("今"));
        Assert.Equal("('第':* & '3' & '条':*)", SearchText.ToTsQuery("第3条"));
    }

    [Fact]
    public void ToTsQuery_Expansions_OredAsGroups()
    {
        var result = SearchText.ToTsQuery("有給休暇", ["annual leave", "PTO", "有給休暇", "the", "  "]);
        Assert.Equal("('有給' & '給休' & '休暇') | ('annual':* & 'leave':*) | 'pto' | 'the'", result);
    }

    [Theory]
    [InlineData("employees", "employee")]
    [InlineData("notes", "note")]
    [InlineData("boxes", "box")]
    [InlineData("comment", "comment")]
    [InlineData("speed", "speed")]
    [InlineData("employee", "employee")]
    [InlineData("leaving", "leav")]
    [InlineData("approved", "approv")]
    [InlineData("policies", "polic")]
    [InlineData("business", "business")]
    [InlineData("days", "day")]
    [InlineData("payments", "payment")]
    [InlineData("monthly", "month")]
    public void LightStem_EnglishWord_GivesThePrefixSearched(string word, string stem) => Assert.Equal(stem, SearchText.LightStem(word));

    [Theory]
    [InlineData("day")]
    [InlineData("g5")]
    [InlineData("windows11")]
    [InlineData("straße")]
    public void LightStem_ShortOrNotPlainAscii_LeftExact(string word) => Assert.Null(SearchText.LightStem(word));

    [Fact]
    public void ToTsQuery_InflectedEnglishWord_SearchesItsStemAsPrefix() =>
        Assert.Equal("'employee':* | 'receiv':*", SearchText.ToTsQuery("employees receiving"));

    [Fact]
    public void ToTsQuery_DuplicateTerms_Deduplicated()
    {
        Assert.Equal("'leave':*", SearchText.ToTsQuery("leave LEAVE Leave"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("    ")]
    [InlineData("&|!()<->:*'\"\\")]
    [InlineData("!!! ??? 。、")]
    public void ToTsQuery_NothingSearchable_Null(string query)
    {
        Assert.Null(SearchText.ToTsQuery(query));
    }

    [Fact]
    public void ToTsQuery_NullQueryWithExpansions_UsesExpansions()
    {
        Assert.Equal("'pto'", SearchText.ToTsQuery("", ["PTO"]));
        Assert.Null(SearchText.ToTsQuery(null!, null));
    }

    [Theory]
    [InlineData("foo' & bar | !baz (qux) :* <-> \\ \"quote\" a:b")]
    [InlineData("'); DROP TABLE chunks; --")]
    [InlineData("a&b|c!d(e)f:g*h<1>i'j\"k\\l")]
    [InlineData("有給'休暇' & (申請) | !方法:*")]
    [InlineData("'''' \\\\ '\\'")]
    [InlineData("x:* & y:A | z:AB")]
    [InlineData("ⅠⅡⅢ ①② ﬁle ß İstanbul ǅ")]
    public void ToTsQuery_HostileInput_ProducesValidTsQuery(string query)
    {
        var result = SearchText.ToTsQuery(query, ["a'b", "c)|(d"]);

        Assert.NotNull(result);
        TsQueryValidator.AssertValid(result);
    }

    [Fact]
    public void ToTsQuery_ManyTerms_Capped()
    {
        var query = string.Join(" ", Enumerable.Range(0, 200).Select(i => "term" + i));
        var result = SearchText.ToTsQuery(query)!;

        Assert.Equal(SearchText.MaxGroups, result.Split(" | ").Length);
        TsQueryValidator.AssertValid(result);
    }

    [Fact]
    public void ToTsQuery_QueryLexemes_MatchIndexLexemes()
    {
        var index = SearchText.ToIndexText("社員は有給休暇の申請方法をポータルで確認できます。").Split(' ').ToHashSet();
        var query = SearchText.ToTsQuery("有給休暇 申請方法")!;

        var lexemes = System.Text.RegularExpressions.Regex.Matches(query, "'([^']*)'").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(lexemes);
        Assert.All(lexemes, l => Assert.Contains(l, index));
    }

    /// <summary>
    /// Recursive-descent check of the to_tsquery grammar subset we emit:
    /// expr := term ('|' term)*; term := factor ('&amp;' factor)*; factor := '(' expr ')' | lexeme;
    /// lexeme := "'" (letters/digits/marks)+ "'" [':*'].
    /// </summary>
    private static class TsQueryValidator
    {
        public static void AssertValid(string query)
        {
            int pos = 0;
            Expr(query, ref pos);
            Skip(query, ref pos);
            Assert.True(pos == query.Length, $"Trailing input at {pos} in: {query}");
        }

        private static void Expr(string q, ref int pos)
        {
            Term(q, ref pos);
            while (Peek(q, ref pos) == '|')
            {
                pos++;
                Term(q, ref pos);
            }
        }

        private static void Term(string q, ref int pos)
        {
            Factor(q, ref pos);
            while (Peek(q, ref pos) == '&')
            {
                pos++;
                Factor(q, ref pos);
            }
        }

        private static void Factor(string q, ref int pos)
        {
            char c = Peek(q, ref pos);
            if (c == '(')
            {
                pos++;
                Expr(q, ref pos);
                Assert.True(Peek(q, ref pos) == ')', $"Expected ')' at {pos} in: {q}");
                pos++;
                return;
            }
            Assert.True(c == '\'', $"Expected lexeme at {pos} in: {q}");
            pos++;
            int start = pos;
            while (pos < q.Length && q[pos] != '\'')
            {
                var r = System.Text.Rune.GetRuneAt(q, pos);
                var cat = System.Text.Rune.GetUnicodeCategory(r);
                Assert.True(System.Text.Rune.IsLetterOrDigit(r)
                    || cat is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark,
                    $"Unexpected character U+{r.Value:X4} in lexeme of: {q}");
                pos += r.Utf16SequenceLength;
            }
            Assert.True(pos > start, $"Empty lexeme in: {q}");
            Assert.True(pos < q.Length, $"Unterminated lexeme in: {q}");
            pos++;
            if (pos + 1 < q.Length && q[pos] == ':' && q[pos + 1] == '*') pos += 2;
        }

        private static char Peek(string q, ref int pos)
        {
            Skip(q, ref pos);
            return pos < q.Length ? q[pos] : '\0';
        }

        private static void Skip(string q, ref int pos)
        {
            while (pos < q.Length && q[pos] == ' ') pos++;
        }
    }
}
