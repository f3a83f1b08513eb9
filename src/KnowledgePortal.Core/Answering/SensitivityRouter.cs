using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Text;

namespace KnowledgePortal.Core.Answering;

/// <summary>A model provider the answer may be generated with, as far as routing is concerned.</summary>
/// <param name="Name">Provider name shown to users and in the audit trail.</param>
/// <param name="Location">Where the model runs.</param>
/// <param name="MaxSensitivity">Highest sensitivity label whose passages may be sent to it.</param>
/// <param name="IsExtractive">True for the built-in extractive mode (no language model).</param>
public sealed record ProviderChoice(string Name, ProviderLocation Location, SensitivityLabel MaxSensitivity, bool IsExtractive)
{
    /// <summary>The built-in extractive mode: runs on the server, cleared for everything.</summary>
    public static ProviderChoice Extractive { get; } = new("extractive", ProviderLocation.OnPremises, SensitivityLabel.Secret, true);

    /// <summary>Location used for routing: the extractive mode always counts as on-premises.</summary>
    public ProviderLocation EffectiveLocation => IsExtractive ? ProviderLocation.OnPremises : Location;

    /// <summary>Clearance used for routing: the extractive mode is always cleared for <see cref="SensitivityLabel.Secret"/>.</summary>
    public SensitivityLabel EffectiveMaxSensitivity => IsExtractive ? SensitivityLabel.Secret : MaxSensitivity;
}

/// <summary>Outcome of <see cref="SensitivityRouter.Route"/>.</summary>
/// <param name="Provider">Provider that must generate the answer.</param>
/// <param name="Route">"direct", "rerouted-on-premises" or "withheld" (see <see cref="SensitivityRouter"/> constants).</param>
/// <param name="Passages">Passages that may be sent to <paramref name="Provider"/>, in the original order.</param>
/// <param name="Withheld">Passages that must not be sent, in the original order.</param>
/// <param name="Reason">Human-readable explanation (English) when the route is not direct.</param>
/// <param name="ReasonMessage">The same as a message the UI translates.</param>
public sealed record RouteDecision(
    ProviderChoice Provider,
    string Route,
    IReadOnlyList<RetrievedPassage> Passages,
    IReadOnlyList<RetrievedPassage> Withheld,
    string? Reason,
    PortalMessage? ReasonMessage = null);

/// <summary>
/// Decides which provider may see the retrieved passages, based on their sensitivity labels.
/// </summary>
public static class SensitivityRouter
{
    public const string Direct = "direct";
    public const string ReroutedOnPremises = "rerouted-on-premises";
    public const string WithheldRoute = "withheld";

    /// <summary>
    /// Routes <paramref name="passages"/>:
    /// <list type="number">
    /// <item>every passage within the clearance of <paramref name="chosen"/> → <c>direct</c>;</item>
    /// <item>else the first allowed on-premises provider cleared for the highest label → <c>rerouted-on-premises</c>
    /// (language models are preferred over the extractive mode, otherwise list order is kept);</item>
    /// <item>else keep <paramref name="chosen"/> and withhold the passages above its clearance → <c>withheld</c>.</item>
    /// </list>
    /// The extractive mode counts as on-premises with clearance <see cref="SensitivityLabel.Secret"/>.
    /// </summary>
    public static RouteDecision Route(
        IReadOnlyList<RetrievedPassage> passages,
        ProviderChoice chosen,
        IReadOnlyList<ProviderChoice> allowedProviders)
    {
        ArgumentNullException.ThrowIfNull(passages);
        ArgumentNullException.ThrowIfNull(chosen);
        ArgumentNullException.ThrowIfNull(allowedProviders);

        if (passages.Count == 0)
            return new RouteDecision(chosen, Direct, passages, [], null);

        var highest = passages.Max(p => p.Sensitivity);
        var clearance = chosen.EffectiveMaxSensitivity;
        if (highest <= clearance)
            return new RouteDecision(chosen, Direct, passages, [], null);

        var onPremises = allowedProviders
            .Where(p => p.EffectiveLocation == ProviderLocation.OnPremises && p.EffectiveMaxSensitivity >= highest)
            .ToList();
        var target = onPremises.FirstOrDefault(p => !p.IsExtractive) ?? onPremises.FirstOrDefault();
        if (target is not null)
        {
            var above = passages.Where(p => p.Sensitivity > clearance).ToList();
            var reason = $"Rerouted to the on-premises provider \"{target.Name}\": {Describe(above)} "
                       + $"{(above.Count == 1 ? "is" : "are")} above the clearance of \"{chosen.Name}\" ({clearance}).";
            return new RouteDecision(target, ReroutedOnPremises, passages, [], reason,
                AskMessages.Rerouted(target.Name, above.Count, Labels(above), chosen.Name, clearance, reason));
        }

        var kept = new List<RetrievedPassage>(passages.Count);
        var withheld = new List<RetrievedPassage>();
        foreach (var passage in passages)
            (passage.Sensitivity <= clearance ? kept : withheld).Add(passage);

        var verb = withheld.Count == 1 ? "was" : "were";
        var pronoun = withheld.Count == 1 ? "it" : "them";
        var withheldReason = $"{Describe(withheld)} {verb} withheld: no on-premises model is cleared for {pronoun}.";
        return new RouteDecision(chosen, WithheldRoute, kept, withheld, withheldReason,
            AskMessages.Withheld(withheld.Count, Labels(withheld), withheldReason));
    }

    /// <summary>"Confidential, Secret": the labels among the passages, ascending (a translation's argument).</summary>
    private static string Labels(IReadOnlyList<RetrievedPassage> passages) =>
        string.Join(", ", passages.Select(p => p.Sensitivity).Distinct().Order());

    /// <summary>"2 passages labelled Confidential and 1 passage labelled Secret" (labels in ascending order).</summary>
    private static string Describe(IReadOnlyList<RetrievedPassage> passages)
    {
        var parts = passages
            .GroupBy(p => p.Sensitivity)
            .OrderBy(g => g.Key)
            .Select(g => $"{g.Count()} {(g.Count() == 1 ? "passage" : "passages")} labelled {g.Key}")
            .ToList();
        return parts.Count switch
        {
            1 => parts[0],
            _ => string.Join(", ", parts.Take(parts.Count - 1)) + " and " + parts[^1],
        };
    }
}
