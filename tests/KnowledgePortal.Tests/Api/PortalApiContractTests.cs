using System.Text.Json;
using KnowledgePortal.Core.Answering;
using KnowledgePortal.Core.Text;
using KnowledgePortal.Tests.Answering;
using KnowledgePortal.Web.Api;

namespace KnowledgePortal.Tests.Api;

/// <summary>The typed /api/ask events keep the event names and JSON fields the anonymous objects had.</summary>
public class PortalApiContractTests
{
    private static readonly Guid Session = Guid.Parse("aaaaaaaa-0000-0000-0000-000000000001");
    private static readonly Guid Message = Guid.Parse("bbbbbbbb-0000-0000-0000-000000000002");

    private static readonly PortalMessage Withheld = PortalMessage.Create("Ask.Withheld", "withheld");

    private static string Data(AskStreamEvent e) => JsonSerializer.Serialize(e, e.GetType(), PortalApi.Json);

    [Fact]
    public void ToStreamEvent_EachAskEvent_NamedAsBefore()
    {
        var completed = new AskCompleted(Session, Message, "a", [], "p", "m", "r", true, new AskUsage(1, 2, false, 0, null, 3), null, [], null);
        Assert.Equal(["started", "delta", "completed", "failed", "notice"], new AskEvent[]
        {
            new AskStarted(Session, "p", "r", null, [], []), new AskDelta("x"), completed, new AskFailed(PortalMessage.Create("Ask.Failed", "f")), new AskNotice("n", []),
        }.Select(e => PortalApi.ToStreamEvent(e).EventName));
    }

    [Fact]
    public void ToStreamEvent_Started_DataHasItsFieldsAndNoDiscriminator() =>
        Assert.Equal($$"""{"sessionId":"{{Session}}","provider":"p","route":"r","notice":"withheld","noticeCodes":["Ask.Withheld"]}""",
            Data(PortalApi.ToStreamEvent(new AskStarted(Session, "p", "r", "withheld", [Passages.Make("withheld from the event")], [Withheld]))));

    [Fact]
    public void ToStreamEvent_Completed_HtmlAndCitationsWithTheirSources()
    {
        var passage = Passages.Make("Remote work: two days a week.", chunkId: 42);
        var e = PortalApi.ToStreamEvent(new AskCompleted(Session, Message, "Two days [1].", [new AnswerCitation(1, passage)], "p", "m", "r", true,
            new AskUsage(10, 5, true, 0.5m, 7, 9), "note", [Withheld], null));
        using var json = JsonDocument.Parse(Data(e));
        var root = json.RootElement;
        Assert.Equal(["sessionId", "messageId", "answer", "html", "provider", "model", "route", "answered", "usage", "notice", "noticeCodes", "answerCode", "citations"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Contains("/api/sources/42", root.GetProperty("html").GetString());
        Assert.Equal(["inputTokens", "outputTokens", "estimated", "cost", "firstTokenMs", "totalMs"], root.GetProperty("usage").EnumerateObject().Select(p => p.Name));
        var citation = root.GetProperty("citations")[0];
        Assert.Equal(1, citation.GetProperty("number").GetInt32());
        Assert.Equal(42, citation.GetProperty("source").GetProperty("chunkId").GetInt64());
    }

    [Fact]
    public void ToStreamEvent_DeltaFailedNotice_TextAndCodes()
    {
        Assert.Equal("""{"text":"x"}""", Data(PortalApi.ToStreamEvent(new AskDelta("x"))));
        Assert.Equal("""{"message":"f","code":"Ask.Failed"}""", Data(PortalApi.ToStreamEvent(new AskFailed(PortalMessage.Create("Ask.Failed", "f")))));
        Assert.Equal("""{"notice":"n","noticeCodes":["Ask.Withheld"]}""", Data(PortalApi.ToStreamEvent(new AskNotice("n", [Withheld]))));
    }
}
