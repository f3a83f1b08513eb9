using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion.Chunking;
using KnowledgePortal.Core.Text;

namespace KnowledgePortal.Core.Answering;

/// <summary>What to answer with what: the passages a profile may see for a question, already retrieved and routed.</summary>
/// <param name="Question">The question as asked (prompted to a model).</param>
/// <param name="ScoringQuestion">What extractive answers are scored against (Ask: the stand-alone rewrite of a follow-up).</param>
/// <param name="Answerable">Retrieval found the question covered.</param>
/// <param name="Sources">Passages the profile may receive, numbered [1..n] as sent.</param>
/// <param name="Withheld">Passages above the profile's clearance were kept from it.</param>
/// <param name="History">Earlier turns the model may see, or null.</param>
/// <param name="FallBackToExtractive">A model failing before its first word is replaced by the extractive answer (Ask), rather than reported (the lab).</param>
public sealed record AnswerPlan(string Question, string ScoringQuestion, string Language, bool Answerable, IReadOnlyList<RetrievedPassage> Sources,
    bool Withheld, ProviderProfile Profile, IReadOnlyList<(string Role, string Content)>? History, bool FallBackToExtractive);

public abstract record ComposerEvent;
/// <summary>Text to show now: settled model text, or a whole quoted / not-covered answer.</summary>
public sealed record ComposerDelta(string Text) : ComposerEvent;
/// <summary>The model failed before its first word; the extractive answer follows.</summary>
public sealed record ComposerFallback(PortalMessage Failure, string? FailureType) : ComposerEvent;
/// <summary>The model failed (or the call was cancelled) and there is no answer; nothing follows.</summary>
public sealed record ComposerFailed(PortalMessage Failure, string? FailureType, bool Cancelled) : ComposerEvent;
/// <summary>The answer with [n] mapped to the passages sent, its tokens and cost. <see cref="NotCovered"/> is set when it is the "not covered" message.</summary>
public sealed record ComposedAnswer(string Answer, IReadOnlyList<AnswerCitation> Citations, bool Answered, bool FellBack,
    int InputTokens, int OutputTokens, bool Estimated, decimal Cost, double? FirstTokenMs, PortalMessage? NotCovered) : ComposerEvent;

/// <summary>
/// The one way an answer is produced from routed passages, for Ask and the model lab alike: "not covered" when
/// nothing may be answered from, quoted sentences for the extractive mode, else the model's streamed answer (a
/// half-typed "[7" held back until it closes); then citations mapped back, tokens (reported or counted) and cost.
/// </summary>
public sealed class AnswerComposer(ProviderCatalog providers, ITokenCounter tokens, int requestTimeoutSeconds)
{
    /// <summary>Composes the answer; <paramref name="clock"/> is the caller's, so first-token times are measured from where it starts.</summary>
    public async IAsyncEnumerable<ComposerEvent> ComposeAsync(AnswerPlan plan, Stopwatch clock, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var profile = plan.Profile;
        var sources = plan.Sources;
        string answer;
        int inputTokens = 0, outputTokens = 0;
        var estimated = false;
        double? firstTokenMs = null;
        string? streamed = null; // what the model branch has shown so far
        PortalMessage? notCovered = null;
        var fellBack = false;
        var answered = plan.Answerable && sources.Count > 0;
        if (!answered)
        {
            // Nothing relevant: say so in the question's language; the model is not asked to guess.
            var withheld = plan.Answerable && plan.Withheld;
            notCovered = AskMessages.NotCovered(withheld);
            answer = NotCoveredText(plan.Language, withheld);
            firstTokenMs = clock.Elapsed.TotalMilliseconds;
            yield return new ComposerDelta(answer);
        }
        else if (profile.Kind == ProviderKind.Extractive)
        {
            answer = ExtractiveAnswerer.Answer(plan.ScoringQuestion, sources, plan.Language);
            firstTokenMs = clock.Elapsed.TotalMilliseconds;
            yield return new ComposerDelta(answer);
        }
        else
        {
            var prompt = PromptBuilder.Build(plan.Question, sources, plan.Language, plan.History).ToList();
            var text = new StringBuilder();
            streamed = "";
            await using var model = ModelStream.Open(providers, profile, prompt, requestTimeoutSeconds, ct);
            while (await model.ReadAsync() is { } piece)
            {
                firstTokenMs ??= clock.Elapsed.TotalMilliseconds;
                text.Append(piece);
                // Stream only what is settled; a half-typed "[7" is held back until it closes (and is dropped if unknown).
                var settled = CitationMapper.Settled(text.ToString(), sources.Count);
                if (settled.Length > streamed.Length && settled.StartsWith(streamed, StringComparison.Ordinal))
                {
                    yield return new ComposerDelta(settled[streamed.Length..]);
                    streamed = settled;
                }
            }
            if (model.Failure is { } failure)
            {
                var cancelled = model.FailureType == nameof(OperationCanceledException);
                if (cancelled || streamed.Length > 0 || !plan.FallBackToExtractive)
                {
                    // Cancelled, or failed mid-answer (what was shown cannot be taken back), or reported as is (the lab).
                    yield return new ComposerFailed(failure, model.FailureType, cancelled);
                    yield break;
                }
                // The model failed before its first word: quote the passages instead.
                yield return new ComposerFallback(failure, model.FailureType);
                fellBack = true;
                answer = ExtractiveAnswerer.Answer(plan.ScoringQuestion, sources, plan.Language);
                firstTokenMs = clock.Elapsed.TotalMilliseconds;
                yield return new ComposerDelta(answer);
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
            yield return new ComposerDelta(clean[streamed.Length..]); // the tail held back while streaming
        var citations = mapped.Select(c => new AnswerCitation(c.Number, c.Passage)).ToList();
        var cost = Cost.Compute(inputTokens, outputTokens, profile.InputPricePerMillion, profile.OutputPricePerMillion);
        yield return new ComposedAnswer(clean, citations, answered, fellBack, inputTokens, outputTokens, estimated, cost, firstTokenMs, notCovered);
    }

    /// <summary>The "not covered" answer in the question's language (it is the answer's text, kept in the conversation).</summary>
    public static string NotCoveredText(string language, bool withheld) => (language, withheld) switch
    {
        ("ja", false) => "閲覧できる資料には、この質問に答える内容が見つかりませんでした。表現を変えるか、コレクションの担当者に資料の追加を依頼してください。",
        ("ja", true) => "関連する資料はありますが、選択したモデルに送信できない機密区分のため回答できません。",
        _ => AskMessages.NotCovered(withheld).Text,
    };
}
