using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion;
using KnowledgePortal.Core.Ingestion.Extraction;
using KnowledgePortal.Core.Retrieval;
using KnowledgePortal.Tests.Infrastructure;
using static KnowledgePortal.Tests.Ingestion.Integration.IngestionTestKit;

namespace KnowledgePortal.Tests.Ingestion.Integration;

/// <summary>Legacy and OpenDocument files through the real pipeline (extraction in its child process, LibreOffice inside it).</summary>
[Trait(TestTier.Name, TestTier.Db)]
public class LegacyIngestionTests
{
    [Fact]
    public async Task DrainQueueAsync_LegacyFilesWithAnEncryptedAndAGarbageOne_GoodOnesReadyAndSearchableBadOnesFailAlone()
    {
        await using var services = await TestServices.StartAsync("inglegacy");
        var km = await services.UserAsync("km");
        var handbook = await services.CollectionIdAsync(DemoData.Handbook);
        var good = new[] { "ja_proposal_call_tables.doc", "ja_multisheet_16.xls", "en_feature_sampler.ppt", "en_feature_sampler.odp" };
        var ids = new Dictionary<string, Guid>();
        foreach (var name in good) ids[name] = await services.UploadOkAsync(km, handbook, name, Corpus(name));
        var encrypted = await services.UploadOkAsync(km, handbook, "enc_doc_pw_lo.doc", Corpus("enc_doc_pw_lo.doc"));
        var garbage = new byte[8192];
        new Random(5).NextBytes(garbage);
        var junk = await services.UploadOkAsync(km, handbook, "minutes.doc", garbage);

        await services.DrainQueueAsync();

        foreach (var name in good)
        {
            var document = await services.DocumentAsync(ids[name]);
            Assert.True(document.Status == DocumentStatus.Ready, $"{name}: {document.Status} {document.FailureReason}");
            Assert.Equal(DocumentFormats.ByExtension(name)!.ContentType, document.ContentType);
        }
        var sheet = Assert.Single(await services.ChunksAsync(ids["ja_multisheet_16.xls"]), c => c.Sheet == "Sheet11" && c.Text.Contains("実行前の行の高さ"));
        Assert.StartsWith("A1:", sheet.CellRange); // the chunk packs the sheet's rows from A1
        Assert.All(await services.ChunksAsync(ids["en_feature_sampler.ppt"]), c => Assert.Equal(1, c.Slide));

        var search = await services.Get<HybridRetriever>().SearchAsync(km, new SearchRequest("全国農業高等学校長協会 募集要項", TopK: 5));
        var hit = Assert.Single(search.Passages.Take(1));
        Assert.Equal(ids["ja_proposal_call_tables.doc"], hit.DocumentId);
        Assert.NotNull(hit.Locator.Page);

        var locked = await services.DocumentAsync(encrypted);
        Assert.Equal(DocumentStatus.Failed, locked.Status);
        Assert.Equal(DocumentExtractor.EncryptedOfficeMessage, locked.FailureReason);
        Assert.Equal("Ingestion.Encrypted", locked.FailureCode);
        var bad = await services.DocumentAsync(junk);
        Assert.Equal(DocumentStatus.Failed, bad.Status);
        AssertHumanReason(bad.FailureReason);
        Assert.Equal(1, Assert.Single(await services.JobsAsync(junk)).Attempts);
    }

    [Fact]
    public async Task DrainQueueAsync_ConverterHangs_ThatFileFailsWithTheConversionTimeoutOthersReadyNoFolderLeft()
    {
        var dir = Directory.CreateTempSubdirectory("kp-fake-soffice-");
        try
        {
            var soffice = Path.Combine(dir.FullName, "soffice");
            File.WriteAllText(soffice, $"#!/bin/sh\nprintf '%s\\n' \"$@\" > \"{dir.FullName}/args\"\nsleep 120\n");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(soffice, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            await using var services = await TestServices.StartAsync("inglegacyhang", new Dictionary<string, string?>
            {
                ["Ingestion:SofficePath"] = soffice,
                ["Ingestion:ConversionTimeoutSeconds"] = "5",
            });
            var km = await services.UserAsync("km");
            var handbook = await services.CollectionIdAsync(DemoData.Handbook);
            var hangs = await services.UploadOkAsync(km, handbook, "en_feature_sampler.doc", Corpus("en_feature_sampler.doc"));
            var fine = await services.UploadOkAsync(km, handbook, "employee-handbook.docx", DemoBytes("employee-handbook.docx"));

            await services.DrainQueueAsync();

            var failed = await services.DocumentAsync(hangs);
            Assert.Equal(DocumentStatus.Failed, failed.Status);
            Assert.Equal(IngestionMessages.ConversionTimeout(5).Text, failed.FailureReason);
            Assert.Equal("Ingestion.ConversionTimeout", failed.FailureCode);
            Assert.Equal(DocumentStatus.Ready, (await services.DocumentAsync(fine)).Status);
            var profile = File.ReadAllLines(Path.Combine(dir.FullName, "args")).Single(a => a.StartsWith("-env:UserInstallation=", StringComparison.Ordinal));
            var work = Path.GetDirectoryName(new Uri(profile["-env:UserInstallation=".Length..]).LocalPath)!;
            Assert.False(Directory.Exists(work), $"{work} was left behind");
            // The extraction child's own temporary folder, which held the conversion's, went with it.
            Assert.False(Directory.Exists(Path.GetDirectoryName(work)), "the extraction child's folder was left behind");
            Assert.Empty(IngestionBoundsTests.ChildProcesses());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
