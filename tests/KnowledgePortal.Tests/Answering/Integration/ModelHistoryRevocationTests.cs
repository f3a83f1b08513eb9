using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Answering;
using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static KnowledgePortal.Tests.Answering.Integration.AnsweringTestKit;

namespace KnowledgePortal.Tests.Answering.Integration;

/// <summary>
/// A person who left HR asks a follow-up in an old HR conversation: the earlier HR answer must not go back to the
/// model in the rewrite prompt or the answer prompt (captured at the OpenAI-compatible test server).
/// </summary>
[Trait(TestTier.Name, TestTier.Db)]
public sealed class ModelHistoryRevocationTests(AnsweringFixture fixture) : IClassFixture<AnsweringFixture>, IAsyncLifetime
{
    private TestServices Services => fixture.Services;
    private FakeOpenAiServer _model = null!;

    public async Task InitializeAsync()
    {
        _model = await FakeOpenAiServer.StartAsync();
        // A model that repeats what it is sent, so an earlier answer carries its HR passages word for word.
        // The rewrite call gets a plausible standalone question (an echo of the whole prompt would be a query no
        // passage covers, and the answer prompt would never be sent); its prompt is still captured and checked.
        _model.Responder = info => info.Messages.Any(m => m.Content.Contains("You rewrite follow-up questions", StringComparison.Ordinal))
            ? "What is the bonus for grade G5 for part-timers?"
            : "ECHO " + string.Join(" ", info.Messages.Select(m => m.Content)) + " [1]";
        await SetProfilesAsync(Services, extractiveEnabled: false,
            Profile("Echo", _model, ProviderLocation.OnPremises, SensitivityLabel.Secret));
    }

    public async Task DisposeAsync() => await _model.DisposeAsync();

    [Fact]
    public async Task AskAsync_FollowUpAfterHrRevoked_SendsNoHiddenTurnInRewriteOrAnswerPrompt()
    {
        var ask = Services.Get<AskService>();
        var hr = await Services.UserAsync("hr");
        var hrCollection = await Services.CollectionIdAsync(DemoData.HrPolicies);
        var first = Assert.IsType<AskCompleted>((await ask.AskAsync(hr, new AskRequest("What is the bonus for grade G5?", Provider: "Echo")).ToListAsync())[^1]);
        Assert.True(first.Answered);
        await using var db = Services.Db.CreateContext();
        var hrChunkIds = await db.Chunks.Where(c => c.CollectionId == hrCollection).Select(c => c.Id).ToListAsync();
        var hrSent = await db.MessageCitations.Where(c => c.MessageId == first.MessageId && hrChunkIds.Contains(c.ChunkId)).Select(c => c.ChunkId).ToListAsync();
        Assert.NotEmpty(hrSent);
        // Fingerprints of the HR passages the first answer was built from, which no other collection contains.
        var otherTexts = await db.Chunks.Where(c => c.CollectionId != hrCollection).Select(c => c.Text).ToListAsync();
        var fingerprints = (await db.Chunks.Where(c => hrSent.Contains(c.Id)).Select(c => c.Text).ToListAsync())
            .Select(t => t.Length > 60 ? t[..60] : t).Where(f => !otherTexts.Any(o => o.Contains(f))).ToList();
        Assert.NotEmpty(fingerprints);
        Assert.Contains(fingerprints, first.Answer.Contains);

        // Control: while HR is still granted, the follow-up's prompts do carry the earlier answer.
        var before = _model.ChatRequests.Count;
        var granted = await ask.AskAsync(hr, new AskRequest("And what about part-timers?", first.SessionId, "Echo")).ToListAsync();
        Assert.IsType<AskCompleted>(granted[^1]);
        Assert.Contains(_model.ChatRequests.Skip(before), r => fingerprints.Any(f => r.Messages.Any(m => m.Content.Contains(f))));

        var hrGroup = await db.Groups.SingleAsync(g => g.Name == "HR");
        Assert.Equal(1, await db.CollectionAccess.Where(a => a.CollectionId == hrCollection && a.GroupId == hrGroup.Id).ExecuteDeleteAsync());
        Assert.True(await AclUpdater.RecomputeCollectionAsync(db, hrCollection) > 0);
        hr = await Services.UserAsync("hr");

        before = _model.ChatRequests.Count;
        var revoked = await ask.AskAsync(hr, new AskRequest("And what about part-timers?", first.SessionId, "Echo")).ToListAsync();
        var completed = Assert.IsType<AskCompleted>(revoked[^1]);
        var sent = _model.ChatRequests.Skip(before).ToList();
        foreach (var request in sent)
            foreach (var f in fingerprints)
                Assert.DoesNotContain(request.Messages, m => m.Content.Contains(f));
        foreach (var f in fingerprints) Assert.DoesNotContain(f, completed.Answer);
        Assert.DoesNotContain(completed.Citations, c => c.Passage.CollectionId == hrCollection);
    }
}
