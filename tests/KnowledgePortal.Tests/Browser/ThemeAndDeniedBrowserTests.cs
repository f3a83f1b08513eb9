using KnowledgePortal.Tests.Infrastructure;
using Microsoft.Playwright;

namespace KnowledgePortal.Tests.Browser;

/// <summary>Dark mode (system preference until the user chooses, remembered across reloads) and the access-denied page.</summary>
[Collection("portal")]
[Trait(TestTier.Name, TestTier.Browser)]
public class ThemeAndDeniedBrowserTests(PortalFixture fixture)
{
    internal static readonly string ShotDir = Path.Combine(Path.GetTempPath(), "kp-shots");

    /// <summary>Signs in like <see cref="Infrastructure.Browser.SignInAsync"/>, in a context with the given system theme and size.</summary>
    internal static async Task<IPage> SignInAsync(IBrowser browser, string baseUrl, string user, ColorScheme scheme,
        int width = 1440, string culture = "en")
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl, Locale = culture, ColorScheme = scheme, ViewportSize = new ViewportSize { Width = width, Height = 900 },
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync("/account/signin");
        // Generous: the first sign-in of a freshly started portal on a busy machine can take a while.
        await page.ClickAsync($"[data-testid=signin-{user}]", new() { Timeout = 90_000 });
        await page.WaitForURLAsync(u => !u.Contains("/account/signin"), new() { Timeout = 90_000 });
        await Infrastructure.Browser.WaitInteractiveAsync(page);
        return page;
    }

    /// <summary>Whether the page is drawn dark: the toggle's state and the body's real background agree.</summary>
    private static async Task<bool> IsDarkAsync(IPage page)
    {
        var pressed = await page.Locator("[data-testid=theme-toggle]").GetAttributeAsync("aria-pressed") == "true";
        var luminance = await page.EvaluateAsync<double>("""
            () => { const m = getComputedStyle(document.body).backgroundColor.match(/\d+(\.\d+)?/g).map(Number);
                    return (0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2]) / 255; }
            """);
        Assert.Equal(pressed, luminance < 0.5);
        return pressed;
    }

    private static async Task WaitThemeAsync(IPage page, bool dark) =>
        await page.Locator($"[data-testid=theme-toggle][aria-pressed={(dark ? "true" : "false")}]").WaitForAsync(new() { Timeout = 10_000 });

    /// <summary>The theme the server rendered the page in, before any script ran (what the first frame shows).</summary>
    private static async Task<string?> ServerThemeAsync(IPage page, string path)
    {
        var response = await page.Context.APIRequest.GetAsync(path);
        var html = await response.TextAsync();
        var match = System.Text.RegularExpressions.Regex.Match(html, "<html[^>]*data-theme=\"(\\w+)\"");
        return match.Success ? match.Groups[1].Value : null;
    }

    [Fact]
    public async Task Theme_NoChoice_FollowsSystemPreferenceAndItsChanges()
    {
        Directory.CreateDirectory(ShotDir);
        var page = await SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "staff", ColorScheme.Dark);
        try
        {
            await WaitThemeAsync(page, dark: true);
            Assert.True(await IsDarkAsync(page));
            // Later pages are rendered dark by the server already, so they do not flash light first.
            Assert.Equal("dark", await ServerThemeAsync(page, "/documents"));
            await page.ScreenshotAsync(new() { Path = Path.Combine(ShotDir, "theme-system-dark-1440.png") });

            // The system switches to light while the page is open: the page follows.
            await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
            await WaitThemeAsync(page, dark: false);
            Assert.False(await IsDarkAsync(page));
            await page.ReloadAsync();
            await Infrastructure.Browser.WaitInteractiveAsync(page);
            await WaitThemeAsync(page, dark: false);
            Assert.Equal("light", await ServerThemeAsync(page, "/"));
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Theme_ChosenByUser_RememberedAcrossReloadsAndWinsOverSystem()
    {
        var page = await SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "staff", ColorScheme.Light);
        try
        {
            await WaitThemeAsync(page, dark: false);
            await page.ClickAsync("[data-testid=theme-toggle]");
            await WaitThemeAsync(page, dark: true);

            await page.ReloadAsync();
            await Infrastructure.Browser.WaitInteractiveAsync(page);
            await WaitThemeAsync(page, dark: true);
            Assert.True(await IsDarkAsync(page));
            Assert.Equal("dark", await ServerThemeAsync(page, "/"));

            // A change of the system theme no longer moves it.
            await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
            await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
            await page.WaitForTimeoutAsync(300);
            Assert.True(await IsDarkAsync(page));

            // Choosing light under a dark system is remembered too.
            await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
            await page.ClickAsync("[data-testid=theme-toggle]");
            await WaitThemeAsync(page, dark: false);
            await Infrastructure.Browser.GotoAsync(page, "/documents");
            await WaitThemeAsync(page, dark: false);
            Assert.False(await IsDarkAsync(page));
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Theme_SignInPage_RenderedInTheSystemTheme()
    {
        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.Portal.BaseUrl, ColorScheme = ColorScheme.Dark });
        try
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync("/account/signin");
            await page.ReloadAsync(); // the first response may come before the browser has told the server its theme
            var luminance = await page.EvaluateAsync<double>("""
                () => { const m = getComputedStyle(document.body).backgroundColor.match(/\d+(\.\d+)?/g).map(Number);
                        return (0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2]) / 255; }
                """);
            Assert.True(luminance < 0.5, $"sign-in page background luminance {luminance}");
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    [Fact]
    public async Task Answer_EveryButtonAndLink_HasAccessibleName()
    {
        await fixture.WaitForDemoIndexedAsync();
        var page = await SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "staff", ColorScheme.Light);
        try
        {
            var cdp = await page.Context.NewCDPSessionAsync(page);
            await AskBrowserTests.AskAsync(page, "What should I bring on my first day?");
            var unnamed = await FirstRunBrowserTests.UnnamedControlsAsync(cdp, "answer");
            await page.ScreenshotAsync(new() { Path = Path.Combine(ShotDir, "ask-answer-en-light-1440.png"), FullPage = true });
            Assert.True(unnamed.Count == 0, "controls without an accessible name:\n" + string.Join("\n", unnamed.Distinct()));
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Theory]
    [InlineData("en", "Sign in as someone else")]
    [InlineData("ja", "別のユーザーでサインイン")]
    public async Task Denied_StaffOpensAdminPage_AppBarNavigationWayHomeAndSwitchUser(string culture, string switchText)
    {
        var page = await SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "staff", ColorScheme.Light, culture: culture);
        try
        {
            if (culture != "en") await Infrastructure.Browser.GotoAsync(page, $"/culture/set?culture={culture}&redirectUri=/");
            await Infrastructure.Browser.GotoAsync(page, "/admin/audit");
            var denied = page.Locator("[data-testid=access-denied]");
            await denied.WaitForAsync();
            Assert.Equal(1, await page.Locator(".mud-appbar").CountAsync());
            Assert.Equal(1, await page.Locator("[data-testid=theme-toggle]").CountAsync());
            Assert.True(await page.Locator(".mud-navmenu a[href='/documents']").CountAsync() > 0, "navigation is shown");
            Assert.Equal("/", await page.Locator("[data-testid=denied-home]").GetAttributeAsync("href"));
            Assert.Contains(switchText, await page.Locator("[data-testid=denied-switch-user]").TextContentAsync());
            await page.ScreenshotAsync(new() { Path = Path.Combine(ShotDir, $"denied-{culture}-1440.png") });

            await page.ClickAsync("[data-testid=denied-home]");
            await page.WaitForURLAsync(u => new Uri(u).AbsolutePath == "/");
            await Infrastructure.Browser.GotoAsync(page, "/account/denied");
            await denied.WaitForAsync();
            await page.ClickAsync("[data-testid=denied-switch-user]");
            await page.WaitForURLAsync(u => u.Contains("/account/signin"));
            await page.Locator("[data-testid=signin-admin]").WaitForAsync();
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
