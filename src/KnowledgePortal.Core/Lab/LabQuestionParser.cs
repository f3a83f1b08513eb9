using System.Text.Json;
using System.Text.Json.Serialization;

namespace KnowledgePortal.Core.Lab;

public sealed record LabQuestionInput(string Question, IReadOnlyList<string> ExpectedAnswers);

/// <summary>A line that could not be read (Line 0: the list as a whole), with an English message and a code for the UI's translation.</summary>
public sealed record LabParseError(int Line, LabErrorCode Code, string Message);

public sealed record LabParseResult(IReadOnlyList<LabQuestionInput> Questions, IReadOnlyList<LabParseError> Errors);

/// <summary>
/// Reads a question list typed or pasted by an admin. One question per line, in any of three forms:
/// <c>question =&gt; answer | other answer</c>, <c>question&lt;TAB&gt;answer | other answer</c> (two columns pasted from a
/// spreadsheet), or a JSON object with <c>question</c> and <c>answers</c> (the ./portal eval format; other keys ignored).
/// A line without expected answers is asked but not judged.
/// </summary>
public static class LabQuestionParser
{
    public const int MaxQuestions = 200;
    public const int MaxQuestionLength = 4000;

    public static LabParseResult Parse(string? text)
    {
        var questions = new List<LabQuestionInput>();
        var errors = new List<LabParseError>();
        var lines = (text ?? "").Replace("\r\n", "\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var parsed = line.StartsWith('{') ? FromJson(line) : FromText(line);
            if (parsed.Error is { } error) { errors.Add(new LabParseError(i + 1, error.Code, $"Line {i + 1}: {error.Message}")); continue; }
            var q = parsed.Question!;
            if (q.Question.Length > MaxQuestionLength)
            {
                errors.Add(new LabParseError(i + 1, LabErrorCode.QuestionTooLong, $"Line {i + 1}: the question is longer than {MaxQuestionLength:N0} characters."));
                continue;
            }
            questions.Add(q);
        }
        if (questions.Count > MaxQuestions)
            errors.Add(new LabParseError(0, LabErrorCode.TooManyQuestions, $"{questions.Count} questions: a run takes at most {MaxQuestions}. Split the list into several sets."));
        return new LabParseResult(questions, errors);
    }

    /// <summary>The list as text in the first form, so a saved set can be edited where it was typed.</summary>
    public static string Format(IEnumerable<LabQuestionInput> questions) => string.Join("\n", questions.Select(q =>
        q.ExpectedAnswers.Count == 0 ? OneLine(q.Question) : $"{OneLine(q.Question)} => {string.Join(" | ", q.ExpectedAnswers.Select(OneLine))}"));

    private static string OneLine(string s) => s.ReplaceLineEndings(" ").Trim();

    private static (LabQuestionInput? Question, LabError? Error) FromText(string line)
    {
        var arrow = line.IndexOf("=>", StringComparison.Ordinal);
        var tab = line.IndexOf('\t');
        var split = arrow >= 0 ? arrow : tab;
        var question = (split >= 0 ? line[..split] : line).Trim();
        var answers = split >= 0 ? Answers(line[(split + (arrow >= 0 ? 2 : 1))..]) : [];
        if (question.Length == 0) return (null, new LabError(LabErrorCode.EmptyQuestion, "the question is empty."));
        return (new LabQuestionInput(question, answers), null);
    }

    private static string[] Answers(string s) =>
        s.Split(['|', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToArray();

    private sealed class JsonLine
    {
        [JsonPropertyName("question")] public string? Question { get; set; }
        [JsonPropertyName("answers")] public string[]? Answers { get; set; }
    }

    private static (LabQuestionInput? Question, LabError? Error) FromJson(string line)
    {
        JsonLine? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<JsonLine>(line);
        }
        catch (JsonException)
        {
            return (null, new LabError(LabErrorCode.InvalidJson, "not valid JSON (expected {\"question\": \"…\", \"answers\": [\"…\"]})."));
        }
        if (string.IsNullOrWhiteSpace(parsed?.Question)) return (null, new LabError(LabErrorCode.NoQuestionInJson, "the JSON object has no \"question\"."));
        var answers = (parsed.Answers ?? []).Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a.Trim()).Distinct(StringComparer.Ordinal).ToArray();
        return (new LabQuestionInput(parsed.Question.Trim(), answers), null);
    }
}
