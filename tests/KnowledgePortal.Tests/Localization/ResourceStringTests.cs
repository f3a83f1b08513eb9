using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using KnowledgePortal.Tests.Infrastructure;

namespace KnowledgePortal.Tests.Localization;

/// <summary>The UI strings (generated from strings.tsv): every one is a valid format string, the same in both languages.</summary>
public partial class ResourceStringTests
{
    private static Dictionary<string, string> Load(string file) =>
        XDocument.Load(Path.Combine(RepoPaths.Root, "src", "KnowledgePortal.Web", "Resources", file)).Root!.Elements("data")
            .ToDictionary(d => d.Attribute("name")!.Value, d => d.Element("value")!.Value);

    [Fact]
    public void StringsTsv_SourceOfTheResx_HoldsExactlyTheirStrings()
    {
        // scripts/resx.py regenerates the .resx from strings.tsv: a string edited only in a .resx is lost on the next run.
        var rows = File.ReadAllLines(Path.Combine(RepoPaths.Root, "src", "KnowledgePortal.Web", "Resources", "strings.tsv"))
            .Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('\t')).ToDictionary(r => r[0], r => (En: r[1], Ja: r[2]));
        var english = Load("SharedResource.resx");
        var japanese = Load("SharedResource.ja.resx");

        Assert.Equal(rows.Keys.Order(), english.Keys.Order());
        Assert.All(english, e => Assert.Equal(rows[e.Key].En, e.Value));
        Assert.All(japanese, j => Assert.Equal(rows[j.Key].Ja, j.Value));
    }

    [Fact]
    public void Resources_EveryString_FormatsWithoutErrorAndUsesTheSamePlaceholdersInJapanese()
    {
        var english = Load("SharedResource.resx");
        var japanese = Load("SharedResource.ja.resx");
        Assert.Equal(english.Keys.Order(), japanese.Keys.Order());
        var problems = new List<string>();
        foreach (var (key, en) in english)
        {
            if (key.StartsWith("Msg.", StringComparison.Ordinal))
            {
                // Core messages are filled by name (PortalMessage.Fill), never through string.Format.
                if (!NamedPlaceholders(en).SetEquals(NamedPlaceholders(japanese[key]))) problems.Add($"{key}: named placeholders differ between English and Japanese");
                continue;
            }
            // Pages pass strings through string.Format, so a stray brace would break the page at run time.
            foreach (var (lang, text) in new[] { ("en", en), ("ja", japanese[key]) })
            {
                try { _ = string.Format(CultureInfo.InvariantCulture, text, Enumerable.Range(0, 10).Select(i => (object)i).ToArray()); }
                catch (FormatException) { problems.Add($"{key} ({lang}): not a valid format string"); }
            }
            if (!Placeholders(en).SetEquals(Placeholders(japanese[key]))) problems.Add($"{key}: placeholders differ between English and Japanese");
        }
        Assert.Empty(problems);
    }

    private static HashSet<string> Placeholders(string text) =>
        Placeholder().Matches(text.Replace("{{", "").Replace("}}", "")).Select(m => m.Groups[1].Value).ToHashSet();

    [GeneratedRegex(@"\{(\d+)[^}]*\}")] private static partial Regex Placeholder();

    private static HashSet<string> NamedPlaceholders(string text) => NamedPlaceholder().Matches(text).Select(m => m.Groups[1].Value).ToHashSet();

    [GeneratedRegex(@"\{([A-Za-z]\w*)\}")] private static partial Regex NamedPlaceholder();
}
