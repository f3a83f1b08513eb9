namespace KnowledgePortal.Web.Components.Layout;

/// <summary>
/// Which theme the server renders a page in, so the first frame matches what theme.js will pick: the user's choice
/// (cookie <see cref="ChoiceCookie"/>), else the system's as the browser last reported it (cookie <see cref="SystemCookie"/>,
/// or the Sec-CH-Prefers-Color-Scheme client hint), else light.
/// </summary>
public static class ThemePreference
{
    public const string ChoiceCookie = "kp-theme";
    public const string SystemCookie = "kp-os-theme";
    public const string ClientHint = "Sec-CH-Prefers-Color-Scheme";

    public static bool IsDark(string? choice, string? system, string? hint) =>
        (Known(choice) ?? Known(system) ?? Known(hint)) == "dark";

    public static bool IsDark(HttpContext? http) => http is not null && IsDark(
        http.Request.Cookies[ChoiceCookie], http.Request.Cookies[SystemCookie], http.Request.Headers[ClientHint].ToString());

    private static string? Known(string? value) => value?.Trim().Trim('"') is "dark" or "light" ? value.Trim().Trim('"') : null;
}

/// <summary>The theme a page was first rendered in, cascaded from <c>Routes</c> to the layout.</summary>
public sealed record ThemeStart(bool Dark);
