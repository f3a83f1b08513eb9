using KnowledgePortal.Web.Components.Layout;

namespace KnowledgePortal.Tests.Foundation;

public class ThemePreferenceTests
{
    [Theory]
    [InlineData("dark", "light", "light", true)] // the user's choice wins
    [InlineData("light", "dark", "dark", false)]
    [InlineData(null, "dark", "light", true)] // then the system theme theme.js last saw
    [InlineData(null, null, "\"dark\"", true)] // then the client hint (quoted, as Chromium sends it)
    [InlineData("bogus", null, "dark", true)] // unknown values are ignored
    [InlineData(null, null, null, false)] // nothing known: light
    [InlineData("", "", "", false)]
    public void IsDark_ChoiceThenSystemCookieThenClientHint(string? choice, string? system, string? hint, bool expected)
    {
        Assert.Equal(expected, ThemePreference.IsDark(choice, system, hint));
    }
}
