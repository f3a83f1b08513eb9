namespace KnowledgePortal.Core.Domain;

/// <summary>Where a passage comes from inside its document; rendered in citations.</summary>
/// <param name="Paragraph">Number of the paragraph (1-based, Word files): the locator of last resort, shown only when
/// the passage has no page, slide, sheet or heading.</param>
public sealed record SourceLocator(
    int? Page = null,
    int? Slide = null,
    string? Sheet = null,
    string? CellRange = null,
    string? HeadingPath = null,
    int? Paragraph = null)
{
    /// <summary>Short human label: "p. 3", "slide 4", "Prices!A2:D40", "Leave > Annual leave", "¶ 12".</summary>
    public string ToDisplay()
    {
        var parts = new List<string>(3);
        if (Page is { } p) parts.Add($"p. {p}");
        if (Slide is { } s) parts.Add($"slide {s}");
        if (Sheet is not null) parts.Add(CellRange is null ? Sheet : $"{Sheet}!{CellRange}");
        if (!string.IsNullOrEmpty(HeadingPath)) parts.Add(HeadingPath);
        if (parts.Count == 0 && Paragraph is { } n) parts.Add($"¶ {n}");
        return string.Join(" · ", parts);
    }

    /// <summary>Chunks never span two different boundaries (page, slide, sheet).</summary>
    public string BoundaryKey => $"{Page}|{Slide}|{Sheet}";
}
