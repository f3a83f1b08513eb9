using KnowledgePortal.Core.Answering;

namespace KnowledgePortal.Tests.Answering;

public class ExtractiveAnswererTests
{
    [Fact]
    public void Answer_English_LabelThenBestOverlappingSentencesCited()
    {
        var sources = Passages.Many(
            "The cafeteria opens at 8 am. Full-time employees receive 20 days of paid leave each year. Leave requests go to your manager.",
            "Contractors are not entitled to paid leave. Contractors invoice monthly.");

        var answer = ExtractiveAnswerer.Answer("How many days of paid leave do employees receive?", sources, "en", maxSentences: 2);

        Assert.Equal(
            ExtractiveAnswerer.EnglishLabel + "\n\n"
            + "- Full-time employees receive 20 days of paid leave each year. [1]\n"
            + "- Contractors are not entitled to paid leave. [2]",
            answer);
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
