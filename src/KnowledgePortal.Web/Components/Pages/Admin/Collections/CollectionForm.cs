using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Domain;

namespace KnowledgePortal.Web.Components.Pages.Admin.Collections;

/// <summary>What <see cref="CollectionFormPanel"/> edits; Id 0 creates a collection.</summary>
public sealed class CollectionForm
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public SensitivityLabel Label { get; set; } = SensitivityLabel.Internal;
    public SensitivityLabel OriginalLabel { get; set; }
    public int? ReviewIntervalDays { get; set; } = 365;

    public static CollectionForm Edit(AdminCollection c) => new()
    {
        Id = c.Id, Name = c.Name, Description = c.Description, Label = c.Sensitivity, OriginalLabel = c.Sensitivity, ReviewIntervalDays = c.ReviewIntervalDays,
    };
}
