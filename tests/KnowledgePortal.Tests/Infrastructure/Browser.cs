using Microsoft.Playwright;

namespace KnowledgePortal.Tests.Infrastructure;

/// <summary>Debian's headless Chromium driven by Playwright (never `playwright install`).</summary>
public static class Browser
{
    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        return (playwright, browser);
    }

    /// <summary>Signs in through the Development sign-in page as a demo user, in a fresh browser context.</summary>
    public static async Task<IPage> SignInAsync(IBrowser browser, string baseUrl, string user, string culture = "en")
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl, Locale = culture });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync("/account/signin");
        await page.ClickAsync($"[data-testid=signin-{user}]");
        await page.WaitForURLAsync(u => !u.Contains("/account/signin"));
        await WaitInteractiveAsync(page);
        return page;
    }

    /// <summary>Navigates and waits until the Blazor circuit is connected, so clicks reach their handlers.</summary>
    public static async Task GotoAsync(IPage page, string url)
    {
        await page.GotoAsync(url);
        await WaitInteractiveAsync(page);
    }

    public static Task WaitInteractiveAsync(IPage page) =>
        page.Locator("[data-testid=interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
}

/// <summary>One portal process and one browser shared by the browser tests of a collection.</summary>
public class PortalFixture : IAsyncLifetime
{
    /// <summary>Configuration the portal process starts with (environment variables, e.g. <c>Ingestion__OcrEnabled</c>).</summary>
    protected virtual IDictionary<string, string>? Settings => null;

    private TestDb? _db;

    public PortalProcess Portal { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public IPlaywright Playwright { get; private set; } = null!;
    public TestDb Db => _db!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync("browser");
        Portal = await PortalProcess.StartAsync(_db.ConnectionString, Settings);
        (Playwright, Browser) = await Infrastructure.Browser.LaunchAsync();
    }

    /// <summary>The demo documents are queued at start; waits until the portal's own worker has indexed them.</summary>
    public async Task WaitForDemoIndexedAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            await using var db = Db.CreateContext();
            var open = db.IngestionJobs.Count(j => j.Status == Core.Domain.JobStatus.Queued || j.Status == Core.Domain.JobStatus.Running);
            if (open == 0 && db.Documents.Any()) return;
            await Task.Delay(500);
        }
        throw new TimeoutException("demo documents were not indexed in time");
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
        await Portal.DisposeAsync();
        await _db!.DisposeAsync();
    }
}

[CollectionDefinition("portal")]
public sealed class PortalCollection : ICollectionFixture<PortalFixture>;
