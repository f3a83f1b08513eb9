using System.Text.Json;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.Playwright;

namespace KnowledgePortal.Tests.Browser;

/// <summary>The real portal started on an empty database (it migrates and seeds itself), as on a fresh install.</summary>
public sealed class FirstRunFixture : IAsyncLifetime
{
    private TestDb? _db;

    public PortalProcess Portal { get; private set; } = null!;
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(ThemeAndDeniedBrowserTests.ShotDir);
        _db = await TestDatabase.CreateEmptyAsync();
        Portal = await PortalProcess.StartAsync(_db.ConnectionString);
        (Playwright, Browser) = await Infrastructure.Browser.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
        await Portal.DisposeAsync();
        await _db!.DisposeAsync();
    }
}

/// <summary>A first hour without rough edges: a clean log, a quiet console, a header that fits a phone, named controls.</summary>
[Trait(TestTier.Name, TestTier.Browser)]
public class FirstRunBrowserTests(FirstRunFixture fixture) : IClassFixture<FirstRunFixture>
{
    /// <summary>The pages an admin reaches from the navigation.</summary>
    public static readonly string[] MainPages =
        ["/", "/documents", "/glossary", "/quality", "/admin/collections", "/admin/groups", "/admin/providers", "/admin/audit", "/admin/insights", "/admin/lab"];

    private Task<IPage> AdminAsync(int width = 1440, ColorScheme scheme = ColorScheme.Light, string culture = "en") =>
        ThemeAndDeniedBrowserTests.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "admin", scheme, width, culture);

    private static string Shot(string name) => Path.Combine(ThemeAndDeniedBrowserTests.ShotDir, name);

    private static string Slug(string path) => path == "/" ? "ask" : path.Trim('/').Replace('/', '-');

    [Fact]
    public void FirstStart_EmptyDatabase_LogsNoFailLine()
    {
        // Migrations ran on this start (the database was empty) and the demo was seeded.
        Assert.Contains("KnowledgePortal is ready", fixture.Portal.Log);
        var bad = fixture.Portal.Log.Split('\n').Where(l => l.Contains("fail:") || l.Contains("crit:")).ToList();
        Assert.True(bad.Count == 0, "first start logged:\n" + string.Join("\n", bad));
    }

    [Fact]
    public async Task MainPages_Admin_NoConsoleErrorCspViolationOrFailedRequest()
    {
        var page = await AdminAsync();
        var problems = new List<string>();
        page.Console += (_, m) => { if (m.Type is "error" or "warning") problems.Add($"{page.Url} console {m.Type}: {m.Text}"); };
        page.PageError += (_, e) => problems.Add($"{page.Url} page error: {e}");
        page.RequestFailed += (_, r) => { if (!r.Url.Contains("/_blazor")) problems.Add($"request failed: {r.Url} {r.Failure}"); };
        page.Response += (_, r) => { if (r.Status >= 400) problems.Add($"{r.Status} {r.Url}"); };
        try
        {
            foreach (var path in MainPages.Append("/account/denied"))
            {
                await Infrastructure.Browser.GotoAsync(page, path);
                await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            }
            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }
        finally
        {
            await page.Context.CloseAsync();
        }
        // The sign-in page (static rendering, no circuit) too.
        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.Portal.BaseUrl });
        var signIn = await context.NewPageAsync();
        signIn.Console += (_, m) => { if (m.Type is "error" or "warning") problems.Add($"sign-in console {m.Type}: {m.Text}"); };
        signIn.Response += (_, r) => { if (r.Status >= 400) problems.Add($"{r.Status} {r.Url}"); };
        await signIn.GotoAsync("/account/signin");
        await signIn.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await context.CloseAsync();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [InlineData("en", ColorScheme.Light)]
    [InlineData("ja", ColorScheme.Dark)]
    public async Task MainPages_390PixelsWide_NoHorizontalOverflow(string culture, ColorScheme scheme)
    {
        var page = await AdminAsync(390, scheme, culture);
        try
        {
            if (culture != "en") await Infrastructure.Browser.GotoAsync(page, $"/culture/set?culture={culture}&redirectUri=/");
            var wide = new List<string>();
            foreach (var path in MainPages)
            {
                await Infrastructure.Browser.GotoAsync(page, path);
                await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
                var header = await page.EvaluateAsync<int>("() => document.querySelector('.mud-appbar .mud-toolbar').scrollWidth");
                if (width > 390 || header > 390) wide.Add($"{path}: page {width} px, header {header} px");
                await page.ScreenshotAsync(new() { Path = Shot($"{Slug(path)}-{culture}-{scheme.ToString().ToLowerInvariant()}-390.png") });
            }
            Assert.True(wide.Count == 0, string.Join("\n", wide));
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task MainPages_EveryButtonAndLink_HasAccessibleName()
    {
        var page = await AdminAsync();
        var cdp = await page.Context.NewCDPSessionAsync(page);
        var unnamed = new List<string>();
        try
        {
            foreach (var path in MainPages.Append("/account/denied"))
            {
                await Infrastructure.Browser.GotoAsync(page, path);
                await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                await page.ScreenshotAsync(new() { Path = Shot($"{Slug(path)}-en-light-1440.png"), FullPage = true });
                unnamed.AddRange(await UnnamedControlsAsync(cdp, path));
            }
            Assert.True(unnamed.Count == 0, "controls without an accessible name:\n" + string.Join("\n", unnamed.Distinct()));
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task InsightsPage_NoQuestionsYet_EmptyChartsSaySoInNeutralText()
    {
        // Nothing in this class asks a question, so the fresh ledger is empty.
        var page = await AdminAsync();
        try
        {
            await Infrastructure.Browser.GotoAsync(page, "/admin/insights");
            await page.Locator("[data-testid=insights-questions]").WaitForAsync();
            var empty = page.Locator("[data-testid=chart-empty]");
            Assert.Equal(4, await empty.CountAsync()); // cost, tokens, questions, answered share
            Assert.Contains("No data for this period yet.", await empty.First.InnerTextAsync());
            // Neutral: the palette's secondary text colour, not MudBlazor's pink "secondary" or an error colour.
            var colours = await page.EvaluateAsync<string[]>("""
                () => { const probe = c => { const s = document.createElement('span'); s.style.color = c; document.body.appendChild(s);
                                             const v = getComputedStyle(s).color; s.remove(); return v; };
                        const text = getComputedStyle(document.querySelector('[data-testid=chart-empty] p')).color;
                        return [text, probe('var(--mud-palette-text-secondary)'), probe('var(--mud-palette-secondary)'), probe('var(--mud-palette-error)')]; }
                """);
            Assert.Equal(colours[1], colours[0]);
            Assert.NotEqual(colours[2], colours[0]);
            Assert.NotEqual(colours[3], colours[0]);
            foreach (var none in await page.Locator("[data-testid=insights-by-group] td p").AllAsync())
                Assert.Equal(colours[1], await none.EvaluateAsync<string>("e => getComputedStyle(e).color"));
            await page.ScreenshotAsync(new() { Path = Shot("insights-empty-en-light-1440.png"), FullPage = true });
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    /// <summary>Buttons, links, menu items and comboboxes without a name in Chromium's own accessibility tree (what a screen reader announces).</summary>
    internal static async Task<List<string>> UnnamedControlsAsync(ICDPSession cdp, string where)
    {
        var unnamed = new List<string>();
        var tree = (await cdp.SendAsync("Accessibility.getFullAXTree"))!.Value;
        foreach (var node in tree.GetProperty("nodes").EnumerateArray())
        {
            if (node.TryGetProperty("ignored", out var ignored) && ignored.GetBoolean()) continue;
            var role = node.TryGetProperty("role", out var r) && r.TryGetProperty("value", out var rv) ? rv.GetString() : null;
            if (role is not ("button" or "link" or "menuitem" or "combobox")) continue;
            var name = node.TryGetProperty("name", out var n) && n.TryGetProperty("value", out var nv) ? nv.GetString() : null;
            if (!string.IsNullOrWhiteSpace(name)) continue;
            unnamed.Add($"{where}: {role} {await DescribeAsync(cdp, node)}");
        }
        return unnamed;
    }

    [Fact]
    public async Task AuditPage_AfterSignInAndUploads_NamesAndReadableDetailsRawRecordFolded()
    {
        var page = await AdminAsync();
        try
        {
            await Infrastructure.Browser.GotoAsync(page, "/admin/audit");
            var rows = page.Locator("[data-testid=audit-table] tbody tr");
            await rows.First.WaitForAsync();
            await page.ScreenshotAsync(new() { Path = Shot("audit-names-en-light-1440.png") });
            var admin = KnowledgePortal.Core.Demo.DemoData.FindUser("admin")!;
            var signIn = rows.Filter(new() { Has = page.Locator("[data-testid=audit-row-action]", new() { HasText = "Signed in" }) }).First;
            Assert.Contains(admin.DisplayName, await signIn.Locator("[data-testid=audit-row-actor]").InnerTextAsync());
            var details = await signIn.Locator("[data-testid=audit-row-details] dl").InnerTextAsync();
            Assert.Contains("Groups", details);
            Assert.DoesNotContain("{", details);
            // The demo documents (uploaded at seeding) show their titles and collections, not ids.
            var upload = rows.Filter(new() { Has = page.Locator("[data-testid=audit-row-action]", new() { HasText = "Uploaded a document" }) }).First;
            var target = await upload.Locator("[data-testid=audit-row-target]").InnerTextAsync();
            Assert.DoesNotMatch("[0-9a-f]{8}-[0-9a-f]{4}-", target);
            Assert.Contains("Company handbook", await page.Locator("[data-testid=audit-table]").InnerTextAsync());
            // The stored record is one click away, folded by default.
            var raw = upload.Locator("[data-testid=audit-row-raw]");
            Assert.False(await raw.Locator("pre").IsVisibleAsync());
            await raw.Locator("summary").ClickAsync();
            Assert.Contains("\"collectionId\"", await raw.Locator("pre").InnerTextAsync());
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private static async Task<string> DescribeAsync(ICDPSession cdp, JsonElement node)
    {
        if (!node.TryGetProperty("backendDOMNodeId", out var id)) return "(no DOM node)";
        var resolved = await cdp.SendAsync("DOM.resolveNode", new Dictionary<string, object> { ["backendNodeId"] = id.GetInt32() });
        var objectId = resolved!.Value.GetProperty("object").GetProperty("objectId").GetString()!;
        var html = await cdp.SendAsync("Runtime.callFunctionOn", new Dictionary<string, object>
        {
            ["objectId"] = objectId, ["returnByValue"] = true,
            ["functionDeclaration"] = "function () { return this.outerHTML.slice(0, 300); }",
        });
        return html!.Value.GetProperty("result").GetProperty("value").GetString() ?? "";
    }
}
