using KnowledgePortal.Core.Domain;

namespace KnowledgePortal.Web.Components.Pages.Admin.Groups;

/// <summary>The mapping being typed in <see cref="GroupDetailsPanel"/>; the page clears the value once it is added.</summary>
public sealed class MappingDraft
{
    public GroupMappingKind Kind { get; set; } = GroupMappingKind.ExternalGroup;
    public string? Value { get; set; }
}
