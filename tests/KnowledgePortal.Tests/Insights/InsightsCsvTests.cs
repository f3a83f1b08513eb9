using KnowledgePortal.Core.Insights;

namespace KnowledgePortal.Tests.Insights;

public class InsightsCsvTests
{
    [Fact]
    public void Feedback_FormulaAndCommasAreEscaped()
    {
        var csv = InsightsCsv.Feedback([new FeedbackItem(7, new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero), "u1", -1,
            "=HYPERLINK(\"x\")", "What, exactly?", "+1 answer", ["Doc A", "@Doc B"])]);

        var lines = csv.Split("\r\n");
        Assert.Equal("id,at_utc,user_id,rating,comment,question,answer,sources,answer_hidden", lines[0]);
        Assert.Equal("7,2026-03-01T10:00:00.000Z,u1,'-1,\"'=HYPERLINK(\"\"x\"\")\",\"What, exactly?\",'+1 answer,Doc A; @Doc B,false", lines[1]);
    }

    [Fact]
    public void Feedback_HiddenAnswerForKnowledgeManager_EmptyAnswerUserAndSources()
    {
        var csv = InsightsCsv.Feedback([new FeedbackItem(8, new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero), null, 1, null, "Q?", null, [],
            AnswerHidden: true)]);

        Assert.Equal("8,2026-03-01T10:00:00.000Z,,1,,Q?,,,true", csv.Split("\r\n")[1]);
    }

    [Fact]
    public void Unanswered_QuestionStartingWithAt_GetsApostrophe()
    {
        var csv = InsightsCsv.Unanswered([new UnansweredQuestion(new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero), "u2", "@SUM(A1)")]);

        Assert.Equal("at_utc,user_id,question\r\n2026-03-02T00:00:00.000Z,u2,'@SUM(A1)\r\n", csv);
    }

    [Fact]
    public void Ledger_WritesInvariantNumbers()
    {
        var csv = InsightsCsv.Ledger([new LedgerRow(1, new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), "u", "P1", "m", "cloud", 10, 5, true,
            0.123456m, null, 900, false, [1, 2], [])]);

        Assert.EndsWith("1,2026-03-01T00:00:00.000Z,u,P1,m,cloud,10,5,true,0.123456,,900,false,1 2,\r\n", csv);
    }
}
