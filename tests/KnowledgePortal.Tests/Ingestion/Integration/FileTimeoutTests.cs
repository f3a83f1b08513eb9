using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Tests.Infrastructure;
using static KnowledgePortal.Tests.Ingestion.Integration.IngestionTestKit;

namespace KnowledgePortal.Tests.Ingestion.Integration;

[Trait(TestTier.Name, TestTier.Db)]
public class FileTimeoutTests
{
    [Fact]
    public async Task DrainQueueAsync_FileSlowerThanTimeout_FailsAloneNamingTheSetting()
    {
        await using var services = await TestServices.StartAsync("ingtimeout", new Dictionary<string, string?> { ["Ingestion:FileTimeoutSeconds"] = "1" });
        var km = await services.UserAsync("km");
        var handbook = await services.CollectionIdAsync(DemoData.Handbook);
        // Thousands of text pages take PdfPig well over a second to read on any machine.
        var slow = await services.UploadOkAsync(km, handbook, "slow-book.pdf", LargeTextPdf(pages: 3000));
        // A few lines of text read in milliseconds even while the rest of the suite loads both cores (a PDF's first read,
        // with PdfPig still cold, did not always stay under one second).
        var quick = await services.UploadOkAsync(km, handbook, "welcome-note.txt",
            System.Text.Encoding.UTF8.GetBytes("Welcome to the company.\n\nBring your ID card on your first day."));

        await services.DrainQueueAsync();

        var failed = await services.DocumentAsync(slow);
        Assert.Equal(DocumentStatus.Failed, failed.Status);
        Assert.Contains("longer than 1 s", failed.FailureReason);
        Assert.Contains("Ingestion:FileTimeoutSeconds", failed.FailureReason);
        Assert.Equal(DocumentStatus.Ready, (await services.DocumentAsync(quick)).Status);
    }
}
