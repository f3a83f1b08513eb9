using KnowledgePortal.Core.Access;

namespace KnowledgePortal.Web.Components.Pages.Admin.Collections;

/// <summary>What <see cref="CollectionDocumentsPanel"/> shows: one collection's documents, filtered by title.</summary>
public sealed class DocumentsListing
{
    /// <summary>Documents listed at most; the panel says when there are more.</summary>
    public const int Limit = 200;

    public int CollectionId { get; init; }
    public string CollectionName { get; init; } = "";
    public string? Filter { get; set; }
    public IReadOnlyList<AdminDocument> Rows { get; set; } = [];
    public bool More { get; set; }
}
