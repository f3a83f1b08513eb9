using KnowledgePortal.Core.Answering;

namespace KnowledgePortal.Tests.Answering;

public class ExtractiveAnswererTests
{
    [Fact]
    public void Answer_English_LabelThenTheSentenceThatAnswersCited()
    {
        var sources = Passages.Many(
            "The cafeteria opens at 8 am. Full-time employees receive 20 days of paid leave each year. Leave requests go to your manager.",
            "Contractors are not entitled to paid leave. Contractors invoice monthly.");

        var answer = ExtractiveAnswerer.Answer("How many days of paid leave do employees receive?", sources, "en", maxSentences: 2);

        Assert.Equal(
            ExtractiveAnswerer.EnglishLabel + "\n\n"
            + "- Full-time employees receive 20 days of paid leave each year. [1]",
            answer); // the contractors sentence scores well below it and is not padded in

    }

    [Fact]
    public void Answer_Japanese_SplitsOnJapanesePunctuationAndUsesJapaneseLabel()
    {
        var sources = Passages.Many(
            "社員食堂は8時に開きます。正社員には年間20日の有給休暇が付与されます！申請は上長へ。",
            "派遣社員は有給休暇の対象外です？");

        var answer = ExtractiveAnswerer.Answer("有給休暇は何日付与されますか？", sources, "ja", maxSentences: 1);

        Assert.Equal(ExtractiveAnswerer.JapaneseLabel + "\n\n- 正社員には年間20日の有給休暇が付与されます！ [1]", answer);
    }

    [Fact]
    public void Answer_CitationsInAnswer_AreAllValidForMapper()
    {
        var sources = Passages.Many("Alpha leave rule. Beta leave rule.", "Gamma leave rule.", "Delta leave rule.");

        var answer = ExtractiveAnswerer.Answer("leave rule", sources, "en", maxSentences: 3);
        var (clean, citations) = CitationMapper.Map(answer, sources);

        Assert.Equal(answer, clean);
        Assert.Equal(3, answer.Split('\n').Count(l => l.StartsWith("- ", StringComparison.Ordinal)));
        Assert.NotEmpty(citations);
    }

    [Fact]
    public void Answer_SourceContainsBracketNumbers_TheyAreNotMistakenForCitations()
    {
        var sources = Passages.Many("Leave is 20 days [7] per policy.");

        var answer = ExtractiveAnswerer.Answer("leave days", sources, "en");

        Assert.DoesNotContain("[7]", answer);
        Assert.EndsWith("- Leave is 20 days per policy. [1]", answer);
    }

    [Fact]
    public void Answer_NoOverlap_FallsBackToLeadingSentenceOfTopSources()
    {
        var sources = Passages.Many("First passage opens here. More text.", "Second passage opens here.");

        var answer = ExtractiveAnswerer.Answer("xyzzy", sources, "en", maxSentences: 3);

        Assert.Equal(
            ExtractiveAnswerer.EnglishLabel + "\n\n- First passage opens here. [1]\n- Second passage opens here. [2]",
            answer);
    }

    [Fact]
    public void Answer_NoSources_PlainNotFoundMessage()
    {
        Assert.Equal(ExtractiveAnswerer.EnglishNoSources, ExtractiveAnswerer.Answer("q", [], "en"));
        Assert.Equal(ExtractiveAnswerer.JapaneseNoSources, ExtractiveAnswerer.Answer("q", [], "ja"));
    }

    [Fact]
    public void Answer_DuplicateSentences_QuotedOnce()
    {
        var sources = Passages.Many("Paid leave is 20 days.", "Paid leave is 20 days.");

        var answer = ExtractiveAnswerer.Answer("paid leave days", sources, "en");

        Assert.Equal(1, answer.Split("Paid leave is 20 days.").Length - 1);
    }

    [Fact]
    public void Answer_LongSentence_Truncated()
    {
        var sources = Passages.Many("leave " + new string('x', 1000));

        var answer = ExtractiveAnswerer.Answer("leave", sources, "en");

        Assert.Contains("… [1]", answer);
        Assert.True(answer.Length < ExtractiveAnswerer.EnglishLabel.Length + ExtractiveAnswerer.MaxSentenceLength + 20);
    }

    [Fact]
    public void Answer_ZeroMaxSentences_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ExtractiveAnswerer.Answer("q", [], "en", 0));
    }

    [Fact]
    public void SplitSentences_MixedText_SplitsOnTerminatorsAndLines()
    {
        var sentences = ExtractiveAnswerer.SplitSentences("# Heading\n- Item one. Version 3.5 is out!\n本文です。次の文？最後");

        Assert.Equal(["Heading", "Item one.", "Version 3.5 is out!", "本文です。", "次の文？", "最後"], sentences);
    }
}

public class ExtractiveSentenceScoringTests
{
    private static string Bullets(string answer) => string.Join("\n", answer.Split('\n').Where(l => l.StartsWith("- ", StringComparison.Ordinal)));

    [Theory]
    [InlineData("When a national holiday falls on a Sunday, the next weekday is a substitute holiday, e.g. 6 May 2026. Offices close.", "e.g. 6 May 2026.")]
    [InlineData("Contoso Japan K.K. is the employer. Dr. Sato leads the clinic. Form No. 3 is required.", "Dr. Sato leads the clinic.")]
    public void Answer_Abbreviations_NeverCutASentence(string text, string whole)
    {
        var answer = ExtractiveAnswerer.Answer("substitute holiday clinic form employer", Passages.Many(text), "en", maxSentences: 3);

        Assert.Contains(whole, answer);
        Assert.DoesNotContain("- 6 May 2026.", answer);
        Assert.DoesNotContain("- Sato leads", answer);
    }

    [Fact]
    public void Answer_HeadingLine_NeverQuotedAlone()
    {
        var passage = Passages.Make("Annual leave\nNew employees receive 10 days of paid annual leave six months after joining.",
            locator: new(HeadingPath: "Leave > Annual leave"));

        var answer = ExtractiveAnswerer.Answer("annual leave", [passage], "en");

        Assert.Equal("- New employees receive 10 days of paid annual leave six months after joining. [1]", Bullets(answer));
    }

    [Fact]
    public void Answer_BetterSentenceInLaterSource_ComesFirst()
    {
        var sources = Passages.Many(
            "Please arrive at the reception of the head office. Your buddy meets you at reception.",
            "Reception is open 8:30–19:00 on business days.");

        var answer = ExtractiveAnswerer.Answer("What are the reception hours?", sources, "en");

        Assert.StartsWith("- Reception is open 8:30–19:00 on business days. [2]", Bullets(answer));
    }

    [Fact]
    public void Answer_TableRows_QuotedWholeAsHeaderValue()
    {
        var passage = Passages.Make("慶弔休暇\n慶弔休暇は有給の特別休暇です。事由が発生した日から1か月以内に申請してください。\n事由: 本人の結婚; 日数: 5日\n事由: 配偶者の出産; 日数: 3日",
            locator: new(HeadingPath: "慶弔休暇"));

        var answer = ExtractiveAnswerer.Answer("結婚したときの慶弔休暇は何日ですか？", [passage], "ja");

        Assert.StartsWith("- 事由: 本人の結婚; 日数: 5日 [1]", Bullets(answer));
        Assert.DoesNotContain("- 慶弔休暇 [1]", answer);
    }

    [Fact]
    public void Answer_DateWrittenDifferently_StillMatches()
    {
        var sources = Passages.Many(
            "Date: 2026-04-29; Holiday: Showa Day; Office closed: Yes",
            "Date: 2026-05-06; Holiday: Substitute holiday; Office closed: Yes");

        var answer = ExtractiveAnswerer.Answer("Is the office closed on 6 May?", sources, "en", maxSentences: 1);

        Assert.Equal("- Date: 2026-05-06; Holiday: Substitute holiday; Office closed: Yes [2]", Bullets(answer));
    }

    [Fact]
    public void Answer_WeakSentences_NotPaddedBelowTheBest()
    {
        var sources = Passages.Many(
            "Taxis are allowed after 22:00 when public transport is not running.",
            "The office has a taxi rank outside.");

        var answer = ExtractiveAnswerer.Answer("Are taxis allowed after 22:00?", sources, "en", maxSentences: 3);

        Assert.Equal("- Taxis are allowed after 22:00 when public transport is not running. [1]", Bullets(answer));
    }
}

public class AnswerTypeTests
{
    [Theory]
    [InlineData("What are the reception hours?", AnswerKind.Hours)]
    [InlineData("受付は何時から何時までですか？", AnswerKind.Hours)]
    [InlineData("What time does the cafeteria open?", AnswerKind.Time)]
    [InlineData("How many days of leave do I get?", AnswerKind.Number)]
    [InlineData("有給休暇は何日ですか？", AnswerKind.Number)]
    [InlineData("When is the deadline for expenses?", AnswerKind.Date)]
    [InlineData("いつまでに申請しますか？", AnswerKind.Date)]
    [InlineData("Who approves remote work?", AnswerKind.None)]
    public void Of_Question_ExpectedKind(string question, AnswerKind kind) => Assert.Equal(kind, AnswerType.Of(question).Kind);

    [Theory]
    [InlineData("How many days of leave do I get?", "New employees receive 10 days of paid leave.", true)]
    [InlineData("How many days of leave do I get?", "Apply within 1 month.", false)]
    [InlineData("有給休暇は何日ですか？", "事由: 本人の結婚; 日数: 5日", true)]
    [InlineData("有給休暇は何日ですか？", "1か月以内に申請してください。", false)]
    [InlineData("What are the reception hours?", "Reception is open 8:30–19:00.", true)]
    [InlineData("What are the reception hours?", "Arrive at 9:30 at reception.", false)]
    [InlineData("受付は何時から何時までですか？", "受付は18階です(平日8:30〜19:00)", true)]
    public void Holds_Sentence_WhetherItStatesTheValue(string question, string sentence, bool expected) =>
        Assert.Equal(expected, AnswerType.Of(question).Holds(sentence));
}
