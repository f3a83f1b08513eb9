using KnowledgePortal.Core.Domain;
using MudBlazor;

namespace KnowledgePortal.Web.Components.Shared;

/// <summary>One colour per sensitivity label, the same on every page.</summary>
public static class LabelColors
{
    public static Color For(SensitivityLabel label) => label switch
    {
        SensitivityLabel.Public => Color.Success,
        SensitivityLabel.Internal => Color.Info,
        SensitivityLabel.Confidential => Color.Warning,
        _ => Color.Error,
    };
}
