using System.Diagnostics;
using KnowledgePortal.Core.Domain;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Core.Retrieval.Reranking;

public enum RerankStatus
{
    /// <summary>Nothing was reranked (no reranker configured, or fewer than two passages it may see).</summary>
    None,

    /// <summary>The sent passages are in the reranker's order.</summary>
    Reranked,

    /// <summary>The reranker failed (timeout, HTTP or protocol error); the fused order is kept.</summary>
    Fallback,
}

/// <param name="Reranker">The reranker's <see cref="IReranker.Name"/>, or "none".</param>
/// <param name="Reason">Why nothing was reranked, or why the stage fell back; null when reranked.</param>
/// <param name="Sent">Passages sent to the reranker.</param>
/// <param name="HeldBack">Candidates above the reranker's clearance, kept at their fused position and not sent.</param>
/// <param name="Milliseconds">Time spent in the stage.</param>
public sealed record RerankDiagnostics(string Reranker, RerankStatus Status, string? Reason, int Sent, int HeldBack, double Milliseconds)
{
    public static readonly RerankDiagnostics NotConfigured = new("none", RerankStatus.None, null, 0, 0, 0);

    /// <summary>"none", "reranked" or "fallback: &lt;reason&gt;", for diagnostics and eval reports.</summary>
    public string Summary => Status switch
    {
        RerankStatus.Reranked => "reranked",
        RerankStatus.Fallback => "fallback: " + Reason,
        _ => "none",
    };
}

/// <summary>The passages in their final order, and what the stage did.</summary>
public sealed record RerankOutcome(IReadOnlyList<RetrievedPassage> Passages, RerankDiagnostics Diagnostics);

/// <summary>Which fused positions go to the reranker (ascending), and how many candidates were held back.</summary>
public sealed record RerankPlan(IReadOnlyList<int> Sent, int HeldBack);

/// <summary>
/// The reranking step after fusion. Only the first <see cref="RerankingOptions.Candidates"/> passages are scored; a
/// passage above the reranker's clearance is never sent and keeps its fused position; any failure keeps the fused
/// order. <see cref="RetrievedPassage.Score"/> stays the fused score: the stage changes the order only.
/// </summary>
public sealed class RerankStage
{
    private readonly int _candidates;
    private readonly ILogger<RerankStage> _logger;

    public RerankStage(IReranker? reranker, IOptions<RerankingOptions> options, ILogger<RerankStage> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        Reranker = reranker;
        _candidates = Math.Max(1, options.Value.Candidates);
        _logger = logger;
    }

    /// <summary>The configured reranker, or null when reranking is off.</summary>
    public IReranker? Reranker { get; }

    /// <summary>How many fused passages the reranker scores (the retriever loads at least this many).</summary>
    public int Candidates => _candidates;

    public async Task<RerankOutcome> ApplyAsync(string query, IReadOnlyList<RetrievedPassage> fused, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(fused);
        if (Reranker is not { } reranker) return new RerankOutcome(fused, RerankDiagnostics.NotConfigured);

        var sw = Stopwatch.StartNew();
        var plan = Plan(fused, _candidates, reranker.MaxSensitivity);
        if (plan.Sent.Count < 2)
            return new RerankOutcome(fused, new RerankDiagnostics(reranker.Name, RerankStatus.None,
                plan.HeldBack > 0 ? "fewer than two candidates within the reranker's clearance" : "fewer than two candidates",
                0, plan.HeldBack, sw.Elapsed.TotalMilliseconds));

        try
        {
            var texts = plan.Sent.Select(i => TextOf(fused[i])).ToList();
            var scores = await reranker.ScoreAsync(query, texts, ct).ConfigureAwait(false);
            if (scores.Count != texts.Count)
                throw new RerankProtocolException($"{scores.Count} scores for {texts.Count} passages");
            return new RerankOutcome(Arrange(fused, plan.Sent, scores),
                new RerankDiagnostics(reranker.Name, RerankStatus.Reranked, null, plan.Sent.Count, plan.HeldBack, sw.Elapsed.TotalMilliseconds));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw; // the question was abandoned; nothing to fall back for
        }
        catch (Exception ex)
        {
            var reason = Describe(ex);
            // Ids and counts only: passage text and the question stay out of logs.
            _logger.LogWarning("Reranker {Reranker} failed ({Reason}, {Error}) for {Sent} passages; using the fused order",
                reranker.Name, reason, ex.GetType().Name, plan.Sent.Count);
            return new RerankOutcome(fused,
                new RerankDiagnostics(reranker.Name, RerankStatus.Fallback, reason, plan.Sent.Count, plan.HeldBack, sw.Elapsed.TotalMilliseconds));
        }
    }

    /// <summary>
    /// The positions among the first <paramref name="candidates"/> whose label is within <paramref name="maxSensitivity"/>;
    /// the others in that window are counted as held back.
    /// </summary>
    public static RerankPlan Plan(IReadOnlyList<RetrievedPassage> fused, int candidates, SensitivityLabel maxSensitivity)
    {
        ArgumentNullException.ThrowIfNull(fused);
        var window = Math.Min(Math.Max(0, candidates), fused.Count);
        var sent = new List<int>(window);
        for (var i = 0; i < window; i++)
            if (fused[i].Sensitivity <= maxSensitivity) sent.Add(i);
        return new RerankPlan(sent, window - sent.Count);
    }

    /// <summary>
    /// The final order: every position not in <paramref name="sent"/> keeps its passage (held back, or beyond the
    /// candidates); the sent positions are refilled by the sent passages in descending <paramref name="scores"/>
    /// (ties keep fused order). <paramref name="scores"/>[k] belongs to fused[<paramref name="sent"/>[k]].
    /// </summary>
    public static IReadOnlyList<RetrievedPassage> Arrange(IReadOnlyList<RetrievedPassage> fused, IReadOnlyList<int> sent, IReadOnlyList<double> scores)
    {
        ArgumentNullException.ThrowIfNull(fused);
        ArgumentNullException.ThrowIfNull(sent);
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Count != sent.Count) throw new ArgumentException($"{scores.Count} scores for {sent.Count} passages", nameof(scores));

        var result = fused.ToArray();
        var slots = sent.Order().ToList();
        var ranked = Enumerable.Range(0, sent.Count).OrderByDescending(k => scores[k]).ThenBy(k => sent[k]).ToList();
        for (var j = 0; j < slots.Count; j++) result[slots[j]] = fused[sent[ranked[j]]];
        return result;
    }

    /// <summary>What the reranker reads of a passage: the contextual header from ingestion, then the text.</summary>
    public static string TextOf(RetrievedPassage passage) =>
        string.IsNullOrWhiteSpace(passage.Context) ? passage.Text : passage.Context + "\n\n" + passage.Text;

    /// <summary>A short reason without passage text: our own messages, status codes and exception type names only.</summary>
    public static string Describe(Exception ex) => ex switch
    {
        TimeoutException t when t.Message.StartsWith("timeout", StringComparison.Ordinal) => t.Message,
        TimeoutException => "timeout",
        HttpRequestException { StatusCode: { } status } => $"HTTP {(int)status}",
        HttpRequestException => "connection failed",
        RerankProtocolException p => "protocol error: " + p.Message,
        _ => "error: " + ex.GetType().Name,
    };
}
