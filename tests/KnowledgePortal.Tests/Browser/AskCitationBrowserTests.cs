using System.Text;
using System.Text.RegularExpressions;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using UglyToad.PdfPig;

namespace KnowledgePortal.Tests.Browser;

/// <summary>Ask page: inline citations, chip numbering, the source dialog, streaming, first run and examples (issue 12).</summary>
[Collection("portal")]
[Trait(TestTier.Name, TestTier.Browser)]
public partial class AskCitationBrowserTests(PortalFixture fixture)
{
    private const string Model = "Streaming test model";
    private static readonly string Shots = Path.Combine(Path.GetTempPath(), "kp-shots");

    private static async Task ShotAsync(IPage page, string name, bool fullPage = false)
    {
        Directory.CreateDirectory(Shots);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Shots, name + ".png"), FullPage = fullPage });
    }

    /// <summary>The number of the first source in the prompt whose block contains <paramref name="keyword"/>, or 1.</summary>
    private static int SourceNumber(ChatRequestInfo request, string keyword)
    {
        foreach (Match m in SourceBlock().Matches(request.LastUserMessage))
            if (m.Value.Contains(keyword, StringComparison.OrdinalIgnoreCase)) return int.Parse(m.Groups[1].Value);
        return 1;
    }

    private static int SourceCount(ChatRequestInfo request) => SourceBlock().Matches(request.LastUserMessage).Count;

    [GeneratedRegex(@"(?s)\[(\d+)\] [^\n]*\n<source id=""\d+"">.*?</source>")]
    private static partial Regex SourceBlock();

    private async Task<FakeOpenAiServer> StartModelAsync()
    {
        var server = await FakeOpenAiServer.StartAsync();
        await using var db = fixture.Db.CreateContext();
        db.ProviderProfiles.Add(new ProviderProfile
        {
            Name = Model, Kind = ProviderKind.OpenAICompatible, Endpoint = server.BaseUrl + "/v1", Model = FakeOpenAiServer.DefaultModel,
            Location = ProviderLocation.OnPremises, MaxSensitivity = SensitivityLabel.Internal, Enabled = true,
        });
        await db.SaveChangesAsync();
        return server;
    }

    private async Task StopModelAsync(FakeOpenAiServer server)
    {
        await using (var db = fixture.Db.CreateContext())
            await db.ProviderProfiles.Where(p => p.Name == Model).ExecuteDeleteAsync();
        await server.DisposeAsync();
    }

    private static async Task ChooseModelAsync(IPage page, string name)
    {
        // MudSelect puts the test id on its read-only input, which it may hide behind the shown value: click the field.
        await page.Locator(".mud-select").Filter(new() { Has = page.Locator("[data-testid=provider-select]") }).First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = name }).ClickAsync();
        await page.Locator(".mud-popover-open").WaitForAsync(new() { State = WaitForSelectorState.Detached });
    }

    private static async Task<ILocator> SendAsync(IPage page, string question)
    {
        await page.Locator("textarea[data-testid=question-input]").FillAsync(question);
        await page.ClickAsync("[data-testid=ask-button]");
        return page.Locator("[data-testid=answer]").Last;
    }

    [Fact]
    public async Task InlineCitation_Clicked_OpensThatSourcesDialogInTheSameChatAndEscapeClosesIt()
    {
        await fixture.WaitForDemoIndexedAsync();
        var page = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "staff");
        try
        {
            await page.SetViewportSizeAsync(1440, 900);
            var answer = await AskBrowserTests.AskAsync(page, "What should I bring on my first day?");
            var url = page.Url;
            Assert.Matches("/ask/[0-9a-f-]{36}$", url);
            var inline = answer.Locator("[data-testid=answer-text] a.kp-cite").First;
            var number = await inline.GetAttributeAsync("data-cite");
            var chip = await answer.Locator("[data-testid=citation-chip]").Filter(new() { HasText = $"[{number}]" }).InnerTextAsync();

            await inline.ClickAsync();

            var dialog = page.Locator(".mud-dialog");
            await dialog.Locator("[data-testid=source-passage]").WaitForAsync();
            Assert.Equal(url, page.Url); // not "/#src-…", which showed an empty new chat
            Assert.Equal(1, await page.Locator("[data-testid=answer]").CountAsync());
            var title = chip[(chip.IndexOf(']') + 1)..].Split('·')[0].Trim();
            Assert.Contains(title, await dialog.Locator("[data-testid=source-locator]").InnerTextAsync());

            await PressEscapeInDialogAsync(page);
            await dialog.WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = 5_000 });
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    /// <summary>Escape as a person presses it: once the dialog has taken the focus (MudBlazor moves it in as it opens).</summary>
    private static async Task PressEscapeInDialogAsync(IPage page)
    {
        await page.WaitForFunctionAsync("() => !!document.activeElement && !!document.activeElement.closest('.mud-dialog-container')",
            null, new() { Timeout = 5_000 });
        await page.Keyboard.PressAsync("Escape");
    }

    [Fact]
    public async Task Ask_StreamingModel_ShowsThinkingThenTokensOneByOneAndChipsNumberedInOrderAlsoAfterReload()
    {
        await fixture.WaitForDemoIndexedAsync();
        var server = await StartModelAsync();
        server.ResponseDelay = TimeSpan.FromSeconds(1.5);
        server.TokenDelay = TimeSpan.FromMilliseconds(120);
        // Cites the last source sent first, then the first: shown as [1] then [2], each chip still on its passage.
        server.Responder = r => $"Bring your ID and bank details on the first day [{SourceCount(r)}]. Badges are handed out at reception [1].";
        var page = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "staff");
        try
        {
            await ChooseModelAsync(page, Model);
            var answer = await SendAsync(page, "What should I bring on my first day?");

            await answer.Locator("[data-testid=thinking]").WaitForAsync(new() { Timeout = 5_000 });
            var seen = new List<string>();
            var text = answer.Locator("[data-testid=answer-text]");
            while (await answer.Locator("[data-testid=thumb-up]").CountAsync() == 0)
            {
                var now = await text.InnerTextAsync();
                if (now.Length > 0 && (seen.Count == 0 || seen[^1] != now)) seen.Add(now);
                await Task.Delay(40);
            }
            var final = await text.InnerTextAsync();
            var partials = seen.Where(s => s != final).ToList();
            Assert.True(partials.Count >= 2, "partial texts seen: " + string.Join(" | ", seen));
            Assert.All(partials, p => Assert.StartsWith(p.TrimEnd(), final));
            Assert.Equal(0, await answer.Locator("[data-testid=thinking]").CountAsync());

            Assert.Equal("Bring your ID and bank details on the first day [1]. Badges are handed out at reception [2].", final.Trim());
            var chips = await answer.Locator("[data-testid=citation-chip]").AllInnerTextsAsync();
            Assert.Equal(["[1]", "[2]"], chips.Select(c => c.Trim()[..3]));
            await ShotAsync(page, "ask-streamed-model");

            // Reloaded from history: the same text and chips, in the same order.
            await Infrastructure.Browser.GotoAsync(page, page.Url);
            var reloaded = page.Locator("[data-testid=answer]").Last;
            await reloaded.Locator("[data-testid=citation-chip]").First.WaitForAsync();
            Assert.Equal(final.Trim(), (await reloaded.Locator("[data-testid=answer-text]").InnerTextAsync()).Trim());
            Assert.Equal(chips, await reloaded.Locator("[data-testid=citation-chip]").AllInnerTextsAsync());
        }
        finally
        {
            await page.Context.CloseAsync();
            await StopModelAsync(server);
        }
    }

    [Theory]
    [InlineData("pdf", "What should I bring on my first day?", "Welcome guide", "Bring your badge and ID on your first day [{0}].")]
    [InlineData("pptx", "What are the reception opening hours in Tokyo?", "Reception on 18F", "Reception on 18F is open 8:30–19:00 on business days [{0}].")]
    [InlineData("xlsx", "Is the office open on 6 May 2026?", "2026-05-06", "No: 2026-05-06 is a substitute holiday and the office is closed [{0}].")]
    public async Task SourceDialog_CitationOfEachFormat_MarksWhatAnswersNotTheWholePassage(string format, string question, string keyword, string answerFormat)
    {
        await fixture.WaitForDemoIndexedAsync();
        var server = await StartModelAsync();
        server.Responder = r => string.Format(answerFormat, SourceNumber(r, keyword));
        var page = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "staff");
        try
        {
            await page.SetViewportSizeAsync(1440, 900);
            await ChooseModelAsync(page, Model);
            var answer = await SendAsync(page, question);
            await answer.Locator("[data-testid=thumb-up]").WaitForAsync(new() { Timeout = 60_000 });
            await answer.Locator("[data-testid=citation-chip]").First.ClickAsync();
            var dialog = page.Locator(".mud-dialog");
            var passage = dialog.Locator("[data-testid=source-passage]");
            await passage.WaitForAsync();
            var locator = await dialog.Locator("[data-testid=source-locator]").InnerTextAsync();
            var marked = await passage.Locator("mark").InnerTextAsync();
            var whole = await passage.InnerTextAsync();
            Assert.True(marked.Length < whole.Length, $"the whole passage is marked: {whole}");
            switch (format)
            {
                case "pdf":
                    Assert.Contains("Welcome guide", locator);
                    Assert.Equal(1, await dialog.Locator("[data-testid=pdf-viewer]").CountAsync());
                    break;
                case "pptx":
                    Assert.Contains("slide 2", locator);
                    Assert.Equal("Reception on 18F, open 8:30–19:00 on business days", marked.Trim());
                    break;
                case "xlsx":
                    Assert.Contains("2026-05-06", marked);
                    Assert.DoesNotContain("2026-05-05", marked);
                    Assert.Matches(@"Holidays 2026!A(\d+):D\1", locator); // one row, not the chunk's A2:D12
                    break;
            }
            await Task.Delay(300); // the dialog's open animation
            await ShotAsync(page, $"source-dialog-{format}");
            await PressEscapeInDialogAsync(page);
            await dialog.WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = 5_000 });
        }
        finally
        {
            await page.Context.CloseAsync();
            await StopModelAsync(server);
        }
    }

    /// <summary>An Office citation opens at its slide, in the original rendered to PDF (issue 16).</summary>
    [Fact]
    public async Task SourceDialog_SlideCitation_OpensTheRenderedPdfAtTheSlide()
    {
        await fixture.WaitForDemoIndexedAsync();
        var server = await StartModelAsync();
        server.Responder = r => $"Reception on 18F is open 8:30–19:00 on business days [{SourceNumber(r, "Reception on 18F")}].";
        var page = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "staff");
        try
        {
            await ChooseModelAsync(page, Model);
            var answer = await SendAsync(page, "What are the reception opening hours in Tokyo?");
            await answer.Locator("[data-testid=thumb-up]").WaitForAsync(new() { Timeout = 60_000 });
            await answer.Locator("[data-testid=citation-chip]").First.ClickAsync();
            var dialog = page.Locator(".mud-dialog");
            Assert.Contains("slide 2", await dialog.Locator("[data-testid=source-locator]").InnerTextAsync());

            var src = await dialog.Locator("[data-testid=pdf-viewer]").GetAttributeAsync("src") ?? "";

            Assert.Matches(@"^/api/documents/[0-9a-f-]{36}/file\?as=pdf#page=2$", src);
            // The viewer's request, with the signed-in user's cookie: the deck as PDF, one page per slide.
            var response = await page.APIRequest.GetAsync(fixture.Portal.BaseUrl + src[..src.IndexOf('#')], new() { Timeout = 90_000 });
            Assert.Equal(200, response.Status);
            Assert.Equal("application/pdf", response.Headers["content-type"]);
            var body = await response.BodyAsync();
            Assert.Equal("%PDF", Encoding.ASCII.GetString(body, 0, 4));
            using var pdf = PdfDocument.Open(body);
            Assert.Contains("18F", string.Concat(pdf.GetPage(2).Letters.Select(l => l.Value)));
            // Signed out, the same address gives nothing away.
            using var anonymous = new HttpClient();
            Assert.NotEqual(System.Net.HttpStatusCode.OK, (await anonymous.GetAsync(fixture.Portal.BaseUrl + src[..src.IndexOf('#')])).StatusCode);
        }
        finally
        {
            await page.Context.CloseAsync();
            await StopModelAsync(server);
        }
    }

    [Theory]
    [InlineData("staff", "en", "answers are passages quoted from your documents")]
    [InlineData("admin", "en", "answers are passages quoted from your documents")]
    [InlineData("staff", "ja", "ドキュメントから引用した箇所")]
    public async Task AskPage_OnlyExtractiveMode_SaysWhatAnswersAreAndAdminsGetTheProvidersLink(string user, string culture, string expected)
    {
        var page = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, user, culture);
        try
        {
            await Infrastructure.Browser.GotoAsync(page, "/");
            var note = page.Locator("[data-testid=first-run-note]");
            Assert.Contains(expected, await note.InnerTextAsync());
            var link = note.Locator("[data-testid=first-run-providers]");
            if (user == "admin")
                Assert.EndsWith("/admin/providers", await link.GetAttributeAsync("href"));
            else
                Assert.Equal(0, await link.CountAsync());
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task AskPage_ModelConfigured_NoFirstRunNote()
    {
        var server = await StartModelAsync();
        var page = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "staff");
        try
        {
            await Infrastructure.Browser.GotoAsync(page, "/");
            await page.Locator("[data-testid=provider-select]").WaitForAsync();
            Assert.Equal(0, await page.Locator("[data-testid=first-run-note]").CountAsync());
        }
        finally
        {
            await page.Context.CloseAsync();
            await StopModelAsync(server);
        }
    }

    [Fact]
    public async Task AskPage_EmptyChat_OffersExamplesFromReadableDocumentsAndClickingOneAsksIt()
    {
        await fixture.WaitForDemoIndexedAsync();
        var page = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "staff");
        try
        {
            await Infrastructure.Browser.GotoAsync(page, "/");
            var examples = page.Locator("[data-testid=example-question]");
            await examples.First.WaitForAsync();
            var texts = await examples.AllInnerTextsAsync();
            Assert.InRange(texts.Count, 2, 6);
            foreach (var hrTopic in new[] { "rating", "calibration", "review cycle", "評価", "賞与" })
                Assert.DoesNotContain(texts, t => t.Contains(hrTopic, StringComparison.OrdinalIgnoreCase));

            await examples.First.ClickAsync();
            var question = page.Locator("[data-testid=question]").Last;
            await question.WaitForAsync();
            Assert.Equal(texts[0].Trim(), (await question.InnerTextAsync()).Trim());
            await page.Locator("[data-testid=answer]").Last.Locator("[data-testid=thumb-up]").WaitForAsync(new() { Timeout = 60_000 });
            Assert.Equal(0, await page.Locator("[data-testid=example-question]").CountAsync());
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Theory]
    [InlineData("en", 1440)]
    [InlineData("en", 390)]
    [InlineData("ja", 1440)]
    [InlineData("ja", 390)]
    public async Task AskPage_LightAndDarkAtDesktopAndPhoneWidth_ModelPickerFitsAndScreenshotsTaken(string culture, int width)
    {
        await fixture.WaitForDemoIndexedAsync();
        var page = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "staff", culture);
        try
        {
            await page.SetViewportSizeAsync(width, 900);
            await Infrastructure.Browser.GotoAsync(page, "/");
            await page.Locator("[data-testid=example-question]").First.WaitForAsync();
            var picker = await page.Locator("[data-testid=provider-select]").BoundingBoxAsync();
            Assert.NotNull(picker);
            Assert.True(picker.X >= 0 && picker.X + picker.Width <= width, $"model picker at {picker.X}+{picker.Width} of {width}");
            // The chosen model's name is not cut off inside the picker.
            // The shown model name (an inline box: its full width) ends before the picker's arrow, on one line.
            var probe = await page.Locator(".mud-select").Filter(new() { Has = page.Locator("[data-testid=provider-select]") }).First.EvaluateAsync<string>("""
                root => { const el = root.querySelector('[data-testid=provider-select]');
                          const arrow = root.querySelector('.mud-input-adornment-end');
                          if (!el || !el.textContent.includes('Extractive')) return 'none: ' + root.outerHTML;
                          const lines = [...el.getClientRects()];
                          const right = Math.max(...lines.map(x => x.right));
                          const limit = arrow ? arrow.getBoundingClientRect().left : root.getBoundingClientRect().right;
                          return String(Math.round(right - limit) + (lines.length > 1 ? 1000 : 0)); }
                """);
            Assert.True(int.TryParse(probe, out var overflow), "no model name shown in the picker: " + probe);
            Assert.True(overflow <= 1, $"the model name is cut off by {overflow} px");
            await ShotAsync(page, $"ask-{culture}-{width}-light", fullPage: true);
            // Its list opens inside the window too.
            await page.Locator(".mud-select").Filter(new() { Has = page.Locator("[data-testid=provider-select]") }).First.ClickAsync();
            // MudBlazor parks a new popover at -9999 until it has measured it; wait for its placement (a slow machine takes a moment).
            var popover = page.Locator(".mud-popover-open").First;
            var list = await popover.BoundingBoxAsync();
            for (var waited = 0; list is { X: < -1000 } && waited < 5000; waited += 100)
            {
                await Task.Delay(100);
                list = await popover.BoundingBoxAsync();
            }
            Assert.NotNull(list);
            Assert.True(list.X >= 0 && list.X + list.Width <= width + 1, $"model list at {list.X}+{list.Width} of {width}");
            await ShotAsync(page, $"ask-{culture}-{width}-picker-open");
            await page.Keyboard.PressAsync("Escape");
            await page.Locator(".mud-popover-open").WaitForAsync(new() { State = WaitForSelectorState.Detached });

            var answer = await SendAsync(page, culture == "ja" ? "有給休暇は何日ですか？" : "How many days of annual leave do I get?");
            await answer.Locator("[data-testid=thumb-up]").WaitForAsync(new() { Timeout = 60_000 });
            var theme = page.Locator($"button[aria-label='{(culture == "ja" ? "ライト／ダークテーマ" : "Light / dark theme")}']").First;
            if (await theme.CountAsync() > 0) await theme.ClickAsync();
            await Task.Delay(300);
            await ShotAsync(page, $"ask-{culture}-{width}-dark-answer", fullPage: true);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
