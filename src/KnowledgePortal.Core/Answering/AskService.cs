using System.ClientModel;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Audit;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion.Chunking;
using KnowledgePortal.Core.Insights;
using KnowledgePortal.Core.Retrieval;
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
/// <summary>The question was accepted: which session, which provider and route, and any passages withheld and why.</summary>
public sealed record AskStarted(Guid SessionId, string Provider, string Route, string? Notice, IReadOnlyList<RetrievedPassage> Sources) : AskEvent;
public sealed record AskDelta(string Text) : AskEvent;
public sealed record AskCompleted(Guid SessionId, Guid MessageId, string Answer, IReadOnlyList<AnswerCitation> Citations, string Provider,
    string? Model, string Route, bool Answered, AskUsage Usage, string? Notice) : AskEvent;
public sealed record AskFailed(string Message) : AskEvent;
/// <summary>The notice changed while answering (the model failed and the answer quotes passages instead).</summary>
public sealed record AskNotice(string Notice) : AskEvent;

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
        if (question.Length == 0) { yield return new AskFailed("Type a question first."); yield break; }
        if (question.Length > 4000) { yield return new AskFailed("The question is too long (4,000 characters at most)."); yield break; }
        var language = LanguageDetector.Detect(question);
        // Monthly caps: refused at 100% of any cap that applies to this user, warned from 80% (in the question's language).
        var budget = budgets is null ? BudgetStatus.Allowed : await budgets.CheckAsync(user, language, ct);
        if (budget.Level == BudgetLevel.Refused) { yield return new AskFailed(budget.Message!); yield break; }
        var total = Stopwatch.StartNew();

        var session = await LoadOrCreateSessionAsync(user, request.SessionId, question, ct);
        if (session is null) { yield return new AskFailed("This conversation does not exist or is not yours."); yield break; }
        // Only what the user may still read goes back to a model, and only to one cleared for its sources' labels.
        var (history, historySensitivity) = session.Messages.Count == 0 ? ModelHistory.Empty
            : await chatHistory.ForModelAsync(user, session.Id, o.HistoryTurns, ct);

        var enabled = await providers.EnabledAsync(ct);
        var chosen = ProviderCatalog.Choose(enabled, request.Provider, o.DefaultProvider);
        var (standalone, carried) = await StandaloneQuestionAsync(question, history, chosen, historySensitivity, ct);
        var glossary = await GlossaryAsync(ct);
        var retrieval = await retriever.SearchAsync(user, new SearchRequest(standalone, GlossaryExpander.Expand(standalone, glossary), request.CollectionIds), ct);
        string? followUpNotice = null;
        if (!retrieval.Answerable && carried is not null)
        {
            // A follow-up whose new condition ("part-time staff") no document mentions: the passages on the subject it
            // follows are still what the documents say, shown as such rather than "not covered".
            var subject = await retriever.SearchAsync(user, new SearchRequest(carried, GlossaryExpander.Expand(carried, glossary), request.CollectionIds), ct);
            if (subject.Answerable)
            {
                retrieval = subject;
                followUpNotice = FollowUpSubjectNotice(language);
            }
        }

        var decision = SensitivityRouter.Route(retrieval.Passages, ProviderCatalog.ToChoice(chosen), enabled.Select(ProviderCatalog.ToChoice).ToList());
        var profile = enabled.FirstOrDefault(p => p.Name == decision.Provider.Name) ?? chosen;
        var sources = decision.Passages;
        var notice = string.Join(" ", new[] { budget.Level == BudgetLevel.Warning ? budget.Message : null, followUpNotice, decision.Reason }
            .Where(n => !string.IsNullOrEmpty(n)));
        if (notice.Length == 0) notice = null;
        var route = retrieval.Answerable ? decision.Route : "not-covered";

        yield return new AskStarted(session.Id, profile.Name, route, notice, sources);

        string answer;
        int inputTokens = 0, outputTokens = 0;
        var estimated = false;
        int? firstTokenMs = null;
        string? streamed = null; // what the model branch has shown so far
        var answered = retrieval.Answerable && sources.Count > 0;
        if (!answered)
        {
            // Nothing relevant: say so in the question's language; the model is not asked to guess.
            answer = NotCovered(language, retrieval.Answerable && decision.Withheld.Count > 0);
            firstTokenMs = (int)total.ElapsedMilliseconds;
            yield return new AskDelta(answer);
        }
        else if (profile.Kind == ProviderKind.Extractive)
        {
            // Scored against the stand-alone question, so a follow-up's sentences are about the subject carried over.
            answer = ExtractiveAnswerer.Answer(standalone, sources, language);
            firstTokenMs = (int)total.ElapsedMilliseconds;
            yield return new AskDelta(answer);
        }
        else
        {
            var prompt = PromptBuilder.Build(question, sources, language, historySensitivity <= profile.MaxSensitivity ? history : null).ToList();
            var text = new StringBuilder();
            streamed = "";
            await using var model = ModelStream.Open(providers, profile, prompt, o.RequestTimeoutSeconds, ct);
            while (await model.ReadAsync() is { } piece)
            {
                firstTokenMs ??= (int)total.ElapsedMilliseconds;
                text.Append(piece);
                // Stream only what is settled; a half-typed "[7" is held back until it closes (and is dropped if unknown).
                var settled = CitationMapper.Settled(text.ToString(), sources.Count);
                if (settled.Length > streamed.Length && settled.StartsWith(streamed, StringComparison.Ordinal))
                {
                    yield return new AskDelta(settled[streamed.Length..]);
                    streamed = settled;
                }
            }
            if (model.Failure is { } failure)
            {
                var cancelled = model.FailureType == nameof(OperationCanceledException);
                if (!cancelled)
                    logger.LogWarning("Provider {Provider} failed: {Error}", profile.Name, model.FailureType);
                await RecordFailureAsync(user, profile, route, failure, ct);
                if (cancelled || streamed.Length > 0)
                {
                    // Cancelled by the user, or the model failed mid-answer: what was shown cannot be taken back.
                    yield return new AskFailed(failure);
                    yield break;
                }
                // The model failed before its first word: quote the passages instead, and say so.
                route = FallbackRoute;
                answer = ExtractiveAnswerer.Answer(standalone, sources, language);
                notice = string.Join(" ", new[] { notice, failure, FallbackNotice(language) }.Where(n => !string.IsNullOrEmpty(n)));
                yield return new AskNotice(notice);
                firstTokenMs = (int)total.ElapsedMilliseconds;
                yield return new AskDelta(answer);
                streamed = answer;
            }
            else
            {
                answer = text.ToString();
                (inputTokens, outputTokens, estimated) = model.Tokens(tokens, answer);
            }
        }

        var (clean, mapped) = CitationMapper.Map(answer, sources);
        if (streamed is not null && clean.Length > streamed.Length && clean.StartsWith(streamed, StringComparison.Ordinal))
            yield return new AskDelta(clean[streamed.Length..]); // the tail held back while streaming
        var citations = mapped.Select(c => new AnswerCitation(c.Number, c.Passage)).ToList();
        var cost = Cost.Compute(inputTokens, outputTokens, profile.InputPricePerMillion, profile.OutputPricePerMillion);
        var usageRecord = new AskUsage(inputTokens, outputTokens, estimated, cost, firstTokenMs, (int)total.ElapsedMilliseconds);
        var messageId = await SaveAsync(user, session.Id, question, clean, citations, profile, route, answered, usageRecord, sources, ct);
        yield return new AskCompleted(session.Id, messageId, clean, citations, profile.Name, profile.Model, route, answered, usageRecord, notice);
    }

    public static string FollowUpSubjectNotice(string language) => PromptText.IsJapanese(language)
        ? "追加の質問の条件に触れた資料はありません。前の質問の内容について資料が述べている箇所を示します。"
        : "No document mentions this follow-up's condition itself; these passages are what the documents say about the question it follows.";

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
        : "This answer quotes passages from your documents instead.";

    /// <summary>
    /// What went wrong with a model call, in words a user can act on: which profile and endpoint, and what happened
    /// (never an exception type name such as "AggregateException").
    /// </summary>
    public static string DescribeProviderError(ProviderProfile profile, Exception ex, bool timedOut, int timeoutSeconds)
    {
        var at = EndpointLabel(profile) is { } e ? $"'{profile.Name}' at {e}" : $"'{profile.Name}'";
        var root = ConnectionTestResult.Innermost(ex);
        var (outcome, status) = ConnectionTestResult.Classify(ex, timedOut);
        return outcome switch
        {
            ConnectionOutcome.Timeout when timedOut => $"The model {at} did not answer within {timeoutSeconds} s. Try again, or choose another model.",
            ConnectionOutcome.Timeout => $"The model {at} did not answer in time. Try again, or choose another model.",
            ConnectionOutcome.Unauthorized => $"The model {at} refused the request: its API key is missing or wrong. Ask IT to check the provider profile.",
            ConnectionOutcome.RateLimited => $"The model {at} is busy or over its quota (HTTP 429). Try again in a minute.",
            ConnectionOutcome.ModelNotFound => $"The model {at} was not found (HTTP 404): the endpoint or the model name '{profile.Model}' is wrong. Ask IT to check the provider profile.",
            ConnectionOutcome.HttpError when status >= 500 => $"The model {at} had an internal error (HTTP {status}). Try again, or choose another model.",
            ConnectionOutcome.HttpError => $"The model {at} rejected the request (HTTP {status}). Ask IT to check the provider profile.",
            ConnectionOutcome.Unreachable => ConnectionTestResult.CauseOf(ex) switch
            {
                UnreachableCause.Refused => $"The model {at} could not be reached: nothing is listening there (connection refused). Is the model server running?",
                UnreachableCause.UnknownHost => $"The model {at} could not be reached: the host name is unknown. Ask IT to check the endpoint.",
                UnreachableCause.Tls => $"The model {at} could not be reached securely: its TLS certificate was not accepted. Ask IT to check the endpoint.",
                _ => $"The model {at} could not be reached (the connection failed). Try again, or choose another model.",
            },
            ConnectionOutcome.NotConfigured => $"The model '{profile.Name}' is not configured correctly: {root.Message}",
            _ when root is System.Text.Json.JsonException or FormatException => $"The model {at} sent a reply the portal could not read: is the endpoint an OpenAI-compatible API?",
            _ => $"The model {at} failed to answer. Try again, or choose another model.",
        };
    }

    /// <summary>Scheme, host, port and path of a profile's endpoint (no credentials or query), or null when it has none.</summary>
    public static string? EndpointLabel(ProviderProfile profile)
    {
        if (string.IsNullOrWhiteSpace(profile.Endpoint)) return null;
        return Uri.TryCreate(profile.Endpoint.Trim(), UriKind.Absolute, out var u)
            ? $"{u.Scheme}://{u.Authority}{u.AbsolutePath.TrimEnd('/')}"
            : profile.Endpoint.Trim();
    }

    public static string NotCovered(string language, bool withheld) => (language, withheld) switch
    {
        ("ja", false) => "閲覧できる資料には、この質問に答える内容が見つかりませんでした。表現を変えるか、コレクションの担当者に資料の追加を依頼してください。",
        ("ja", true) => "関連する資料はありますが、選択したモデルに送信できない機密区分のため回答できません。",
        (_, false) => "The documents you can access do not cover this question. Try other words, or ask the collection's knowledge manager to add a document.",
        _ => "Relevant documents exist, but their sensitivity label does not allow sending them to any model available to you.",
    };

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

    private async Task<Guid> SaveAsync(UserAccess user, Guid sessionId, string question, string answer, IReadOnlyList<AnswerCitation> citations,
        ProviderProfile profile, string route, bool answered, AskUsage usage, IReadOnlyList<RetrievedPassage> shown, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        await using var tx = await db.Database.BeginTransactionAsync(CancellationToken.None);
        var now = DateTimeOffset.UtcNow;
        var askerCollections = await QuestionPrivacy.ReadableCollectionsAsync(db, user.GroupIds, CancellationToken.None);
        // The answer is stamped 1 µs after the question: timestamptz keeps microseconds, so one tick later would tie and could sort first.
        db.ChatMessages.Add(new DomainChatMessage { SessionId = sessionId, Role = "user", Content = question, CreatedAt = now, AskerCollectionIds = askerCollections });
        var message = new DomainChatMessage
        {
            SessionId = sessionId, Role = "assistant", Content = answer, Provider = profile.Name, Model = profile.Model, Route = route,
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

    private async Task RecordFailureAsync(UserAccess user, ProviderProfile profile, string route, string failure, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        AuditLog.Add(db, user.UserName, "question-failed", "provider", profile.Name, new { route, failure });
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
