using System.Diagnostics;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Answering;
using KnowledgePortal.Core.Audit;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion.Chunking;
using KnowledgePortal.Core.Retrieval;
using KnowledgePortal.Core.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Core.Lab;

/// <summary>
/// The model lab: the same questions, retrieved once with the admin's own access, answered by several provider
/// profiles side by side. Each profile receives only the passages its clearance allows (no rerouting: the lab
/// shows what that model can do with what it may see). Results are saved as they arrive, so a run survives the
/// page being closed; every view re-checks the viewer's access to the passages an answer was built from.
/// </summary>
public sealed class ModelLab(
    IDbContextFactory<PortalDbContext> dbFactory,
    HybridRetriever retriever,
    ProviderCatalog providers,
    GlossaryCommands glossary,
    SourceAccess sourceAccess,
    ITokenCounter tokens,
    IOptions<AnsweringOptions> options,
    ILogger<ModelLab> logger)
{
    public const int MaxProviders = 6;
    public const string HiddenAnswer = "Hidden: this answer was built from passages you cannot read.";

    /// <summary>Enabled profiles, plus the built-in extractive mode when no enabled profile is extractive (a free baseline).</summary>
    public async Task<List<LabProvider>> ProvidersAsync(CancellationToken ct = default) =>
        (await ProfilesAsync(ct)).Select(p => new LabProvider(p.Name, p.Model, p.Kind, p.Location, p.MaxSensitivity,
            p.InputPricePerMillion, p.OutputPricePerMillion)).ToList();

    private async Task<List<ProviderProfile>> ProfilesAsync(CancellationToken ct)
    {
        var enabled = await providers.EnabledAsync(ct);
        if (!enabled.Any(p => p.Kind == ProviderKind.Extractive)) enabled.Add(ProviderCatalog.BuiltInExtractive);
        return enabled;
    }

    /// <summary>Checks and saves a new run (status Running); <see cref="ExecuteAsync"/> then answers it.</summary>
    public async Task<(Guid? RunId, LabError? Error)> CreateAsync(UserAccess admin, LabRunRequest request, CancellationToken ct = default)
    {
        RequireAdmin(admin);
        var questions = request.Questions.Where(q => !string.IsNullOrWhiteSpace(q.Question)).ToList();
        if (questions.Count == 0) return (null, new LabError(LabErrorCode.NoQuestions, "Enter at least one question."));
        if (questions.Count > LabQuestionParser.MaxQuestions)
            return (null, new LabError(LabErrorCode.TooManyQuestions, $"A run takes at most {LabQuestionParser.MaxQuestions} questions.", $"{LabQuestionParser.MaxQuestions}"));
        if (questions.Any(q => q.Question.Length > LabQuestionParser.MaxQuestionLength))
            return (null, new LabError(LabErrorCode.QuestionTooLong, $"A question is longer than {LabQuestionParser.MaxQuestionLength:N0} characters."));
        var names = request.Providers.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (names.Count < 2) return (null, new LabError(LabErrorCode.TooFewModels, "Choose at least two models to compare."));
        if (names.Count > MaxProviders) return (null, new LabError(LabErrorCode.TooManyModels, $"Compare at most {MaxProviders} models at once.", $"{MaxProviders}"));
        var available = await ProfilesAsync(ct);
        var unknown = names.Where(n => !available.Any(p => string.Equals(p.Name, n, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unknown.Count > 0) return (null, new LabError(LabErrorCode.UnknownModel, $"Not an enabled model: {string.Join(", ", unknown)}.", string.Join(", ", unknown)));
        var title = string.IsNullOrWhiteSpace(request.Title) ? questions[0].Question : request.Title.Trim();

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var set = request.QuestionSetId is { } setId ? await db.LabQuestionSets.AsNoTracking().FirstOrDefaultAsync(s => s.Id == setId, ct) : null;
        var run = new LabRun
        {
            Title = title.Length > 200 ? title[..199] + "…" : title,
            CreatedBy = admin.UserId, CreatedByName = admin.DisplayName.Length > 0 ? admin.DisplayName : admin.UserName,
            Status = LabRunStatus.Running,
            Providers = names.Select(n => available.First(p => string.Equals(p.Name, n, StringComparison.OrdinalIgnoreCase)).Name).ToArray(),
            CollectionIds = request.CollectionIds?.Distinct().ToArray() ?? [],
            QuestionSetId = set?.Id, QuestionSetName = set?.Name, QuestionCount = questions.Count,
            Questions = questions.Select((q, i) => new LabRunQuestion
            {
                Ordinal = i + 1, Text = q.Question.Trim(), ExpectedAnswers = q.ExpectedAnswers.Where(a => a.Trim().Length > 0).Select(a => a.Trim()).ToArray(),
            }).ToList(),
        };
        db.LabRuns.Add(run);
        // The questions are the admin's own test input, not document text; the audit keeps their number, not their text.
        AuditLog.Add(db, admin.UserName, "lab-run", "lab-run", run.Id.ToString(), new
        {
            run.Title, providers = run.Providers, questions = run.QuestionCount, set = run.QuestionSetName, collections = run.CollectionIds,
        });
        await db.SaveChangesAsync(ct);
        return (run.Id, null);
    }

    /// <summary>
    /// Answers every question of the run with every provider, skipping results already saved (so a run can be resumed),
    /// and saves each result, its ledger row and the run's heartbeat as it goes.
    /// </summary>
    public async Task ExecuteAsync(UserAccess admin, Guid runId, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        RequireAdmin(admin);
        LabRun run;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            run = await db.LabRuns.AsNoTracking().Include(r => r.Questions).Include(r => r.Results).AsSplitQuery().FirstOrDefaultAsync(r => r.Id == runId, ct)
                  ?? throw new InvalidOperationException("No such lab run.");
            // Resuming an interrupted or cancelled run: it is running again.
            await db.LabRuns.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, LabRunStatus.Running)
                .SetProperty(r => r.Error, (string?)null).SetProperty(r => r.CompletedAt, (DateTimeOffset?)null)
                .SetProperty(r => r.UpdatedAt, DateTimeOffset.UtcNow), ct);
        }
        try
        {
            var profiles = await ProfilesAsync(ct);
            var terms = (await glossary.ListAsync(ct)).Select(g => (g.Term, g.Synonyms)).ToList();
            var done = run.Results.Select(r => (r.QuestionOrdinal, r.Provider)).ToHashSet();
            foreach (var question in run.Questions.OrderBy(q => q.Ordinal))
            {
                var pending = run.Providers.Where(p => !done.Contains((question.Ordinal, p))).ToList();
                if (pending.Count == 0) continue;
                var retrieval = await retriever.SearchAsync(admin,
                    new SearchRequest(question.Text, GlossaryExpander.Expand(question.Text, terms), run.CollectionIds.Length > 0 ? run.CollectionIds : null), ct);
                foreach (var name in pending)
                {
                    ct.ThrowIfCancellationRequested();
                    var profile = profiles.FirstOrDefault(p => p.Name == name);
                    LabResult result;
                    if (profile is null)
                    {
                        result = new LabResult { RunId = run.Id, QuestionOrdinal = question.Ordinal, Provider = name, Route = "unavailable" };
                        SetError(result, AskMessages.ModelGone(name));
                    }
                    else result = await AnswerAsync(run.Id, question, retrieval, profile, ct);
                    await SaveResultAsync(admin, result, profile, retrieval.Passages);
                    progress?.Report(1);
                }
            }
            await FinishAsync(run.Id, LabRunStatus.Completed, null);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await FinishAsync(run.Id, LabRunStatus.Cancelled, null);
        }
        catch (Exception ex)
        {
            logger.LogError("Lab run {RunId} failed: {Error}", run.Id, ex.GetType().Name);
            await FinishAsync(run.Id, LabRunStatus.Failed, "The run stopped on an unexpected error; the results so far are kept.");
        }
    }

    private async Task<LabResult> AnswerAsync(Guid runId, LabRunQuestion question, RetrievalResult retrieval, ProviderProfile profile, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var language = LanguageDetector.Detect(question.Text);
        // No other provider to reroute to: what is above this profile's clearance is withheld from it.
        var decision = SensitivityRouter.Route(retrieval.Passages, ProviderCatalog.ToChoice(profile), []);
        var sent = decision.Passages;
        var result = new LabResult
        {
            RunId = runId, QuestionOrdinal = question.Ordinal, Provider = profile.Name, Model = profile.Model,
            Route = retrieval.Answerable ? decision.Route : "not-covered",
            SentChunkIds = sent.Select(p => p.ChunkId).ToArray(), WithheldChunkIds = decision.Withheld.Select(p => p.ChunkId).ToArray(),
        };
        var composer = new AnswerComposer(providers, tokens, options.Value.RequestTimeoutSeconds);
        var plan = new AnswerPlan(question.Text, question.Text, language, retrieval.Answerable, sent, decision.Withheld.Count > 0, profile,
            History: null, FallBackToExtractive: false);
        ComposedAnswer? composed = null;
        await foreach (var e in composer.ComposeAsync(plan, clock, ct))
        {
            if (e is ComposerFailed failed)
            {
                ct.ThrowIfCancellationRequested();
                logger.LogWarning("Lab: provider {Provider} failed: {Error}", profile.Name, failed.FailureType);
                SetError(result, failed.Failure);
                result.TotalMs = clock.Elapsed.TotalMilliseconds;
                return result;
            }
            if (e is ComposedAnswer c) composed = c;
        }
        var answer = composed!;
        if (!answer.Answered) result.SentChunkIds = [];
        else result.FirstTokenMs = answer.FirstTokenMs;
        result.Answered = answer.Answered;
        result.Answer = answer.Answer;
        (result.InputTokens, result.OutputTokens, result.TokensEstimated, result.Cost) = (answer.InputTokens, answer.OutputTokens, answer.Estimated, answer.Cost);
        result.CitedNumbers = answer.Citations.Select(c => c.Number).Distinct().Order().ToArray();
        result.ExpectedMatch = question.ExpectedAnswers.Length == 0 ? null : result.Answered && ExpectedAnswer.Matches(answer.Answer, question.ExpectedAnswers);
        result.TotalMs = clock.Elapsed.TotalMilliseconds;
        return result;
    }

    /// <summary>Keeps a failure as English text and as code + arguments, so the lab page shows it in the viewer's language.</summary>
    private static void SetError(LabResult result, PortalMessage error) =>
        (result.Error, result.ErrorCode, result.ErrorArgs) = (error.Text, error.Code.Length == 0 ? null : error.Code, error.ArgsJson);

    /// <summary>The ledger keeps whole milliseconds (as Ask writes them); a sub-millisecond answer counts as 1, not 0.</summary>
    private static int? Whole(double? milliseconds) => milliseconds is { } ms ? (int)Math.Ceiling(ms) : null;

    private async Task SaveResultAsync(UserAccess admin, LabResult result, ProviderProfile? profile, IReadOnlyList<RetrievedPassage> retrieved)
    {
        // Saved even when the caller cancels: a call that was paid for is recorded.
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        db.LabResults.Add(result);
        if (profile is not null && result.Error is null)
        {
            var sent = result.SentChunkIds.ToHashSet();
            db.UsageRecords.Add(new UsageRecord
            {
                UserId = admin.UserId, GroupIds = admin.GroupIds,
                CollectionIds = retrieved.Where(p => sent.Contains(p.ChunkId)).Select(p => p.CollectionId).Distinct().ToArray(),
                Provider = profile.Name, Model = profile.Model ?? profile.Kind.ToString(), Route = UsageRoutes.Lab,
                InputTokens = result.InputTokens, OutputTokens = result.OutputTokens, TokensEstimated = result.TokensEstimated, Cost = result.Cost,
                FirstTokenMs = Whole(result.FirstTokenMs), TotalMs = Whole(result.TotalMs) ?? 0, AnsweredFromSources = result.Answered,
            });
        }
        await db.SaveChangesAsync(CancellationToken.None);
        await db.LabRuns.Where(r => r.Id == result.RunId).ExecuteUpdateAsync(s => s.SetProperty(r => r.UpdatedAt, DateTimeOffset.UtcNow), CancellationToken.None);
    }

    internal async Task FinishAsync(Guid runId, LabRunStatus status, string? error)
    {
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        var now = DateTimeOffset.UtcNow;
        await db.LabRuns.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, status).SetProperty(r => r.Error, error)
            .SetProperty(r => r.UpdatedAt, now).SetProperty(r => r.CompletedAt, now), CancellationToken.None);
    }

    /// <summary>A Running run untouched for longer than two model timeouts belongs to a process that stopped.</summary>
    public LabRunState StateOf(LabRunStatus status, DateTimeOffset updatedAt, DateTimeOffset now) => status switch
    {
        LabRunStatus.Running when now - updatedAt > TimeSpan.FromSeconds(2 * options.Value.RequestTimeoutSeconds + 60) => LabRunState.Interrupted,
        LabRunStatus.Running => LabRunState.Running,
        LabRunStatus.Completed => LabRunState.Completed,
        LabRunStatus.Cancelled => LabRunState.Cancelled,
        _ => LabRunState.Failed,
    };

    public async Task<List<LabRunSummary>> ListAsync(UserAccess admin, int limit = 100, CancellationToken ct = default)
    {
        RequireAdmin(admin);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.LabRuns.AsNoTracking().OrderByDescending(r => r.CreatedAt).Take(limit)
            .Select(r => new { r.Id, r.Title, r.CreatedByName, r.CreatedAt, r.Status, r.UpdatedAt, r.Providers, r.QuestionCount,
                Results = r.Results.Count, Cost = r.Results.Sum(x => x.Cost) })
            .ToListAsync(ct);
        var now = DateTimeOffset.UtcNow;
        return rows.Select(r => new LabRunSummary(r.Id, r.Title, r.CreatedByName, r.CreatedAt, StateOf(r.Status, r.UpdatedAt, now), r.Providers,
            r.QuestionCount, r.Results, r.Cost)).ToList();
    }

    /// <summary>The run as <paramref name="viewer"/> may see it: answers built from passages they cannot read today are hidden.</summary>
    public async Task<LabRunView?> LoadAsync(UserAccess viewer, Guid runId, CancellationToken ct = default)
    {
        RequireAdmin(viewer);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await db.LabRuns.AsNoTracking().Include(r => r.Questions).Include(r => r.Results).AsSplitQuery()
            .FirstOrDefaultAsync(r => r.Id == runId, ct);
        if (run is null) return null;
        var chunkIds = run.Results.SelectMany(r => r.SentChunkIds.Concat(r.WithheldChunkIds)).Distinct().ToArray();
        var readable = (await sourceAccess.ReadablePassagesAsync(viewer, chunkIds, ct)).ToDictionary(p => p.ChunkId);
        var byQuestion = run.Results.ToLookup(r => r.QuestionOrdinal);
        var questions = run.Questions.OrderBy(q => q.Ordinal).Select(q =>
        {
            var results = byQuestion[q.Ordinal].ToList();
            // Retrieval was shared by the question's providers: one unreadable passage hides all of its answers.
            var hidden = results.SelectMany(r => r.SentChunkIds.Concat(r.WithheldChunkIds)).Any(id => !readable.ContainsKey(id));
            var views = run.Providers.SelectMany(p => results.Where(r => r.Provider == p)).Select(r => View(r, hidden, readable)).ToList();
            return new LabQuestionView(q.Ordinal, q.Text, q.ExpectedAnswers, views);
        }).ToList();
        var summary = new LabRunSummary(run.Id, run.Title, run.CreatedByName, run.CreatedAt, StateOf(run.Status, run.UpdatedAt, DateTimeOffset.UtcNow),
            run.Providers, run.QuestionCount, run.Results.Count, run.Results.Sum(r => r.Cost));
        return new LabRunView(summary, run.CollectionIds, run.QuestionSetName, run.Error, questions,
            LabProviderSummary.For(run.Providers, questions.SelectMany(q => q.Results)));
    }

    private static LabResultView View(LabResult r, bool hidden, IReadOnlyDictionary<long, RetrievedPassage> readable)
    {
        var citations = hidden ? [] : r.CitedNumbers.Where(n => n >= 1 && n <= r.SentChunkIds.Length)
            .Select(n => new AnswerCitation(n, readable[r.SentChunkIds[n - 1]])).ToList();
        return new LabResultView(r.Provider, r.Model, r.Route, hidden ? HiddenAnswer : r.Answer, r.Answered, hidden ? null : r.ExpectedMatch,
            citations, r.SentChunkIds.Length, r.WithheldChunkIds.Length, r.InputTokens, r.OutputTokens, r.TokensEstimated, r.Cost,
            r.FirstTokenMs, r.TotalMs, r.Error, hidden, PortalMessage.FromStored(r.ErrorCode, r.ErrorArgs, r.Error));
    }

    public async Task<bool> DeleteAsync(UserAccess admin, Guid runId, CancellationToken ct = default)
    {
        RequireAdmin(admin);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var title = await db.LabRuns.Where(r => r.Id == runId).Select(r => r.Title).FirstOrDefaultAsync(ct);
        if (title is null) return false;
        await db.LabRuns.Where(r => r.Id == runId).ExecuteDeleteAsync(ct);
        AuditLog.Add(db, admin.UserName, "lab-run-deleted", "lab-run", runId.ToString(), new { title });
        await db.SaveChangesAsync(ct);
        return true;
    }

    // ---- Saved question sets ----

    public async Task<List<LabQuestionSet>> ListSetsAsync(UserAccess admin, CancellationToken ct = default)
    {
        RequireAdmin(admin);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var sets = await db.LabQuestionSets.AsNoTracking().Include(s => s.Questions).OrderBy(s => s.Name).ToListAsync(ct);
        foreach (var s in sets) s.Questions = s.Questions.OrderBy(q => q.Ordinal).ToList();
        return sets;
    }

    /// <summary>Creates or replaces a set (by id, else by name); returns its id or a readable error.</summary>
    public async Task<(int? Id, LabError? Error)> SaveSetAsync(UserAccess admin, int? id, string name, IReadOnlyList<LabQuestionInput> questions, CancellationToken ct = default)
    {
        RequireAdmin(admin);
        name = name.Trim();
        if (name.Length is 0 or > 200) return (null, new LabError(LabErrorCode.SetNameMissing, "Give the set a name (200 characters at most)."));
        if (questions.Count == 0) return (null, new LabError(LabErrorCode.NoQuestions, "The set has no questions."));
        if (questions.Count > LabQuestionParser.MaxQuestions)
            return (null, new LabError(LabErrorCode.TooManyQuestions, $"A set holds at most {LabQuestionParser.MaxQuestions} questions.", $"{LabQuestionParser.MaxQuestions}"));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var set = id is { } existing
            ? await db.LabQuestionSets.Include(s => s.Questions).FirstOrDefaultAsync(s => s.Id == existing, ct)
            : await db.LabQuestionSets.Include(s => s.Questions).FirstOrDefaultAsync(s => s.Name == name, ct);
        if (id is not null && set is null) return (null, new LabError(LabErrorCode.SetGone, "This set no longer exists."));
        if (await db.LabQuestionSets.AnyAsync(s => s.Name == name && (set == null || s.Id != set.Id), ct)) return (null, new LabError(LabErrorCode.SetNameTaken, $"A set named '{name}' already exists.", name));
        if (set is null) db.LabQuestionSets.Add(set = new LabQuestionSet { Name = name, CreatedBy = admin.UserId });
        set.Name = name;
        set.UpdatedAt = DateTimeOffset.UtcNow;
        db.RemoveRange(set.Questions);
        set.Questions = questions.Select((q, i) => new LabQuestion { Ordinal = i + 1, Text = q.Question.Trim(), ExpectedAnswers = q.ExpectedAnswers.ToArray() }).ToList();
        await db.SaveChangesAsync(ct);
        AuditLog.Add(db, admin.UserName, "lab-set-saved", "lab-set", set.Id.ToString(), new { set.Name, questions = questions.Count });
        await db.SaveChangesAsync(ct);
        return (set.Id, null);
    }

    public async Task<bool> DeleteSetAsync(UserAccess admin, int id, CancellationToken ct = default)
    {
        RequireAdmin(admin);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var name = await db.LabQuestionSets.Where(s => s.Id == id).Select(s => s.Name).FirstOrDefaultAsync(ct);
        if (name is null) return false;
        await db.LabQuestionSets.Where(s => s.Id == id).ExecuteDeleteAsync(ct);
        AuditLog.Add(db, admin.UserName, "lab-set-deleted", "lab-set", id.ToString(), new { name });
        await db.SaveChangesAsync(ct);
        return true;
    }

    private static void RequireAdmin(UserAccess user)
    {
        if (!user.IsAdmin) throw new UnauthorizedAccessException("The model lab is for admins.");
    }
}
