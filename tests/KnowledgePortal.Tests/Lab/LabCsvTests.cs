using KnowledgePortal.Core.Answering;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Lab;

namespace KnowledgePortal.Tests.Lab;

public class LabCsvTests
{
    private static readonly RetrievedPassage Passage = new(1, Guid.NewGuid(), "Handbook", "handbook.docx", "Company", 1, SensitivityLabel.Internal,
        new SourceLocator(Page: 3), "Leave is 20 days.", null, 1);

    [Fact]
    public void Format_Run_WritesOneRowPerQuestionAndModelWithFormulaSafeCells()
    {
        var results = new[]
        {
            new LabResultView("Cloud", "gpt", "direct", "=HYPERLINK(\"x\") 20 days [1]", true, true, [new AnswerCitation(1, Passage)], 1, 0,
                120, 30, false, 0.000123m, 250, 900, null, false),
            new LabResultView("On-prem", null, "direct", "", false, null, [], 0, 0, 0, 0, true, 0m, null, 30000, "The model 'On-prem' did not answer within 30 s.", false),
        };
        var run = new LabRunView(new LabRunSummary(Guid.NewGuid(), "t", "Admin", DateTimeOffset.UtcNow, LabRunState.Completed, ["Cloud", "On-prem"], 1, 2, 0.000123m),
            [], null, null, [new LabQuestionView(1, "How long is leave?", ["20 days"], results)], LabProviderSummary.For(["Cloud", "On-prem"], results));

        var lines = LabCsv.Format(run).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(3, lines.Length);
        Assert.StartsWith("question_no,question,expected_answers,provider,model,route,answered,expected_match,answer,citations,", lines[0]);
        Assert.Contains("'=HYPERLINK", lines[1]);
        Assert.Contains("[1] Handbook p. 3", lines[1]);
        Assert.Contains(",0.000123,250,900,", lines[1]);
        Assert.Contains("did not answer within 30 s.", lines[2]);
    }
}
