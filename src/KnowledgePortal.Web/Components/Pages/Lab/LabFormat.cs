using System.Globalization;
using KnowledgePortal.Core.Lab;
using MudBlazor;

namespace KnowledgePortal.Web.Components.Pages.Lab;

/// <summary>How the model lab's panels write money, durations, run states and run links.</summary>
public static class LabFormat
{
    public static string RunHref(Guid id) => $"/admin/lab/{id}";

    public static string Money(decimal value) => "$" + value.ToString("0.0000", CultureInfo.InvariantCulture);

    public static string Ms(double? value) => Milliseconds.Format(value);

    public static Color StateColor(LabRunState state) => state switch
    {
        LabRunState.Completed => Color.Success,
        LabRunState.Running => Color.Info,
        LabRunState.Failed or LabRunState.Interrupted => Color.Error,
        _ => Color.Default,
    };
}
