using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Tests.Admin;

/// <summary>
/// A migrated test database with the demo groups and collections, one document per collection with two chunks
/// (inserted directly, ACL computed by <see cref="AclUpdater"/>) and the demo users as of their last sign-in.
/// </summary>
public sealed class AdminWorld : IAsyncDisposable
{
    private AdminWorld(TestDb db) => Db = db;

    public TestDb Db { get; }
    public IDataProtectionProvider DataProtection { get; } = new EphemeralDataProtectionProvider();
    public AccessAdministration Admin => new(Db.Factory, DataProtection);

    public int Staff { get; private set; }
    public int Hr { get; private set; }
    public int Engineering { get; private set; }
    public int Handbook { get; private set; }
    public int HrPolicies { get; private set; }
    public int EngineeringCollection { get; private set; }
    public Guid HandbookDoc { get; private set; }
    public Guid PayDoc { get; private set; }
    public Guid RunbookDoc { get; private set; }
    public Dictionary<string, int> Users { get; } = [];

    /// <summary>The demo admin: Staff + Engineering, not HR.</summary>
    public UserAccess AdminActor => new("dev:admin", "admin", "Admin Aoki", [Staff, Engineering], true, true, []);

    /// <summary>The demo HR manager: a knowledge manager, not an admin.</summary>
    public UserAccess HrActor => new("dev:hr", "hr", "Tanaka Ken", [Staff, Hr], false, true, [HrPolicies]);

    public static async Task<AdminWorld> CreateAsync(string purpose = "admin")
    {
        var world = new AdminWorld(await TestDatabase.CreateAsync(purpose));
        await using var db = world.Db.CreateContext();
        await DemoData.SeedAsync(db);
        var groups = await db.Groups.ToDictionaryAsync(g => g.Name, g => g.Id);
        world.Staff = groups["Staff"];
        world.Hr = groups["HR"];
        world.Engineering = groups["Engineering"];
        var collections = await db.Collections.ToDictionaryAsync(c => c.Name, c => c.Id);
        world.Handbook = collections[DemoData.Handbook];
        world.HrPolicies = collections[DemoData.HrPolicies];
        world.EngineeringCollection = collections[DemoData.Engineering];

        world.HandbookDoc = await AddDocumentAsync(db, world.Handbook, "Travel policy");
        world.PayDoc = await AddDocumentAsync(db, world.HrPolicies, "Pay scales 2026");
        world.RunbookDoc = await AddDocumentAsync(db, world.EngineeringCollection, "Deploy runbook");

        foreach (var (name, groupIds) in new[]
                 {
                     ("staff", new[] { world.Staff }),
                     ("hr", new[] { world.Staff, world.Hr }),
                     ("km", new[] { world.Staff, world.Engineering }),
                     ("admin", new[] { world.Staff, world.Engineering }),
                 })
        {
            var user = new PortalUser
            {
                Subject = $"dev:{name}", UserName = name, DisplayName = name, GroupIds = groupIds,
                LastSignInAt = DateTimeOffset.UtcNow.AddHours(-1),
            };
            db.Users.Add(user);
            await db.SaveChangesAsync();
            world.Users[name] = user.Id;
        }
        return world;
    }

    public static async Task<Guid> AddDocumentAsync(PortalDbContext db, int collectionId, string title, int chunks = 2)
    {
        var doc = new Document
        {
            CollectionId = collectionId, Title = title, FileName = title + ".txt", ContentType = "text/plain", Sha256 = Guid.NewGuid().ToString("N"),
            UploadedBy = "test", Status = DocumentStatus.Ready, ChunkCount = chunks,
        };
        db.Documents.Add(doc);
        var version = Guid.NewGuid();
        for (var i = 0; i < chunks; i++)
            db.Chunks.Add(new Chunk
            {
                DocumentId = doc.Id, DocumentVersionId = version, CollectionId = collectionId, Ordinal = i,
                Text = $"{title} passage {i}", ContentHash = $"{doc.Id:N}-{i}",
                AllowedGroupIds = [], Sensitivity = SensitivityLabel.Public, // deliberately stale: the recompute sets both
            });
        await db.SaveChangesAsync();
        await AclUpdater.RecomputeDocumentAsync(db, doc.Id);
        return doc.Id;
    }

    public async Task<List<Chunk>> ChunksAsync(Guid documentId)
    {
        await using var db = Db.CreateContext();
        return await db.Chunks.AsNoTracking().Where(c => c.DocumentId == documentId).OrderBy(c => c.Ordinal).ToListAsync();
    }

    public async Task<List<AuditEvent>> AuditAsync(string? action = null)
    {
        await using var db = Db.CreateContext();
        return await db.AuditEvents.AsNoTracking().Where(e => action == null || e.Action == action).OrderBy(e => e.Id).ToListAsync();
    }

    /// <summary>Every text column of the audit table, concatenated (to prove a secret appears nowhere).</summary>
    public async Task<string> AllAuditTextAsync()
    {
        await using var db = Db.CreateContext();
        return await db.Database.SqlQueryRaw<string>(
                "SELECT coalesce(string_agg(concat_ws('|', actor, action, target_type, target_id, details::text), E'\\n'), '') AS \"Value\" FROM audit_events")
            .SingleAsync();
    }

    public ValueTask DisposeAsync() => Db.DisposeAsync();
}
