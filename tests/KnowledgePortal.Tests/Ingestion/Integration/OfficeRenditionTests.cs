using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Ingestion;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using UglyToad.PdfPig;
using static KnowledgePortal.Tests.Ingestion.Integration.IngestionTestKit;

namespace KnowledgePortal.Tests.Ingestion.Integration;

/// <summary>Office originals as PDF for citations that open at their page: rendered once per version, behind the download permission.</summary>
[Trait(TestTier.Name, TestTier.Db)]
public class OfficeRenditionTests
{
    [Fact]
    public async Task PdfAsync_HrDocxAndPptx_RenderedOncePerVersionOnlyForReadersAndDeletedWithTheDocument()
    {
        await using var services = await TestServices.StartAsync("ingrender");
        var hr = await services.UserAsync("hr");
        var staff = await services.UserAsync("staff");
        var hrPolicies = await services.CollectionIdAsync(DemoData.HrPolicies);
        var before = await services.CountsAsync();
        var docx = await services.UploadOkAsync(hr, hrPolicies, "proposal.docx", Corpus("ja_proposal_call_tables.docx"));
        var pptx = await services.UploadOkAsync(hr, hrPolicies, "sampler.pptx", Corpus("en_feature_sampler.pptx"));
        await services.DrainQueueAsync();
        var renditions = services.Get<OfficeRenditions>();

        var first = await renditions.PdfAsync(hr, docx);

        Assert.NotNull(first);
        Assert.Equal("application/pdf", first.ContentType);
        Assert.Equal("proposal.pdf", first.FileName);
        using (var pdf = PdfDocument.Open(first.Content))
        {
            Assert.True(pdf.NumberOfPages >= 3, $"{pdf.NumberOfPages} pages");
            Assert.Contains("全国農業高等学校長協会", string.Concat(pdf.GetPage(1).Letters.Select(l => l.Value)));
        }
        var stored = await RenditionIdAsync(services, docx);
        Assert.NotNull(stored);

        var again = await renditions.PdfAsync(hr, docx);

        Assert.Equal(first.Content, again!.Content);
        Assert.Equal(stored, await RenditionIdAsync(services, docx)); // kept with the version, not rendered again
        using (var slides = PdfDocument.Open((await renditions.PdfAsync(hr, pptx))!.Content))
            Assert.Equal(1, slides.NumberOfPages); // one page per slide: a slide citation opens at its number
        Assert.Null(await renditions.PdfAsync(staff, docx));
        Assert.Null(await renditions.PdfAsync(staff, pptx));

        var commands = services.Get<DocumentCommands>();
        Assert.True(await commands.DeleteAsync(hr, docx));
        Assert.True(await commands.DeleteAsync(hr, pptx));
        Assert.Equal(before, await services.CountsAsync());
    }

    private static async Task<Guid?> RenditionIdAsync(TestServices services, Guid documentId)
    {
        await using var db = services.Db.CreateContext();
        return await db.DocumentVersions.Where(v => v.DocumentId == documentId).Select(v => v.PdfStoredFileId).SingleAsync();
    }
}
