using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Audit;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion.Chunking;
using KnowledgePortal.Core.Insights;
using KnowledgePortal.Core.Retrieval;
using KnowledgePortal.Core.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using DomainChatMessage = KnowledgePortal.Core.Domain.ChatMessage;

namespace KnowledgePortal.Core.Answering;

public sealed record AskRequest(string Question, Guid? SessionId = null, string? Provider = null, IReadOnlyList<int>? CollectionIds = null);

public sealed record AnswerCitation(int Number, RetrievedPassage Passage);

public sealed record AskUsage(int InputTokens, int OutputTokens, bool Estimated, decimal Cost, int? FirstTokenMs, int TotalMs);

public abstract record AskEvent;
// Notice and Message are text (the question's language where Core words it so, else English) for the API, the CLI and
// logs; Notices, Detail and AnswerMessage are the same as PortalMessages, which the Ask page shows in the reader's language.

/// <summary>The question was accepted: which session, which provider and route, and any passages withheld and why.</summary>
public sealed record AskStarted(Guid SessionId, string Provider, string Route, string? Notice, IReadOnlyList<RetrievedPassage> Sources,
    IReadOnlyList<PortalMessage> Notices) : AskEvent;
public sealed record AskDelta(string Text) : AskEvent;
/// <param name="AnswerMessage">Set when the answer is a message of the portal's ("not covered") rather than document text.</param>
public sealed record AskCompleted(Guid SessionId, Guid MessageId, string Answer, IReadOnlyList<AnswerCitation> Citations, string Provider,
    string? Model, string Route, bool Answered, AskUsage Usage, string? Notice, IReadOnlyList<PortalMessage> Notices, PortalMessage? AnswerMessage) : AskEvent;
public sealed record AskFailed(string Message, PortalMessage Detail) : AskEvent
{
    public AskFailed(PortalMessage detail) : this(detail.Text, detail) { }
}
/// <summary>The notice changed while answering (the model failed and the answer quotes passages instead).</summary>
public sealed record AskNotice(string Notice, IReadOnlyList<PortalMessage> Notices) : AskEvent;

/// <summary>
/// From question to cited answer: rewrite a follow-up, expand with the glossary, retrieve what this user may read,
/// route by sensitivity, stream the model's answer, map its [n] back to the passages sent, and record it all.
/// </summary>
public sealed partial class AskService(
    IDbContextFactory<PortalDbContext> dbFactory,
    HybridRetriever retriever,
    ProviderCatalog providers,
    ITokenCounter tokens,
    IOptions<AnsweringOptions> options,
    ILogger<AskService> logger,
    ChatHistory chatHistory,
    BudgetGuard? budgets = null)
{
    public async IAsyncEnumerable<AskEvent> AskAsync(UserAccess user, AskRequest request, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var o = options.Value;
        var question = request.Question.Trim();
        if (question.Length == 0) { yield return new AskFailed(AskMessages.Empty()); yield break; }
        if (question.Length > 4000) { yield return new AskFailed(AskMessages.TooLong()); yield break; }
        var language = LanguageDetector.Detect(question);
        // Monthly caps: refused at 100% of any cap that applies to this user, warned from 80% (in the question's language).
        var budget = budgets is null ? BudgetStatus.Allowed : await budgets.CheckAsync(user, language, ct);
        if (budget.Level == BudgetLevel.Refused) { yield return new AskFailed(budget.Message!, budget.Detail!); yield break; }
        var total = Stopwatch.StartNew();

        var session = await LoadOrCreateSessionAsync(user, request.SessionId, question, ct);
        if (session is null) { yield return new AskFailed(AskMessages.SessionGone()); yield break; }
        // Only what the user may still read goes back to a model, and only to one cleared for its sources' labels.
        var (history, historySensitivity) = session.Messages.Count == 0 ? ModelHistory.Empty
            : await chatHistory.ForModelAsync(user, session.Id, o.HistoryTurns, ct);

        var enabled = await providers.EnabledAsync(ct);
        var chosen = ProviderCatalog.Choose(enabled, request.Provider, o.DefaultProvider);
        var (standalone, carried) = await StandaloneQuestionAsync(question, history, chosen, historySensitivity, ct);
        var glossary = await GlossaryAsync(ct);
        var retrieval = await retriever.SearchAsync(user, new SearchRequest(standalone, GlossaryExpander.Expand(standalone, glossary), request.CollectionIds), ct);
        var followUp = false;
        if (!retrieval.Answerable && carried is not null)
        {
            // A follow-up whose new condition ("part-time staff") no document mentions: the passages on the subject it
            // follows are still what the documents say, shown as such rather than "not covered".
            var subject = await retriever.SearchAsync(user, new SearchRequest(carried, GlossaryExpander.Expand(carried, glossary), request.CollectionIds), ct);
            if (subject.Answerable)
            {
                retrieval = subject;
                followUp = true;
            }
        }

        var decision = SensitivityRouter.Route(retrieval.Passages, ProviderCatalog.ToChoice(chosen), enabled.Select(ProviderCatalog.ToChoice).ToList());
        var profile = enabled.FirstOrDefault(p => p.Name == decision.Provider.Name) ?? chosen;
        var sources = decision.Passages;
        var notices = new Notices();
        if (budget.Level == BudgetLevel.Warning) notices.Add(budget.Message, budget.Detail);
        if (followUp) notices.Add(FollowUpSubjectNotice(language), AskMessages.FollowUpSubject());
        notices.Add(decision.Reason, decision.ReasonMessage);
        var route = retrieval.Answerable ? decision.Route : "not-covered";

        yield return new AskStarted(session.Id, profile.Name, route, notices.Text, sources, notices.Messages);

        var composer = new AnswerComposer(providers, tokens, o.RequestTimeoutSeconds);
        var plan = new AnswerPlan(question, standalone, language, retrieval.Answerable, sources, decision.Withheld.Count > 0, profile,
            historySensitivity <= profile.MaxSensitivity ? history : null, FallBackToExtractive: true);
        ComposedAnswer? composed = null;
        await foreach (var e in composer.ComposeAsync(plan, total, ct))
        {
            switch (e)
            {
                case ComposerDelta d:
                    yield return new AskDelta(d.Text);
                    break;
                case ComposerFailed f:
                    // Cancelled by the user, or the model failed mid-answer: what was shown cannot be taken back.
                    if (!f.Cancelled) logger.LogWarning("Provider {Provider} failed: {Error}", profile.Name, f.FailureType);
                    await RecordFailureAsync(user, profile, route, f.Failure, ct);
                    yield return new AskFailed(f.Failure);
                    yield break;
                case ComposerFallback f:
                    // The model failed before its first word: the answer quotes the passages instead, and says so.
                    logger.LogWarning("Provider {Provider} failed: {Error}", profile.Name, f.FailureType);
                    await RecordFailureAsync(user, profile, route, f.Failure, ct);
                    route = FallbackRoute;
                    notices.Add(f.Failure.Text, f.Failure);
                    notices.Add(FallbackNotice(language), AskMessages.Fallback());
                    yield return new AskNotice(notices.Text!, notices.Messages);
                    break;
                case ComposedAnswer c:
                    composed = c;
                    break;
            }
        }
        var answer = composed!;
        var usageRecord = new AskUsage(answer.InputTokens, answer.OutputTokens, answer.Estimated, answer.Cost,
            answer.FirstTokenMs is { } first ? (int)first : null, (int)total.ElapsedMilliseconds);
        var messageId = await SaveAsync(user, session.Id, question, answer, profile, route, usageRecord, sources, ct);
        yield return new AskCompleted(session.Id, messageId, answer.Answer, answer.Citations, profile.Name, profile.Model, route, answer.Answered,
            usageRecord, notices.Text, notices.Messages, answer.NotCovered);
    }

    /// <summary>The notices of one answer, as one line of text (API, CLI) and as messages (the Ask page).</summary>
    private sealed class Notices
    {
        private readonly List<string> _text = [];
        private readonly List<PortalMessage> _messages = [];

        public void Add(string? text, PortalMessage? message)
        {
            if (string.IsNullOrEmpty(text)) return;
            _text.Add(text);
            _messages.Add(message ?? PortalMessage.Untranslated(text));
        }

        public string? Text => _text.Count == 0 ? null : string.Join(" ", _text);
        public IReadOnlyList<PortalMessage> Messages => _messages.ToList();
    }

    public static string FollowUpSubjectNotice(string language) => PromptText.IsJapanese(language)
        ? "追加の質問の条件に触れた資料はありません。前の質問の内容について資料が述べている箇所を示します。"
        : AskMessages.FollowUpSubject().Text;

    /// <summary>
    /// A follow-up ("and for part-timers?") becomes a stand-alone query: by the chosen model when it may see the
    /// conversation, else by the heuristic (previous question's key terms). <c>Carried</c> is the previous question when
    /// the heuristic carried its subject over, else null.
    /// </summary>
    private async Task<(string Standalone, string? Carried)> StandaloneQuestionAsync(string question, IReadOnlyList<(string Role, string Content)> history,
        ProviderProfile chosen, SensitivityLabel historySensitivity, CancellationToken ct)
    {
        if (history.Count == 0 || !QueryRewriter.LooksLikeFollowUp(question)) return (question, null);
        if (chosen.Kind != ProviderKind.Extractive && historySensitivity <= chosen.MaxSensitivity)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(Math.Min(15, options.Value.RequestTimeoutSeconds)));
                using var client = providers.CreateChatClient(chosen);
                var reply = await client.GetResponseAsync(QueryRewriter.BuildRewritePrompt(question, history).ToList(),
                    new ChatOptions { Temperature = 0, MaxOutputTokens = 120 }, timeout.Token);
                return (QueryRewriter.CleanRewrite(reply.Text, question), null);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                logger.LogInformation("Query rewrite by {Provider} failed ({Error}); using the heuristic", chosen.Name, ex.GetType().Name);
            }
        }
        return QueryRewriter.HeuristicStandalone(question, history) is { } rewritten
            ? (rewritten, QueryRewriter.PreviousQuestion(question, history))
            : (question, null);
    }

    /// <summary>Route recorded when the chosen model failed and the answer quotes passages instead.</summary>
    public const string FallbackRoute = "fallback-extractive";

    public static string FallbackNotice(string language) => PromptText.IsJapanese(language)
        ? "代わりに、資料の該当箇所をそのまま引用して回答しています。"
        : AskMessages.Fallback().Text;

    private async Task<IReadOnlyList<(string Term, string[] Synonyms)>> GlossaryAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await db.Glossary.AsNoTracking().ToListAsync(ct)).Select(g => (g.Term, g.Synonyms)).ToList();
    }

    private async Task<ChatSession?> LoadOrCreateSessionAsync(UserAccess user, Guid? sessionId, string question, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (sessionId is { } id)
            return await db.ChatSessions.AsNoTracking().Include(s => s.Messages).FirstOrDefaultAsync(s => s.Id == id && s.UserId == user.UserId, ct);
        var session = new ChatSession { UserId = user.UserId, Title = question.Length > 60 ? question[..60] + "…" : question };
        db.ChatSessions.Add(session);
        await db.SaveChangesAsync(ct);
        return session;
    }

    private async Task<Guid> SaveAsync(UserAccess user, Guid sessionId, string question, ComposedAnswer composed,
        ProviderProfile profile, string route, AskUsage usage, IReadOnlyList<RetrievedPassage> shown, CancellationToken ct)
    {
        var (answer, citations, answered) = (composed.Answer, composed.Citations, composed.Answered);
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        await using var tx = await db.Database.BeginTransactionAsync(CancellationToken.None);
        var now = DateTimeOffset.UtcNow;
        var askerCollections = await QuestionPrivacy.ReadableCollectionsAsync(db, user.GroupIds, CancellationToken.None);
        // The answer is stamped 1 µs after the question: timestamptz keeps microseconds, so one tick later would tie and could sort first.
        db.ChatMessages.Add(new DomainChatMessage { SessionId = sessionId, Role = "user", Content = question, CreatedAt = now, AskerCollectionIds = askerCollections });
        var message = new DomainChatMessage
        {
            SessionId = sessionId, Role = "assistant", Content = answer, Provider = profile.Name,
            // A "not covered" reply is the portal's message: kept as code + arguments too, so history shows it in the reader's language.
            ContentCode = composed.NotCovered?.Code, ContentArgs = composed.NotCovered?.ArgsJson, Model = profile.Model, Route = route,
            InputTokens = usage.InputTokens, OutputTokens = usage.OutputTokens, Cost = usage.Cost, CreatedAt = now.AddMicroseconds(1),
            AskerCollectionIds = askerCollections,
            // Every passage sent is kept (numbered as sent), not only the cited ones: history re-checks access to all of them.
            Citations = shown.Select((p, i) => new MessageCitation { Number = i + 1, ChunkId = p.ChunkId, DocumentId = p.DocumentId }).ToList(),
        };
        db.ChatMessages.Add(message);
        await db.ChatSessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(s => s.SetProperty(x => x.UpdatedAt, now), CancellationToken.None);
        db.UsageRecords.Add(new UsageRecord
        {
            UserId = user.UserId, GroupIds = user.GroupIds, CollectionIds = shown.Select(p => p.CollectionId).Distinct().ToArray(),
            MessageId = message.Id, Provider = profile.Name, Model = profile.Model ?? profile.Kind.ToString(), Route = route,
            InputTokens = usage.InputTokens, OutputTokens = usage.OutputTokens, TokensEstimated = usage.Estimated, Cost = usage.Cost,
            FirstTokenMs = usage.FirstTokenMs, TotalMs = usage.TotalMs, AnsweredFromSources = answered,
        });
        AuditLog.Add(db, user.UserName, "question", "message", message.Id.ToString(), new
        {
            question = AuditQuestion(question, options.Value.AuditQuestions),
            askerCollections,
            sources = shown.Select(p => new { p.ChunkId, p.DocumentId }).ToArray(),
            cited = citations.Select(c => c.Passage.ChunkId).ToArray(),
            provider = profile.Name, route, usage.InputTokens, usage.OutputTokens, usage.Cost,
        });
        await db.SaveChangesAsync(CancellationToken.None);
        await tx.CommitAsync(CancellationToken.None);
        return message.Id;
    }

    private async Task RecordFailureAsync(UserAccess user, ProviderProfile profile, string route, PortalMessage failure, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        AuditLog.Add(db, user.UserName, "question-failed", "provider", profile.Name,
            new { route, failure = failure.Text, failureCode = failure.Code, failureArgs = failure.Args });
        await db.SaveChangesAsync(CancellationToken.None);
    }

    public static string? AuditQuestion(string question, QuestionAuditMode mode) => mode switch
    {
        QuestionAuditMode.None => null,
        QuestionAuditMode.Redacted => Digits().Replace(Email().Replace(question, "[email]"), "#"),
        _ => question,
    };

    [GeneratedRegex(@"[\w.+-]+@[\w-]+\.[\w.-]+")] private static partial Regex Email();
    [GeneratedRegex(@"\d")] private static partial Regex Digits();
}
