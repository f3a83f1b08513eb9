using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Answering;
using KnowledgePortal.Core.Demo;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static KnowledgePortal.Tests.Answering.Integration.AnsweringTestKit;

namespace KnowledgePortal.Tests.Answering.Integration;

/// <summary>Revoking a group's grant also revokes what chat history shows of answers built on that collection.</summary>
[Trait(TestTier.Name, TestTier.Db)]
public class ChatHistoryRevocationTests(AnsweringFixture fixture) : IClassFixture<AnsweringFixture>
{
    private TestServices Services => fixture.Services;

    [Fact]
    public async Task LoadAsync_AfterHrGrantRevoked_HidesAnswerAndItsSources()
    {
        await SetProfilesAsync(Services, extractiveEnabled: true);
        var hr = await Services.UserAsync("hr");
        var history = Services.Get<ChatHistory>();
        var sourceAccess = Services.Get<SourceAccess>();
        var hrCollection = await Services.CollectionIdAsync(DemoData.HrPolicies);

        var events = await Services.Get<AskService>().AskAsync(hr, new AskRequest("What is the bonus for grade G5?")).ToListAsync();
        var completed = Assert.IsType<AskCompleted>(events[^1]);
        Assert.Equal(AnsweringTestKit.Extractive, completed.Provider);
        Assert.True(completed.Answered);
        var hrCitations = completed.Citations.Where(c => c.Passage.CollectionId == hrCollection).ToList();
        Assert.NotEmpty(hrCitations);
        var sent = Assert.IsType<AskStarted>(events[0]).Sources;
        var hrChunkIds = sent.Where(p => p.CollectionId == hrCollection).Select(p => p.ChunkId).ToArray();
        var hrDocumentId = hrCitations[0].Passage.DocumentId;

        var before = await history.LoadAsync(hr, completed.SessionId);
        Assert.NotNull(before);
        Assert.Equal(["user", "assistant"], before.Select(m => m.Role)); // the question, then its answer
        var shown = Assert.Single(before, m => m.Role == "assistant");
        Assert.False(shown.Hidden);
        Assert.Equal(completed.Answer, shown.Content);
        Assert.Equal(completed.Citations.Select(c => (c.Number, c.Passage.ChunkId)), shown.Citations.Select(c => (c.Number, c.Passage.ChunkId)));
        Assert.Equal(hrChunkIds.Length, (await sourceAccess.ReadablePassagesAsync(hr, hrChunkIds)).Count);
        Assert.NotNull(await sourceAccess.OriginalAsync(hr, hrDocumentId));

        await using (var db = Services.Db.CreateContext())
        {
            var hrGroup = await db.Groups.SingleAsync(g => g.Name == "HR");
            Assert.Equal(1, await db.CollectionAccess.Where(a => a.CollectionId == hrCollection && a.GroupId == hrGroup.Id).ExecuteDeleteAsync());
            Assert.True(await AclUpdater.RecomputeCollectionAsync(db, hrCollection) > 0);
        }
        hr = await Services.UserAsync("hr"); // the same person, signing in again: still in HR, but HR no longer reads the collection

        var after = await history.LoadAsync(hr, completed.SessionId);
        Assert.NotNull(after);
        Assert.Equal(["user", "assistant"], after.Select(m => m.Role));
        var hidden = Assert.Single(after, m => m.Role == "assistant");
        Assert.True(hidden.Hidden);
        Assert.Equal(ChatHistory.HiddenAnswer, hidden.Content);
        Assert.Empty(hidden.Citations);
        Assert.DoesNotContain(after, m => m.Citations.Any(c => c.Passage.CollectionId == hrCollection));
        Assert.Empty(await sourceAccess.ReadablePassagesAsync(hr, hrChunkIds));
        Assert.Null(await sourceAccess.OriginalAsync(hr, hrDocumentId));
        Assert.False(await sourceAccess.CanReadDocumentAsync(hr, hrDocumentId));
    }
}
