using KnowledgePortal.Core.Answering;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Text;

namespace KnowledgePortal.Core.Lab;

public sealed record LabRunRequest(
    string Title,
    IReadOnlyList<LabQuestionInput> Questions,
    IReadOnlyList<string> Providers,
    IReadOnlyList<int>? CollectionIds = null,
    int? QuestionSetId = null);

/// <summary>A provider profile the lab can ask, with what it costs and may see.</summary>
public sealed record LabProvider(string Name, string? Model, ProviderKind Kind, ProviderLocation Location, SensitivityLabel MaxSensitivity,
    decimal InputPricePerMillion, decimal OutputPricePerMillion);

public sealed record LabRunSummary(Guid Id, string Title, string CreatedByName, DateTimeOffset CreatedAt, LabRunState State,
    IReadOnlyList<string> Providers, int QuestionCount, int ResultCount, decimal Cost);

/// <summary>Status as shown: <see cref="LabRunStatus"/> plus Interrupted for a run whose process stopped.</summary>
public enum LabRunState { Running, Completed, Cancelled, Failed, Interrupted }

/// <summary>
/// One provider's answer as a viewer may see it. Hidden: built from passages the viewer cannot read now. Error is English
/// (CSV, CLI); ErrorMessage is the same for the page to show in the viewer's language.
/// </summary>
public sealed record LabResultView(
    string Provider, string? Model, string Route, string Answer, bool Answered, bool? ExpectedMatch,
    IReadOnlyList<AnswerCitation> Citations, int SentCount, int WithheldCount,
    int InputTokens, int OutputTokens, bool TokensEstimated, decimal Cost, double? FirstTokenMs, double TotalMs, string? Error, bool Hidden,
    PortalMessage? ErrorMessage = null);

public sealed record LabQuestionView(int Ordinal, string Question, IReadOnlyList<string> ExpectedAnswers, IReadOnlyList<LabResultView> Results);

public sealed record LabRunView(LabRunSummary Run, IReadOnlyList<int> CollectionIds, string? QuestionSetName, string? Error,
    IReadOnlyList<LabQuestionView> Questions, IReadOnlyList<LabProviderSummary> Summary);

/// <summary>Totals per provider over a run, the figures a model choice is made on.</summary>
public sealed record LabProviderSummary(
    string Provider, int Results, int Answered, int Judged, int Matched, int Errors,
    long InputTokens, long OutputTokens, decimal Cost, double? FirstTokenP50Ms, double? TotalP50Ms, double? TotalP95Ms)
{
    /// <summary>Share of judged answers (questions with expected answers) that contained one; null when none was judged.</summary>
    public double? MatchRate => Judged == 0 ? null : Matched / (double)Judged;

    public static IReadOnlyList<LabProviderSummary> For(IReadOnlyList<string> providers, IEnumerable<LabResultView> results)
    {
        var byProvider = results.GroupBy(r => r.Provider).ToDictionary(g => g.Key, g => g.ToList());
        return providers.Select(p =>
        {
            var rs = byProvider.GetValueOrDefault(p) ?? [];
            var ok = rs.Where(r => r.Error is null).ToList();
            var judged = ok.Where(r => r.ExpectedMatch is not null).ToList();
            return new LabProviderSummary(p, rs.Count, ok.Count(r => r.Answered), judged.Count, judged.Count(r => r.ExpectedMatch == true),
                rs.Count(r => r.Error is not null), rs.Sum(r => (long)r.InputTokens), rs.Sum(r => (long)r.OutputTokens), rs.Sum(r => r.Cost),
                // Over the same rows as the total: a reply without a first token counts at its total, so first token ≤ total.
                Percentile(ok.Select(r => Math.Min(r.FirstTokenMs ?? r.TotalMs, r.TotalMs)), 0.5),
                Percentile(ok.Select(r => r.TotalMs), 0.5), Percentile(ok.Select(r => r.TotalMs), 0.95));
        }).ToList();
    }

    /// <summary>Continuous percentile (linear interpolation, as PostgreSQL's percentile_cont); null for no values.</summary>
    public static double? Percentile(IEnumerable<double> values, double fraction)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return null;
        var position = fraction * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
    }
}

/// <summary>Why the lab refused something; <see cref="Message"/> is English (CLI, logs), the UI translates <see cref="Code"/>.</summary>
public sealed record LabError(LabErrorCode Code, string Message, string? Argument = null);

public enum LabErrorCode
{
    NoQuestions, TooManyQuestions, QuestionTooLong, EmptyQuestion, InvalidJson, NoQuestionInJson,
    TooFewModels, TooManyModels, UnknownModel, Busy, SetNameMissing, SetNameTaken, SetGone,
}
