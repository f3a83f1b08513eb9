using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Domain;

namespace KnowledgePortal.Web.Components.Pages.Admin.Collections;

/// <summary>What <see cref="CollectionGrantsPanel"/> edits: every group's level on one collection, as loaded and as chosen.</summary>
public sealed class GrantsEditor
{
    public sealed class Row
    {
        public int GroupId { get; init; }
        public string GroupName { get; init; } = "";
        public GrantChoice Original { get; init; }
        public GrantChoice Choice { get; set; }
    }

    public int CollectionId { get; init; }
    public string CollectionName { get; init; } = "";
    public List<Row> Rows { get; init; } = [];

    public static GrantsEditor For(AdminCollection collection, IReadOnlyList<CollectionGrant> groups) => new()
    {
        CollectionId = collection.Id,
        CollectionName = collection.Name,
        Rows = groups.Select(g =>
        {
            var choice = g.Level switch { AccessLevel.Manage => GrantChoice.Manage, null => GrantChoice.None, _ => GrantChoice.Read };
            return new Row { GroupId = g.GroupId, GroupName = g.Group, Original = choice, Choice = choice };
        }).ToList(),
    };

    /// <summary>The grants as chosen, for <see cref="AccessAdministration.SetGrantsAsync"/>.</summary>
    public List<(int GroupId, AccessLevel Level)> Grants() => Rows.Where(r => r.Choice != GrantChoice.None)
        .Select(r => (r.GroupId, r.Choice == GrantChoice.Manage ? AccessLevel.Manage : AccessLevel.Read))
        .ToList();
}
