using System.Globalization;
using KnowledgePortal.Core.Answering;
using KnowledgePortal.Tests.Infrastructure;
using KnowledgePortal.Web;
using KnowledgePortal.Web.Localization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Tests.Localization;

/// <summary>
/// A reply Core words itself ("not covered") is stored with its code, so history shows it in the reader's language,
/// whatever language the question was asked in. Real database, real resources, the Web's own localizer.
/// </summary>
[Trait(TestTier.Name, TestTier.Db)]
public class StoredAskMessageTests : IAsyncLifetime
{
    private TestServices _services = null!;

    // No document is indexed: every question is "not covered".
    public async Task InitializeAsync() => _services = await TestServices.StartAsync("ask-i18n");
    public async Task DisposeAsync() => await _services.DisposeAsync();

    private static readonly IStringLocalizer Localizer = new ResourceManagerStringLocalizerFactory(
        Options.Create(new LocalizationOptions { ResourcesPath = "Resources" }), NullLoggerFactory.Instance).Create(typeof(SharedResource));

    private async Task<HistoryMessage> AskAndReloadAsync(string question)
    {
        var staff = await _services.UserAsync("staff");
        var events = await _services.Get<AskService>().AskAsync(staff, new AskRequest(question)).ToListAsync();
        var completed = Assert.IsType<AskCompleted>(events[^1]);
        Assert.Equal("not-covered", completed.Route);
        var history = await _services.Get<ChatHistory>().LoadAsync(staff, completed.SessionId);
        return Assert.Single(history!, m => m.Role == "assistant");
    }

    private static string ShownIn(string culture, HistoryMessage message)
    {
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
        try { return Localizer.Message(message.ContentMessage); }
        finally { CultureInfo.CurrentUICulture = previous; }
    }

    [Fact]
    public async Task LoadAsync_NotCoveredAskedInEnglish_ShownInJapaneseToAJapaneseReader()
    {
        var reply = await AskAndReloadAsync("quantum chromodynamics lattice gauge theory");

        Assert.Equal(AnswerComposer.NotCoveredText("en", withheld: false), reply.Content); // stored as answered
        Assert.Equal("Ask.NotCovered", reply.ContentMessage?.Code);
        Assert.Equal(AnswerComposer.NotCoveredText("ja", withheld: false), ShownIn("ja", reply));
        Assert.Equal(reply.Content, ShownIn("en", reply));
    }

    [Fact]
    public async Task LoadAsync_NotCoveredAskedInJapanese_ShownInEnglishToAnEnglishReader()
    {
        var reply = await AskAndReloadAsync("量子色力学の格子ゲージ理論について教えてください");

        Assert.Equal(AnswerComposer.NotCoveredText("ja", withheld: false), reply.Content);
        Assert.Equal(AnswerComposer.NotCoveredText("en", withheld: false), ShownIn("en", reply));
        Assert.Equal(reply.Content, ShownIn("ja", reply));
    }
}
