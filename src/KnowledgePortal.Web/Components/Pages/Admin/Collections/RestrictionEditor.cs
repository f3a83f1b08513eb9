using KnowledgePortal.Core.Access;

namespace KnowledgePortal.Web.Components.Pages.Admin.Collections;

/// <summary>What <see cref="DocumentRestrictionEditor"/> edits: which of the collection's granted groups may read one document.</summary>
public sealed class RestrictionEditor
{
    public sealed class Option
    {
        public int GroupId { get; init; }
        public string Name { get; init; } = "";
        public bool Selected { get; set; }
    }

    public Guid DocumentId { get; init; }
    public string Title { get; init; } = "";
    public bool WasRestricted { get; init; }
    public List<Option> Options { get; init; } = [];

    /// <summary>The groups with a grant on the document's collection, by name; those it is restricted to are ticked.</summary>
    public static RestrictionEditor For(AdminDocument document, IReadOnlyList<CollectionGrant> groups) => new()
    {
        DocumentId = document.Id,
        Title = document.Title,
        WasRestricted = document.RestrictedToGroupIds is not null,
        Options = groups.Where(g => g.Level is not null)
            .Select(g => new Option { GroupId = g.GroupId, Name = g.Group, Selected = document.RestrictedToGroupIds?.Contains(g.GroupId) ?? false })
            .OrderBy(o => o.Name, StringComparer.OrdinalIgnoreCase).ToList(),
    };

    public int[] SelectedGroupIds() => Options.Where(o => o.Selected).Select(o => o.GroupId).ToArray();
}
