using KnowledgePortal.Core.Answering;
using KnowledgePortal.Core.Domain;
using static KnowledgePortal.Core.Domain.SensitivityLabel;

namespace KnowledgePortal.Tests.Answering;

public class SensitivityRouterTests
{
    private static readonly ProviderChoice CloudInternal = new("gpt-cloud", ProviderLocation.Cloud, SensitivityLabel.Internal, false);
    private static readonly ProviderChoice OnPremConfidential = new("llm-onprem", ProviderLocation.OnPremises, Confidential, false);
    private static readonly ProviderChoice OnPremSecret = new("llm-vault", ProviderLocation.OnPremises, Secret, false);
    private static readonly ProviderChoice CloudSecret = new("cloud-secret", ProviderLocation.Cloud, Secret, false);

    [Fact]
    public void Route_AllWithinClearance_Direct()
    {
        var passages = Passages.WithLabels(Public, SensitivityLabel.Internal);

        var decision = SensitivityRouter.Route(passages, CloudInternal, [CloudInternal, OnPremSecret]);

        Assert.Equal("direct", decision.Route);
        Assert.Same(CloudInternal, decision.Provider);
        Assert.Equal(passages, decision.Passages);
        Assert.Empty(decision.Withheld);
        Assert.Null(decision.Reason);
    }

    [Fact]
    public void Route_NoPassages_Direct()
    {
        var decision = SensitivityRouter.Route([], CloudInternal, []);

        Assert.Equal(SensitivityRouter.Direct, decision.Route);
        Assert.Same(CloudInternal, decision.Provider);
    }

    [Fact]
    public void Route_AboveClearanceWithOnPremisesCleared_ReroutesToFirstClearedOnPremises()
    {
        var passages = Passages.WithLabels(SensitivityLabel.Internal, Confidential);

        var decision = SensitivityRouter.Route(passages, CloudInternal, [CloudInternal, CloudSecret, OnPremConfidential, OnPremSecret]);

        Assert.Equal("rerouted-on-premises", decision.Route);
        Assert.Same(OnPremConfidential, decision.Provider);
        Assert.Equal(passages, decision.Passages);
        Assert.Empty(decision.Withheld);
        Assert.Equal(
            "Rerouted to the on-premises provider \"llm-onprem\": 1 passage labelled Confidential is above the clearance of \"gpt-cloud\" (Internal).",
            decision.Reason);
    }

    [Fact]
    public void Route_OnPremisesNotClearedForHighest_SkipsIt()
    {
        var passages = Passages.WithLabels(Secret);

        var decision = SensitivityRouter.Route(passages, CloudInternal, [OnPremConfidential, OnPremSecret]);

        Assert.Same(OnPremSecret, decision.Provider);
        Assert.Equal(SensitivityRouter.ReroutedOnPremises, decision.Route);
    }

    [Fact]
    public void Route_CloudProviderClearedButNotOnPremises_NotUsedForRerouting()
    {
        var passages = Passages.WithLabels(Confidential, Confidential);

        var decision = SensitivityRouter.Route(passages, CloudInternal, [CloudInternal, CloudSecret]);

        Assert.Equal("withheld", decision.Route);
        Assert.Same(CloudInternal, decision.Provider);
        Assert.Empty(decision.Passages);
        Assert.Equal(2, decision.Withheld.Count);
        Assert.Equal("2 passages labelled Confidential were withheld: no on-premises model is cleared for them.", decision.Reason);
    }

    [Fact]
    public void Route_NoClearedProvider_WithholdsOnlyPassagesAboveClearanceInOrder()
    {
        var passages = Passages.WithLabels(Public, Confidential, SensitivityLabel.Internal, Secret, Confidential);

        var decision = SensitivityRouter.Route(passages, CloudInternal, [CloudInternal, OnPremConfidential]);

        Assert.Equal(SensitivityRouter.WithheldRoute, decision.Route);
        Assert.Equal([passages[0], passages[2]], decision.Passages);
        Assert.Equal([passages[1], passages[3], passages[4]], decision.Withheld);
        Assert.Equal(
            "2 passages labelled Confidential and 1 passage labelled Secret were withheld: no on-premises model is cleared for them.",
            decision.Reason);
    }

    [Fact]
    public void Route_SingleWithheld_UsesSingularGrammar()
    {
        var decision = SensitivityRouter.Route(Passages.WithLabels(Secret), CloudInternal, []);

        Assert.Equal("1 passage labelled Secret was withheld: no on-premises model is cleared for it.", decision.Reason);
    }

    [Fact]
    public void Route_ExtractiveChosen_TreatedAsOnPremisesSecret()
    {
        var extractive = new ProviderChoice("extractive", ProviderLocation.Cloud, Public, IsExtractive: true);

        var decision = SensitivityRouter.Route(Passages.WithLabels(Secret), extractive, []);

        Assert.Equal("direct", decision.Route);
        Assert.Single(decision.Passages);
    }

    [Fact]
    public void Route_OnlyExtractiveAllowedOnPremises_ReroutesToExtractive()
    {
        var decision = SensitivityRouter.Route(Passages.WithLabels(Secret), CloudInternal, [CloudInternal, ProviderChoice.Extractive]);

        Assert.Equal("rerouted-on-premises", decision.Route);
        Assert.Same(ProviderChoice.Extractive, decision.Provider);
        Assert.NotNull(decision.Reason);
    }

    [Fact]
    public void Route_ExtractiveListedBeforeOnPremisesModel_PrefersTheModel()
    {
        var decision = SensitivityRouter.Route(Passages.WithLabels(Confidential), CloudInternal, [ProviderChoice.Extractive, OnPremSecret]);

        Assert.Same(OnPremSecret, decision.Provider);
    }
}
