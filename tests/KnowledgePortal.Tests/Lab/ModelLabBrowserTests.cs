using System.Text.RegularExpressions;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Tests.Lab;

[Collection("portal")]
[Trait(TestTier.Name, TestTier.Browser)]
public class ModelLabBrowserTests(PortalFixture fixture)
{
    private const string Model = "Lab browser model";

    [Fact]
    public async Task ModelLabPage_AdminComparesTwoModels_SeesBothAnswersSideBySideAndExportsThem()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.AlwaysIncludeStreamUsage = true;
        server.Responder = _ => "New employees receive 10 days of paid leave [1].";
        await using (var db = fixture.Db.CreateContext())
        {
            db.ProviderProfiles.Add(new ProviderProfile
            {
                Name = Model, Kind = ProviderKind.OpenAICompatible, Endpoint = server.BaseUrl + "/v1", Model = FakeOpenAiServer.DefaultModel,
                Location = ProviderLocation.Cloud, MaxSensitivity = SensitivityLabel.Internal, InputPricePerMillion = 2.5m, OutputPricePerMillion = 10m,
                Enabled = true,
            });
            await db.SaveChangesAsync();
        }
        var page = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "admin");
        try
        {
            await Infrastructure.Browser.GotoAsync(page, "/admin/lab");
            await page.Locator("textarea[data-testid=lab-questions]")
                .FillAsync("How many days of paid annual leave do new employees receive? => 10 days");
            await page.Locator("[data-testid=lab-parse-summary]").Filter(new() { HasTextRegex = new Regex("^\\s*1 questions, 1 with") }).WaitForAsync();
            foreach (var name in new[] { "Extractive (built-in)", Model })
            {
                var box = page.Locator("[data-testid=lab-provider]").Filter(new() { HasText = name }).Locator("input[type=checkbox]");
                if (!await box.IsCheckedAsync()) await box.ClickAsync();
            }
            await page.ClickAsync("[data-testid=lab-run]");

            await page.WaitForURLAsync(new Regex("/admin/lab/[0-9a-f-]{36}$"));
            await page.Locator("[data-testid=lab-run-state]").Filter(new() { HasText = "completed" }).WaitForAsync(new() { Timeout = 90_000 });
            var results = page.Locator("[data-testid=lab-result]");
            Assert.Equal(2, await results.CountAsync());
            var modelResult = results.Filter(new() { Has = page.Locator("[data-testid=lab-result-provider]", new() { HasText = Model }) });
            Assert.Contains("10 days of paid leave", await modelResult.Locator("[data-testid=lab-answer]").InnerTextAsync());
            Assert.Equal(1, await modelResult.Locator("[data-testid=lab-match]").CountAsync());
            Assert.True(await modelResult.Locator("[data-testid=lab-citation]").CountAsync() >= 1);
            Assert.Equal(2, await page.Locator("[data-testid=lab-summary-row]").CountAsync());
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "kp-model-lab.png"), FullPage = true });

            var csvHref = await page.Locator("[data-testid=lab-export-csv]").GetAttributeAsync("href");
            var csv = await page.Context.APIRequest.GetAsync(csvHref!);
            Assert.Equal(200, csv.Status);
            var text = await csv.TextAsync();
            Assert.Contains(Model, text);
            Assert.Contains("How many days of paid annual leave", text);
            Assert.Equal(3, text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);

            // The export is for admins only.
            var staff = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "staff");
            try
            {
                var refused = await staff.Context.APIRequest.GetAsync(csvHref!, new() { MaxRedirects = 0 });
                Assert.NotEqual(200, refused.Status);
            }
            finally
            {
                await staff.Context.CloseAsync();
            }
        }
        finally
        {
            await page.Context.CloseAsync();
            await using var db = fixture.Db.CreateContext();
            await db.ProviderProfiles.Where(p => p.Name == Model).ExecuteDeleteAsync();
        }
    }

    [Fact]
    public async Task ModelLabPage_JapaneseBrowser_ShowsJapaneseLabelsAndLineErrors()
    {
        var page = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "admin", culture: "ja");
        try
        {
            await Infrastructure.Browser.GotoAsync(page, "/admin/lab");
            Assert.Contains("モデル比較ラボ", await page.Locator("h1").InnerTextAsync());
            await page.Locator("textarea[data-testid=lab-questions]").FillAsync("有給休暇は何日ですか？ => 10日\n{壊れた JSON");
            var error = page.Locator("[data-testid=lab-parse-error]");
            await error.WaitForAsync();
            Assert.Contains("2 行目", await error.InnerTextAsync());
            Assert.Contains("1 問", await page.Locator("[data-testid=lab-parse-summary]").InnerTextAsync());
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "kp-model-lab-ja.png"), FullPage = true });
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task ModelLabPage_OnlyTheBuiltInMode_SaysTwoModelsAreNeededAndLinksToProvidersInsteadOfARunButton()
    {
        var page = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "admin");
        try
        {
            await Infrastructure.Browser.GotoAsync(page, "/admin/lab");
            var note = page.Locator("[data-testid=lab-too-few-models]");
            Assert.Contains("at least two models", await note.InnerTextAsync());
            Assert.EndsWith("/admin/providers", await note.Locator("[data-testid=lab-providers-link]").GetAttributeAsync("href"));
            Assert.Equal(0, await page.Locator("[data-testid=lab-run]").CountAsync());
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
