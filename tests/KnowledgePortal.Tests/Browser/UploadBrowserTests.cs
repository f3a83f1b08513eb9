using KnowledgePortal.Core.Demo;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.Playwright;

namespace KnowledgePortal.Tests.Browser;

[Collection("portal")]
public class UploadBrowserTests(PortalFixture fixture)
{
    [Fact]
    public async Task Upload_KnowledgeManagerDropsThreeFiles_AllReachReady()
    {
        var page = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "km");
        await Infrastructure.Browser.GotoAsync(page, "/documents");
        await page.ClickAsync($"[data-testid='open-{DemoData.Engineering}']");
        // Three real files of three formats, under new names so they are new documents.
        var picks = DemoDocuments.All().Where(f => f.Collection == DemoData.Engineering)
            .GroupBy(f => Path.GetExtension(f.FileName)).Select(g => g.First()).Take(3).ToList();
        var files = picks.Select(f => new FilePayload
        {
            Name = "uploaded-" + f.FileName,
            MimeType = "application/octet-stream",
            Buffer = f.Content,
        }).ToArray();
        await page.Locator("[data-testid=dropzone] input[type=file]").SetInputFilesAsync(files);

        foreach (var f in files)
        {
            var row = page.Locator("tr", new() { Has = page.GetByText(f.Name, new() { Exact = true }) });
            await Assertions.Expect(row.Locator("[data-testid=doc-status]")).ToHaveTextAsync("Ready", new() { Timeout = 90_000 });
        }
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "kp-upload-km.png"), FullPage = true });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Documents_StaffOpensCollection_HasNoUploadArea()
    {
        var page = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "staff");
        await Infrastructure.Browser.GotoAsync(page, "/documents");
        await page.ClickAsync($"[data-testid='open-{DemoData.Handbook}']");
        await page.Locator("[data-testid=documents-table]").WaitForAsync();
        Assert.Equal(0, await page.Locator("[data-testid=dropzone]").CountAsync());
        await page.Context.CloseAsync();
    }
}
