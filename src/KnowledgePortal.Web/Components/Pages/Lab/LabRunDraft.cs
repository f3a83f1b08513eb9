using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Lab;

namespace KnowledgePortal.Web.Components.Pages.Lab;

/// <summary>What <see cref="LabNewRunPanel"/> edits: the run's title, its questions (as typed and as parsed), models and collections.</summary>
public sealed class LabRunDraft
{
    public string? Title { get; set; }
    public int? SetId { get; set; }
    public string? SetName { get; set; }
    public string QuestionsText { get; private set; } = "";
    public LabParseResult Parsed { get; private set; } = LabQuestionParser.Parse("");
    /// <summary>Names of the chosen provider profiles.</summary>
    public HashSet<string> Chosen { get; } = new(StringComparer.Ordinal);
    public IReadOnlyCollection<int> Collections { get; set; } = [];

    public void SetQuestions(string? text)
    {
        QuestionsText = text ?? "";
        Parsed = LabQuestionParser.Parse(QuestionsText);
    }

    /// <summary>Takes a saved set's name and questions; the title too, unless one was typed.</summary>
    public void Load(LabQuestionSet set)
    {
        SetName = set.Name;
        Title ??= set.Name;
        SetQuestions(LabQuestionParser.Format(set.Questions.Select(q => new LabQuestionInput(q.Text, q.ExpectedAnswers))));
    }

    /// <summary>The questions are still exactly those of the chosen saved set (so the run can name it).</summary>
    public bool SetUnchanged(IEnumerable<LabQuestionSet> sets) =>
        sets.FirstOrDefault(s => s.Id == SetId) is { } set
        && LabQuestionParser.Format(set.Questions.Select(q => new LabQuestionInput(q.Text, q.ExpectedAnswers))) == LabQuestionParser.Format(Parsed.Questions);
}
