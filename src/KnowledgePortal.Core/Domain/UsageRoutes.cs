namespace KnowledgePortal.Core.Domain;

/// <summary>
/// Route values of <see cref="UsageRecord"/> that another feature filters by, named once: the model lab writes
/// <see cref="Lab"/> and Insights leaves those rows out of staff usage.
/// </summary>
public static class UsageRoutes
{
    /// <summary>A model-lab run's calls: priced in the ledger, not questions staff asked.</summary>
    public const string Lab = "lab";
}
