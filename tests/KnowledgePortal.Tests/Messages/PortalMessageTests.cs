using KnowledgePortal.Core.Text;

namespace KnowledgePortal.Tests.Messages;

public class PortalMessageTests
{
    [Fact]
    public void Create_NamedArguments_FillsEnglishTextWithInvariantNumbers()
    {
        var message = PortalMessage.Create("Ingestion.TooManyPages", "This PDF has {pages} pages; the limit is {limit}.", ("pages", 5352), ("limit", 5000));

        Assert.Equal("Ingestion.TooManyPages", message.Code);
        Assert.Equal("This PDF has 5,352 pages; the limit is 5,000.", message.Text);
        Assert.Equal("5,352", message.Args["pages"]);
    }

    [Fact]
    public void Fill_Translation_UsesArgumentsByNameInAnyOrderAndLeavesUnknownPlaceholders()
    {
        var args = new Dictionary<string, string> { ["pages"] = "352", ["limit"] = "300" };

        Assert.Equal("上限は 300 ページ、この PDF は 352 ページ {unknown}", PortalMessage.Fill("上限は {limit} ページ、この PDF は {pages} ページ {unknown}", args));
        Assert.Equal("no braces", PortalMessage.Fill("no braces", args));
        Assert.Equal("open { only", PortalMessage.Fill("open { only", args));
    }

    [Fact]
    public void FromStored_CodeAndJsonArgs_RoundTripsTheMessage()
    {
        var message = PortalMessage.Create("Ingestion.Timeout", "Took longer than {seconds} s.", ("seconds", 120));

        var read = PortalMessage.FromStored(message.Code, message.ArgsJson, message.Text)!;

        Assert.Equal(message.Code, read.Code);
        Assert.Equal(message.Text, read.Text);
        Assert.Equal(message.Args, read.Args);
    }

    [Fact]
    public void FromStored_OldRowWithTextOnlyOrBrokenArgs_ReadsAsUntranslatedText()
    {
        var old = PortalMessage.FromStored(null, null, "Reading this file took too long.")!;
        var broken = PortalMessage.FromStored("Ingestion.Timeout", "{not json", "Took long.")!;

        Assert.Equal("", old.Code);
        Assert.Equal("Reading this file took too long.", old.Text);
        Assert.Empty(broken.Args);
        Assert.Null(PortalMessage.FromStored("Ingestion.Timeout", null, null));
        Assert.Null(PortalMessage.Create("X.Y", "no args").ArgsJson);
    }
}
