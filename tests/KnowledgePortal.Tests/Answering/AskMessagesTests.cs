using System.Net.Sockets;
using KnowledgePortal.Core.Answering;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Insights;
using KnowledgePortal.Core.Text;
using KnowledgePortal.Tests.Infrastructure;

namespace KnowledgePortal.Tests.Answering;

/// <summary>Ask's messages as codes: each has English and Japanese UI text, filled from the message's own arguments.</summary>
public class AskMessagesTests
{
    private static readonly ProviderProfile Profile = new() { Name = "Local", Kind = ProviderKind.OpenAICompatible, Endpoint = "http://127.0.0.1:9/v1", Model = "llama" };
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Messages whose English is filled from a template, so the UI's English must say exactly the same.</summary>
    private static IEnumerable<PortalMessage> TemplateMessages() =>
    [
        AskMessages.Empty(), AskMessages.TooLong(), AskMessages.SessionGone(), AskMessages.Cancelled(),
        AskMessages.NotCovered(false), AskMessages.NotCovered(true), AskMessages.FollowUpSubject(), AskMessages.Fallback(), AskMessages.ModelGone("Old"),
        AskMessages.ProviderError(Profile, new OperationCanceledException(), timedOut: true, 30),
        AskMessages.ProviderError(Profile, new OperationCanceledException(), timedOut: false, 30),
        AskMessages.ProviderError(Profile, new HttpRequestException("x", new SocketException((int)SocketError.ConnectionRefused)), false, 30),
        AskMessages.ProviderError(Profile, new HttpRequestException("x", new SocketException((int)SocketError.HostNotFound)), false, 30),
        AskMessages.ProviderError(Profile, new HttpRequestException("x", new System.Security.Authentication.AuthenticationException()), false, 30),
        AskMessages.ProviderError(Profile, new HttpRequestException("x"), false, 30),
        AskMessages.ProviderError(Profile, new InvalidOperationException("Provider profile 'Local' has no endpoint."), false, 30),
        AskMessages.ProviderError(Profile, new System.Text.Json.JsonException(), false, 30),
        AskMessages.ProviderError(Profile, new Exception("boom"), false, 30),
    ];

    private static IEnumerable<PortalMessage> WordedMessages()
    {
        var passages = Passages.WithLabels(SensitivityLabel.Internal, SensitivityLabel.Secret);
        var cloud = new ProviderChoice("Cloud", ProviderLocation.Cloud, SensitivityLabel.Internal, false);
        var onPrem = new ProviderChoice("OnPrem", ProviderLocation.OnPremises, SensitivityLabel.Secret, false);
        yield return SensitivityRouter.Route(passages, cloud, [cloud, onPrem]).ReasonMessage!;
        yield return SensitivityRouter.Route(passages, cloud, [cloud]).ReasonMessage!;
        foreach (var (status, _) in Budgets()) yield return status.Detail!;
    }

    private static IEnumerable<(BudgetStatus English, BudgetStatus Japanese)> Budgets()
    {
        foreach (var spent in new[] { 0.85m, 1m })
        {
            BudgetUsage[][] cases =
            [
                [new(new Budget { UserId = "u", MonthlyCostLimit = 50 }, "your account", 50 * spent, 0)],
                [new(new Budget { UserId = "u", MonthlyTokenLimit = 1000 }, "your account", 0, (long)(1000 * spent))],
                [new(new Budget { GroupId = 1, MonthlyCostLimit = 50 }, "group Sales", 50 * spent, 0)],
                [new(new Budget { GroupId = 1, MonthlyTokenLimit = 1000 }, "group Sales", 0, (long)(1000 * spent))],
            ];
            foreach (var usage in cases) yield return (BudgetGuard.Evaluate(usage, Now), BudgetGuard.Evaluate(usage, Now, "ja"));
        }
    }

    private static Dictionary<string, (string En, string Ja)> Strings() =>
        File.ReadAllLines(Path.Combine(RepoPaths.Root, "src", "KnowledgePortal.Web", "Resources", "strings.tsv"))
            .Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('\t'))
            .ToDictionary(p => p[0], p => (p[1], p[2]));

    [Fact]
    public void Codes_EveryAskAndBudgetMessage_HasEnglishAndJapaneseUiTextWithItsArguments()
    {
        var strings = Strings();
        var messages = TemplateMessages().Concat(WordedMessages()).ToList();

        Assert.Empty(messages.Select(m => "Msg." + m.Code).Where(k => !strings.ContainsKey(k)).Distinct());
        Assert.Equal(8, messages.Count(m => m.Code.StartsWith("Budget.", StringComparison.Ordinal)));
        Assert.All(messages, m => Assert.DoesNotContain("{", PortalMessage.Fill(strings["Msg." + m.Code].Ja, m.Args)));
        Assert.All(messages, m => Assert.DoesNotContain("{", PortalMessage.Fill(strings["Msg." + m.Code].En, m.Args)));
    }

    [Fact]
    public void Codes_TemplateMessages_UiEnglishMatchesTheCoreText()
    {
        var strings = Strings();
        Assert.All(TemplateMessages(), m => Assert.Equal(m.Text, PortalMessage.Fill(strings["Msg." + m.Code].En, m.Args)));
    }

    [Fact]
    public void Codes_JapaneseUiText_SaysWhatCoreSaysToAJapaneseQuestion()
    {
        var strings = Strings();
        string Ja(PortalMessage m) => PortalMessage.Fill(strings["Msg." + m.Code].Ja, m.Args);

        Assert.Equal(AnswerComposer.NotCoveredText("ja", false), Ja(AskMessages.NotCovered(false)));
        Assert.Equal(AnswerComposer.NotCoveredText("ja", true), Ja(AskMessages.NotCovered(true)));
        Assert.Equal(AskService.FollowUpSubjectNotice("ja"), Ja(AskMessages.FollowUpSubject()));
        Assert.Equal(AskService.FallbackNotice("ja"), Ja(AskMessages.Fallback()));
        Assert.All(Budgets(), b =>
        {
            Assert.Equal(b.English.Message, b.English.Detail!.Text);
            Assert.Equal(b.Japanese.Message, Ja(b.Japanese.Detail!));
        });
    }

    [Fact]
    public void ProviderError_ProfileWithEndpoint_NamesProfileAndEndpointAsArguments()
    {
        var message = AskMessages.ProviderError(Profile, new OperationCanceledException(), timedOut: true, 2);

        Assert.Equal("Ask.ProviderTimeoutAfter", message.Code);
        Assert.Equal("The model 'Local' at http://127.0.0.1:9/v1 did not answer within 2 s. Try again, or choose another model.", message.Text);
        Assert.Equal(("Local", "http://127.0.0.1:9/v1", "2"), (message.Args["name"], message.Args["endpoint"], message.Args["seconds"]));
    }
}
