using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion;
using KnowledgePortal.Core.Library;
using KnowledgePortal.Core.Retrieval;
using KnowledgePortal.Tests.Extraction;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static KnowledgePortal.Tests.Ingestion.Integration.IngestionTestKit;

namespace KnowledgePortal.Tests.Ingestion.Integration;

/// <summary>An e-mail and its attachments through the real pipeline: child documents with the message's access, replaced and deleted with it.</summary>
[Trait(TestTier.Name, TestTier.Db)]
public class EmailIngestionTests
{
    private const string Subject = "=?ISO-2022-JP?B?GyRCP007dkk+MkEbKEIgGyRCTExDTEZ8RHgbKEI=?="; // 人事評価 面談日程

    [Fact]
    public async Task DrainQueueAsync_HrMessageWithDocxAndPdf_AttachmentsAreChildDocumentsOnlyHrReads()
    {
        await using var services = await TestServices.StartAsync("ingmail");
        var hr = await services.UserAsync("hr");
        var staff = await services.UserAsync("staff");
        var hrPolicies = await services.CollectionIdAsync(DemoData.HrPolicies);
        var message = MailSamples.WithAttachments(Subject, "Interview slots for the review are attached. 面談の日程表を添付します。",
            ("proposal.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Corpus("ja_proposal_call_tables.docx")),
            ("regulation.pdf", "application/pdf", Corpus("ja_regulation_text.pdf")),
            ("logo.gif", "image/gif", "GIF89a"u8.ToArray()));
        var messageId = await services.UploadOkAsync(hr, hrPolicies, "review-interviews.eml", message);

        await services.DrainQueueAsync();

        var mail = await services.DocumentAsync(messageId);
        Assert.True(mail.Status == DocumentStatus.Ready, $"{mail.Status} {mail.FailureReason}");
        Assert.Equal("人事評価 面談日程", mail.Title);
        Assert.Equal("message/rfc822", mail.ContentType);
        Assert.Contains("attachment \"logo.gif\" skipped: its type is not supported", (await services.JobsAsync(messageId)).Single().Warnings);
        var children = await ChildrenAsync(services, messageId);
        Assert.Equal(["proposal.docx", "regulation.pdf"], children.Select(c => c.FileName));
        Assert.All(children, c =>
        {
            Assert.Equal(DocumentStatus.Ready, c.Status);
            Assert.Equal(hrPolicies, c.CollectionId);
            Assert.Equal($"attachment {c.FileName} of message 人事評価 面談日程", c.Title);
        });
        // The Documents page lists the attachments right under their message.
        var library = await services.Get<DocumentLibrary>().DocumentsAsync(hr, hrPolicies);
        var at = library.FindIndex(d => d.Id == messageId);
        Assert.Equal(children.Select(c => c.Id), library.Skip(at + 1).Take(2).Select(d => d.Id));
        Assert.All(library.Skip(at + 1).Take(2), d => Assert.Equal(messageId, d.ParentDocumentId));
        var messageAcl = (await services.ChunksAsync(messageId)).Select(c => string.Join(",", c.AllowedGroupIds.Order())).Distinct().Single();
        foreach (var child in children)
            Assert.All(await services.ChunksAsync(child.Id), c => Assert.Equal(messageAcl, string.Join(",", c.AllowedGroupIds.Order())));

        var retriever = services.Get<HybridRetriever>();
        var forHr = await retriever.SearchAsync(hr, new SearchRequest("全国農業高等学校長協会 募集要項", TopK: 5));
        var cited = forHr.Passages.First();
        Assert.Equal(children[0].Id, cited.DocumentId);
        Assert.Equal("attachment proposal.docx of message 人事評価 面談日程", cited.DocumentTitle);
        Assert.NotNull(cited.Locator.Page);
        var forStaff = await retriever.SearchAsync(staff, new SearchRequest("全国農業高等学校長協会 募集要項 面談 日程", TopK: 20));
        Assert.DoesNotContain(forStaff.Passages, p => p.DocumentId == messageId || children.Any(c => c.Id == p.DocumentId));
    }

    [Fact]
    public async Task UploadAsync_NewVersionWithoutAnAttachmentThenDelete_AttachmentsFollowTheMessage()
    {
        await using var services = await TestServices.StartAsync("ingmailversions");
        var km = await services.UserAsync("km");
        var handbook = await services.CollectionIdAsync(DemoData.Handbook);
        var before = await services.CountsAsync();
        var docx = ("sampler.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Corpus("en_feature_sampler.docx"));
        var v1 = MailSamples.WithAttachments("Handbook drafts", "Two drafts attached.", docx,
            ("notes.txt", "text/plain", "Draft notes: the cafeteria opens at eight."u8.ToArray()));
        var messageId = await services.UploadOkAsync(km, handbook, "drafts.eml", v1);
        await services.DrainQueueAsync();
        var first = await ChildrenAsync(services, messageId);
        Assert.Equal(["notes.txt", "sampler.docx"], first.Select(c => c.FileName));

        // Version 2: the docx is unchanged, the notes are gone, a new text is attached.
        var v2 = MailSamples.WithAttachments("Handbook drafts (final)", "Final draft attached.", docx,
            ("final.txt", "text/plain", "Final notes: the cafeteria opens at half past seven."u8.ToArray()));
        await services.UploadOkAsync(km, handbook, "drafts.eml", v2);
        await services.DrainQueueAsync();

        var second = await ChildrenAsync(services, messageId);
        Assert.Equal(["final.txt", "sampler.docx"], second.Select(c => c.FileName));
        var sampler = second.Single(c => c.FileName == "sampler.docx");
        Assert.Equal(first.Single(c => c.FileName == "sampler.docx").Id, sampler.Id);
        Assert.Single(await services.VersionsAsync(sampler.Id)); // unchanged bytes: not queued again
        Assert.Equal("attachment sampler.docx of message Handbook drafts (final)", sampler.Title);
        Assert.All(second, c => Assert.Equal(DocumentStatus.Ready, c.Status));
        Assert.Empty(await services.ChunksAsync(first.Single(c => c.FileName == "notes.txt").Id));
        // A top-level upload of the same name as an attachment is a document of its own.
        var standalone = await services.UploadOkAsync(km, handbook, "sampler.docx", Corpus("en_feature_sampler.docx"));
        Assert.NotEqual(sampler.Id, standalone);

        // Restricting the message restricts its attachments: to HR, which the handbook does not grant, nobody reads either.
        var admin = await services.UserAsync("admin");
        var staff = await services.UserAsync("staff");
        var hrGroup = (await services.Get<AccessResolver>().ResolveAsync(DemoData.FindUser("hr")!.ToIdentity())).GroupIds.Except(staff.GroupIds).Single();
        var access = services.Get<AccessAdministration>();
        Assert.True((await access.RestrictDocumentAsync(admin, messageId, [hrGroup])).Succeeded);
        Assert.All(await ChildrenAsync(services, messageId), c => Assert.Equal([hrGroup], c.RestrictedToGroupIds ?? []));
        Assert.All(await services.ChunksAsync(sampler.Id), c => Assert.Empty(c.AllowedGroupIds));
        var retriever = services.Get<HybridRetriever>();
        Assert.DoesNotContain((await retriever.SearchAsync(staff, new SearchRequest("cafeteria opens half past seven", TopK: 10))).Passages,
            p => second.Any(c => c.Id == p.DocumentId));
        Assert.True((await access.RestrictDocumentAsync(admin, messageId, null)).Succeeded);
        Assert.Contains((await retriever.SearchAsync(staff, new SearchRequest("cafeteria opens half past seven", TopK: 10))).Passages,
            p => p.DocumentId == second.Single(c => c.FileName == "final.txt").Id);

        Assert.True(await services.Get<DocumentCommands>().DeleteAsync(km, messageId));
        Assert.True(await services.Get<DocumentCommands>().DeleteAsync(km, standalone));

        Assert.Equal(before, await services.CountsAsync());
    }

    private static async Task<List<Document>> ChildrenAsync(TestServices services, Guid messageId)
    {
        await using var db = services.Db.CreateContext();
        return await db.Documents.AsNoTracking().Where(d => d.ParentDocumentId == messageId).OrderBy(d => d.FileName).ToListAsync();
    }
}
