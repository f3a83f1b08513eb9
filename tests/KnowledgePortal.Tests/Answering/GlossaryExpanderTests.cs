using KnowledgePortal.Core.Answering;

namespace KnowledgePortal.Tests.Answering;

public class GlossaryExpanderTests
{
    private static readonly IReadOnlyList<(string Term, string[] Synonyms)> Glossary =
    [
        ("エンジンオイル", ["オイル", "潤滑油"]),
        ("VPN", ["Virtual Private Network", "リモート接続"]),
        ("AI", ["人工知能"]),
        ("有給休暇", ["年休", "有休"]),
    ];

    [Fact]
    public void Expand_QueryContainsSynonym_AddsTermAndSiblings()
    {
        var extras = GlossaryExpander.Expand("オイル交換の頻度は？", Glossary);

        Assert.Equal(["エンジンオイル", "潤滑油"], extras);
    }

    [Fact]
    public void Expand_QueryContainsTerm_AddsSynonymsNotAlreadyPresent()
    {
        // "エンジンオイル" contains "オイル", so only 潤滑油 is new.
        var extras = GlossaryExpander.Expand("エンジンオイルの規格", Glossary);

        Assert.Equal(["潤滑油"], extras);
    }

    [Fact]
    public void Expand_CaseInsensitiveAndNfkc_Matches()
    {
        Assert.Equal(["Virtual Private Network", "リモート接続"], GlossaryExpander.Expand("how do I set up vpn", Glossary));
        Assert.Equal(["Virtual Private Network", "リモート接続"], GlossaryExpander.Expand("ＶＰＮの設定", Glossary));
        Assert.Equal(["エンジンオイル", "潤滑油"], GlossaryExpander.Expand("ｵｲﾙ", Glossary));
    }

    [Fact]
    public void Expand_LatinTermInsideAnotherWord_DoesNotMatch()
    {
        Assert.Empty(GlossaryExpander.Expand("how to maintain the printer", Glossary));
    }

    [Fact]
    public void Expand_MultiWordSynonym_AddsTerm()
    {
        Assert.Equal(["VPN", "リモート接続"], GlossaryExpander.Expand("Virtual private network access", Glossary));
    }

    [Fact]
    public void Expand_SeveralEntriesMatch_GlossaryOrderWithoutDuplicates()
    {
        var extras = GlossaryExpander.Expand("AIで年休を申請", Glossary);

        Assert.Equal(["人工知能", "有給休暇", "有休"], extras);
    }

    [Fact]
    public void Expand_NothingMatches_Empty()
    {
        Assert.Empty(GlossaryExpander.Expand("expense report", Glossary));
        Assert.Empty(GlossaryExpander.Expand("anything", []));
    }

    [Fact]
    public void Expand_EmptyOrBlankMembers_Ignored()
    {
        IReadOnlyList<(string Term, string[] Synonyms)> glossary = [("", ["", " "]), ("経費", ["", "精算"])];

        Assert.Equal(["精算"], GlossaryExpander.Expand("経費", glossary));
    }
}
