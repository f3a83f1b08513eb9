using System.Text;
using KnowledgePortal.Core.Ingestion.Extraction;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;
using static KnowledgePortal.Tests.Extraction.ExtractionTestSupport;

namespace KnowledgePortal.Tests.Extraction;

/// <summary>Words hyphenated at a PDF line end are joined again; dashes and compounds stay.</summary>
public class PdfHyphenationTests
{
    private static string Lines(params string[] lines)
    {
        var sb = new StringBuilder();
        foreach (var line in lines) PdfExtractor.AppendLine(sb, line);
        return sb.ToString();
    }

    [Theory]
    [InlineData("Teams value cre-", "ativity and care.", "Teams value creativity and care.")]
    [InlineData("the infor-", "mation desk", "the information desk")]
    [InlineData("a soft hyphen cre\u00AD", "ativity", "a soft hyphen creativity")]
    public void AppendLine_WordHyphenatedAtLineEnd_JoinsIt(string first, string second, string expected)
    {
        Assert.Equal(expected, Lines(first, second));
    }

    [Theory]
    [InlineData("the outbreak of COVID-", "19 in 2020", "the outbreak of COVID- 19 in 2020")]
    [InlineData("the Anglo-", "Saxon period", "the Anglo- Saxon period")]
    [InlineData("both pre-", "and post-war", "both pre- and post-war")]
    [InlineData("pages 10 -", "12 are new", "pages 10 - 12 are new")]
    [InlineData("a dash at the end -", "then more", "a dash at the end - then more")]
    public void AppendLine_CompoundDashOrSuspendedHyphen_KeepsHyphenAndSpace(string first, string second, string expected)
    {
        Assert.Equal(expected, Lines(first, second));
    }

    [Fact]
    public void Extract_PdfWithWordBrokenAcrossLines_StoresTheWholeWord()
    {
        using var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        var page = builder.AddPage(PageSize.A4);
        string[] lines =
        [
            "Our teams value cre-",
            "ativity and collaboration. The infor-",
            "mation desk on the COVID-",
            "19 measures opens at nine.",
        ];
        var y = 780.0;
        foreach (var line in lines)
        {
            page.AddText(line, 11, new PdfPoint(60, y), font);
            y -= 14;
        }

        var text = AllText(Extract(builder.Build(), "hyphens.pdf"));

        Assert.Contains("creativity and collaboration", text);
        Assert.Contains("The information desk", text);
        Assert.Contains("COVID- 19 measures", text);
        Assert.DoesNotContain("cre- ativity", text);
    }
}
