using KnowledgePortal.Core.Lab;

namespace KnowledgePortal.Tests.Lab;

public class LabQuestionParserTests
{
    [Fact]
    public void Parse_ArrowTabAndJsonLines_ReadsQuestionsAndExpectedAnswers()
    {
        var text = """
            # comment lines and blank lines are skipped

            How many days of paid leave? => 20 days | twenty days
            有給休暇は何日ですか？	20日
            {"id": "q3", "context": "ignored", "question": "Who approves expenses?", "answers": ["the manager", " "]}
            What is the VPN address?
            """;

        var result = LabQuestionParser.Parse(text);

        Assert.Empty(result.Errors);
        Assert.Equal(4, result.Questions.Count);
        Assert.Equal("How many days of paid leave?", result.Questions[0].Question);
        Assert.Equal(["20 days", "twenty days"], result.Questions[0].ExpectedAnswers);
        Assert.Equal("有給休暇は何日ですか？", result.Questions[1].Question);
        Assert.Equal(["20日"], result.Questions[1].ExpectedAnswers);
        Assert.Equal("Who approves expenses?", result.Questions[2].Question);
        Assert.Equal(["the manager"], result.Questions[2].ExpectedAnswers);
        Assert.Empty(result.Questions[3].ExpectedAnswers);
    }

    [Fact]
    public void Parse_BrokenLines_ReportsEachWithLineNumberAndKeepsTheRest()
    {
        var result = LabQuestionParser.Parse("Good question => yes\n{not json\n => only an answer\n{\"answers\": [\"x\"]}\nAnother one");

        Assert.Equal(["Good question", "Another one"], result.Questions.Select(q => q.Question));
        Assert.Equal([(2, LabErrorCode.InvalidJson), (3, LabErrorCode.EmptyQuestion), (4, LabErrorCode.NoQuestionInJson)],
            result.Errors.Select(e => (e.Line, e.Code)));
        Assert.StartsWith("Line 2:", result.Errors[0].Message);
    }

    [Fact]
    public void Parse_MoreThanTheLimit_ReportsTooMany()
    {
        var text = string.Join("\n", Enumerable.Range(1, LabQuestionParser.MaxQuestions + 1).Select(i => $"Question {i}?"));

        var result = LabQuestionParser.Parse(text);

        var error = Assert.Single(result.Errors);
        Assert.Equal(LabErrorCode.TooManyQuestions, error.Code);
        Assert.Equal(0, error.Line);
    }

    [Fact]
    public void Parse_TooLongQuestion_IsRejected()
    {
        var result = LabQuestionParser.Parse(new string('x', LabQuestionParser.MaxQuestionLength + 1));

        Assert.Empty(result.Questions);
        Assert.Equal(LabErrorCode.QuestionTooLong, Assert.Single(result.Errors).Code);
    }

    [Fact]
    public void Format_ThenParse_RoundTrips()
    {
        LabQuestionInput[] questions = [new("Q one?", ["a", "b"]), new("Q two?", []), new("三つ目？", ["三"])];

        var parsed = LabQuestionParser.Parse(LabQuestionParser.Format(questions));

        Assert.Empty(parsed.Errors);
        Assert.Equal(questions.Select(q => (q.Question, string.Join("|", q.ExpectedAnswers))),
            parsed.Questions.Select(q => (q.Question, string.Join("|", q.ExpectedAnswers))));
    }
}
