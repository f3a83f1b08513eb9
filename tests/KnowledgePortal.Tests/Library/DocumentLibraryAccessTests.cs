using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Library;
using KnowledgePortal.Tests.Infrastructure;
using KnowledgePortal.Tests.Retrieval.Integration;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Tests.Library;

/// <summary>
/// What the Ask and Documents pages read through <see cref="DocumentLibrary"/>: the one collection rule and the one
/// document rule, on the ingested demo corpus. Admins get no read access from their role.
/// </summary>
[Trait(TestTier.Name, TestTier.Db)]
public class DocumentLibraryAccessTests(DemoCorpusFixture fixture) : IClassFixture<DemoCorpusFixture>
{
    private DocumentLibrary Library => fixture.Services.Get<DocumentLibrary>();

    [Fact]
    public async Task ReadableCollectionsAsync_Staff_OnlyTheHandbook()
    {
        var staff = await fixture.Services.UserAsync("staff");

        var collections = await Library.ReadableCollectionsAsync(staff);

        Assert.Equal([DemoData.Handbook], collections.Select(c => c.Name));
    }

    [Fact]
    public async Task ReadableCollectionsAsync_Admin_TheirGroupsCollectionsByNameNotHr()
    {
        var admin = await fixture.Services.UserAsync("admin");

        var collections = await Library.ReadableCollectionsAsync(admin);

        Assert.Equal([DemoData.Handbook, DemoData.Engineering], collections.Select(c => c.Name));
        Assert.Equal(await fixture.Services.CollectionIdAsync(DemoData.Engineering), collections[1].Id);
    }

    [Fact]
    public async Task ReadableCollectionsAsync_NoGroups_Nothing()
    {
        var nobody = (await fixture.Services.UserAsync("staff")) with { GroupIds = [] };

        Assert.Empty(await Library.ReadableCollectionsAsync(nobody));
    }

    [Fact]
    public async Task CollectionsAsync_Staff_HandbookWithItsDocumentsAndNoHrCollection()
    {
        var staff = await fixture.Services.UserAsync("staff");
        var handbook = await fixture.Services.CollectionIdAsync(DemoData.Handbook);

        var collections = await Library.CollectionsAsync(staff);

        var only = Assert.Single(collections);
        Assert.Equal(DemoData.Handbook, only.Name);
        Assert.False(only.CanManage);
        Assert.Equal(await DocumentCountAsync(handbook), only.Documents);
    }

    [Fact]
    public async Task CollectionsAsync_HrManager_ManagesHrAndTheHandbookWithEveryDocumentCounted()
    {
        var hr = await fixture.Services.UserAsync("hr");
        var hrPolicies = await fixture.Services.CollectionIdAsync(DemoData.HrPolicies);

        var collections = await Library.CollectionsAsync(hr);

        Assert.Equal([DemoData.Handbook, DemoData.HrPolicies], collections.Select(c => c.Name));
        var hrCollection = collections.Single(c => c.Id == hrPolicies);
        Assert.True(hrCollection.CanManage);
        Assert.Equal(await DocumentCountAsync(hrPolicies), hrCollection.Documents);
        Assert.True(hrCollection.Documents > 0);
    }

    [Fact]
    public async Task CollectionsAsync_Admin_WhatTheirGroupsReadNotHr()
    {
        var admin = await fixture.Services.UserAsync("admin");

        var collections = await Library.CollectionsAsync(admin);

        Assert.Equal([DemoData.Handbook, DemoData.Engineering], collections.Select(c => c.Name));
    }

    [Fact]
    public async Task DocumentsAsync_StaffAskingForTheHrCollection_Nothing()
    {
        var staff = await fixture.Services.UserAsync("staff");
        var hrPolicies = await fixture.Services.CollectionIdAsync(DemoData.HrPolicies);

        Assert.Empty(await Library.DocumentsAsync(staff, hrPolicies));
        Assert.NotEmpty(await Library.DocumentsAsync(await fixture.Services.UserAsync("hr"), hrPolicies));
    }

    [Fact]
    public async Task DocumentsAsync_AdminAskingForTheHrCollection_Nothing()
    {
        var admin = await fixture.Services.UserAsync("admin");
        var hrPolicies = await fixture.Services.CollectionIdAsync(DemoData.HrPolicies);

        Assert.Empty(await Library.DocumentsAsync(admin, hrPolicies));
    }

    [Fact]
    public async Task PreviewAsync_StaffOnAnHrDocument_NoPassageAndNoStatus()
    {
        var staff = await fixture.Services.UserAsync("staff");
        var hrDocument = await FirstDocumentAsync(DemoData.HrPolicies);

        Assert.Empty(await Library.PreviewAsync(staff, hrDocument));
        var preview = await Library.DocumentPreviewAsync(staff, hrDocument);
        Assert.Empty(preview.Chunks);
        Assert.Null(preview.Status);
        Assert.NotEmpty((await Library.DocumentPreviewAsync(await fixture.Services.UserAsync("hr"), hrDocument)).Chunks);
    }

    [Fact]
    public async Task PreviewAsync_StaffOnAHandbookDocument_ItsPassagesInOrder()
    {
        var staff = await fixture.Services.UserAsync("staff");
        var handbookDocument = await FirstDocumentAsync(DemoData.Handbook);

        var chunks = await Library.PreviewAsync(staff, handbookDocument);

        Assert.NotEmpty(chunks);
        Assert.Equal(chunks.Select(c => c.Ordinal).Order(), chunks.Select(c => c.Ordinal));
    }

    private async Task<int> DocumentCountAsync(int collectionId)
    {
        await using var db = fixture.Services.Db.CreateContext();
        return await db.Documents.CountAsync(d => d.CollectionId == collectionId);
    }

    private async Task<Guid> FirstDocumentAsync(string collection)
    {
        var id = await fixture.Services.CollectionIdAsync(collection);
        await using var db = fixture.Services.Db.CreateContext();
        return await db.Documents.Where(d => d.CollectionId == id).OrderBy(d => d.Title).Select(d => d.Id).FirstAsync();
    }
}
