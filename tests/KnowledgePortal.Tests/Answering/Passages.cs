using KnowledgePortal.Core.Domain;

namespace KnowledgePortal.Tests.Answering;

/// <summary>Builders for <see cref="RetrievedPassage"/> test data.</summary>
internal static class Passages
{
    public static RetrievedPassage Make(
        string text,
        string title = "Handbook",
        SensitivityLabel sensitivity = SensitivityLabel.Internal,
        SourceLocator? locator = null,
        string? context = null,
        long chunkId = 1,
        double score = 1.0) =>
        new(chunkId,
            Guid.Parse("11111111-2222-3333-4444-555555555555"),
            title,
            title.ToLowerInvariant().Replace(' ', '-') + ".pdf",
            "HR",
            7,
            sensitivity,
            locator ?? new SourceLocator(Page: 1),
            text,
            context,
            score);

    public static IReadOnlyList<RetrievedPassage> Many(params string[] texts) =>
        texts.Select((t, i) => Make(t, title: $"Doc {i + 1}", chunkId: i + 1, score: 1.0 - i * 0.1)).ToList();

    public static IReadOnlyList<RetrievedPassage> WithLabels(params SensitivityLabel[] labels) =>
        labels.Select((l, i) => Make($"Passage {i + 1}.", title: $"Doc {i + 1}", sensitivity: l, chunkId: i + 1)).ToList();
}
