using System.Text;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion;
using KnowledgePortal.Core.Ingestion.Steps;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Tests.Admin;

/// <summary>
/// A document persisting while its collection's grant is revoked or its label raised must end with the new rules:
/// the persist is paused with its chunks inserted (transaction open) while the access change runs.
/// </summary>
[Trait(TestTier.Name, TestTier.Db)]
public sealed class AclRaceTests
{
    [Theory]
    [InlineData("revoke")]
    [InlineData("raise-label")]
    public async Task Persist_AccessChangedWhilePaused_ChunksEndWithNewRules(string change)
    {
        await using var services = await TestServices.StartAsync("aclrace");
        var admin = await services.UserAsync("admin");
        var administration = services.Get<AccessAdministration>();
        var handbook = await services.CollectionIdAsync(DemoData.Handbook);
        int staff, engineering;
        await using (var db = services.Db.CreateContext())
        {
            staff = await db.Groups.Where(g => g.Name == "Staff").Select(g => g.Id).SingleAsync();
            engineering = await db.Groups.Where(g => g.Name == "Engineering").Select(g => g.Id).SingleAsync();
        }
        Assert.True((await administration.SetGrantsAsync(admin, handbook, [(staff, AccessLevel.Manage), (engineering, AccessLevel.Read)])).Succeeded);

        var inserted = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var persist = services.Services.GetServices<IIngestionStep>().OfType<PersistStep>().Single();
        persist.PauseAfterChunksInsertedForTests = async () => { inserted.TrySetResult(); await release.Task; };
        await services.Get<DocumentIntake>().UploadAsync(await services.SystemAsync(), handbook, "race.txt",
            Encoding.UTF8.GetBytes("Race note.\n\nA note indexed while its access changes."));
        var drain = Task.Run(() => services.DrainQueueAsync());
        await inserted.Task.WaitAsync(TimeSpan.FromSeconds(60));

        var changeTask = Task.Run(async () => change == "revoke"
            ? await administration.SetGrantsAsync(admin, handbook, [(staff, AccessLevel.Manage)])
            : await administration.UpdateCollectionAsync(admin, handbook, DemoData.Handbook, null, SensitivityLabel.Confidential, 365));
        // Let the change run as far as it can while the persist holds its transaction open.
        await Task.WhenAny(changeTask, Task.Delay(1500));
        release.SetResult();
        await drain;
        Assert.True((await changeTask).Succeeded);
        persist.PauseAfterChunksInsertedForTests = null;

        await using var check = services.Db.CreateContext();
        var chunks = await check.Chunks.Where(c => c.CollectionId == handbook).ToListAsync();
        Assert.NotEmpty(chunks);
        if (change == "revoke") Assert.All(chunks, c => Assert.Equal([staff], c.AllowedGroupIds));
        else Assert.All(chunks, c => Assert.Equal(SensitivityLabel.Confidential, c.Sensitivity));
        Assert.Empty(await services.Get<AclReconciler>().FindDriftAsync());
    }

    [Fact]
    public async Task Repair_ChunkAclEditedByHand_FoundReportedAndRepaired()
    {
        await using var services = await TestServices.StartAsync("aclrepair");
        var handbook = await services.CollectionIdAsync(DemoData.Handbook);
        await services.Get<DocumentIntake>().UploadAsync(await services.SystemAsync(), handbook, "note.txt",
            Encoding.UTF8.GetBytes("A note.\n\nSome handbook text about parking."));
        await services.DrainQueueAsync();
        int hr;
        await using (var db = services.Db.CreateContext())
        {
            hr = await db.Groups.Where(g => g.Name == "HR").Select(g => g.Id).SingleAsync();
            // Drift by hand: HR may read a handbook chunk its collection does not grant, and the label is lowered.
            await db.Database.ExecuteSqlAsync($"UPDATE chunks SET allowed_group_ids = array_append(allowed_group_ids, {hr}), sensitivity = 0 WHERE collection_id = {handbook}");
        }
        var reconciler = services.Get<AclReconciler>();

        var drift = Assert.Single(await reconciler.FindDriftAsync());
        Assert.Equal(DemoData.Handbook, drift.Collection);
        Assert.True(drift.Chunks > 0);

        await reconciler.RepairAsync();

        Assert.Empty(await reconciler.FindDriftAsync());
        await using var check = services.Db.CreateContext();
        Assert.All(await check.Chunks.Where(c => c.CollectionId == handbook).ToListAsync(), c =>
        {
            Assert.DoesNotContain(hr, c.AllowedGroupIds);
            Assert.Equal(SensitivityLabel.Internal, c.Sensitivity);
        });
        Assert.Single(await check.AuditEvents.Where(e => e.Action == "acl-drift-repaired").ToListAsync());
    }
}
