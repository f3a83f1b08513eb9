using System.Text.RegularExpressions;

namespace KnowledgePortal.Web.Scim;

/// <summary>
/// The one filter form provisioning clients send to look a resource up: <c>attribute eq "value"</c>. Anything else is
/// refused (invalidFilter) rather than answered with an unfiltered list the client would take for a match.
/// </summary>
public static partial class ScimFilter
{
    [GeneratedRegex("""^\s*([A-Za-z][A-Za-z0-9.]*)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex EqualsFilter();

    /// <summary>(attribute, value) of <paramref name="filter"/>, or (null, null) without one; throws for other forms or attributes.</summary>
    public static (string? Attribute, string? Value) Parse(string? filter, params string[] attributes)
    {
        if (string.IsNullOrWhiteSpace(filter)) return (null, null);
        var m = EqualsFilter().Match(filter);
        var attribute = m.Success ? attributes.FirstOrDefault(a => a.Equals(m.Groups[1].Value, StringComparison.OrdinalIgnoreCase)) : null;
        if (attribute is null)
            throw new ScimException(400, "invalidFilter", $"Only 'attribute eq \"value\"' is supported, for {string.Join(", ", attributes)}.");
        return (attribute, Regex.Unescape(m.Groups[2].Value));
    }
}
