using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Domain;

namespace KnowledgePortal.Web.Components.Pages.Admin.Groups;

/// <summary>What <see cref="GroupFormPanel"/> edits; Id 0 creates a group. <see cref="Role"/> is a <see cref="PortalRole"/> name or "".</summary>
public sealed class GroupForm
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public string Role { get; set; } = "";

    public PortalRole? GrantsRole => Enum.TryParse<PortalRole>(Role, out var parsed) ? parsed : null;

    public static GroupForm Edit(AdminGroup g) => new()
    {
        Id = g.Id, Name = g.Name, Description = g.Description, Role = g.GrantsRole?.ToString() ?? "",
    };
}
