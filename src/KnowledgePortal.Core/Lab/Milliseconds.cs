using System.Globalization;

namespace KnowledgePortal.Core.Lab;

/// <summary>Durations as people read them: sub-millisecond extractive answers are not "0 ms".</summary>
public static class Milliseconds
{
    /// <summary>"–" (none), "&lt;0.1 ms", "0.4 ms", "9.5 ms", "42 ms", "1,234 ms" (in the given or current culture).</summary>
    public static string Format(double? milliseconds, IFormatProvider? culture = null)
    {
        culture ??= CultureInfo.CurrentCulture;
        return milliseconds switch
        {
            null => "–",
            < 0.1 => "<0.1 ms",
            < 10 => milliseconds.Value.ToString("0.0", culture) + " ms",
            _ => milliseconds.Value.ToString("N0", culture) + " ms",
        };
    }
}
