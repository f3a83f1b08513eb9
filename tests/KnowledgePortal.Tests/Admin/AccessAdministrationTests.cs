using System.Text.Json;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Tests.Admin;

/// <summary>Access administration against real PostgreSQL: grants, labels, restrictions and their audit trail.</summary>
[Trait(TestTier.Name, TestTier.Db)]
public class AccessAdministrationTests
{
    [Fact]
    public async Task SetGrants_AddReadGroup_UpdatesChunkAllowedGroupIds()
    {
        await using var world = await AdminWorld.CreateAsync("grants");
        Assert.All(await world.ChunksAsync(world.PayDoc), c => Assert.Equal([world.Hr], c.AllowedGroupIds));

        // The HR manager (not in Engineering, so no self-grant) opens HR policies to Engineering.
        var result = await world.Admin.SetGrantsAsync(world.HrActor, world.HrPolicies,
            [(world.Hr, AccessLevel.Manage), (world.Engineering, AccessLevel.Read)]);

        Assert.True(result.Succeeded, result.Error);
        var expected = new[] { world.Engineering, world.Hr }.Order().ToArray();
        Assert.All(await world.ChunksAsync(world.PayDoc), c => Assert.Equal(expected, c.AllowedGroupIds));
        // Other collections' chunks are untouched.
        Assert.All(await world.ChunksAsync(world.RunbookDoc), c => Assert.Equal([world.Engineering], c.AllowedGroupIds));
        await using var db = world.Db.CreateContext();
        var grants = await db.CollectionAccess.Where(a => a.CollectionId == world.HrPolicies).OrderBy(a => a.GroupId).ToListAsync();
        Assert.Equal(expected, grants.Select(g => g.GroupId));
        Assert.Equal(AccessLevel.Read, grants.Single(g => g.GroupId == world.Engineering).Level);
    }

    [Fact]
    public async Task SetGrants_ChunkUpdateFails_RollsBackGrantsAndAudit()
    {
        await using var world = await AdminWorld.CreateAsync("grantsrb");
        await using (var db = world.Db.CreateContext())
            await db.Database.ExecuteSqlRawAsync("""
                CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'chunk update refused'; END $$;
                CREATE TRIGGER test_refuse_chunks BEFORE UPDATE ON chunks FOR EACH ROW EXECUTE FUNCTION test_refuse();
                """);

        await Assert.ThrowsAsync<Npgsql.PostgresException>(() =>
            world.Admin.SetGrantsAsync(world.HrActor, world.HrPolicies, [(world.Hr, AccessLevel.Manage), (world.Engineering, AccessLevel.Read)]));

        await using var check = world.Db.CreateContext();
        Assert.Equal([world.Hr], await check.CollectionAccess.Where(a => a.CollectionId == world.HrPolicies).Select(a => a.GroupId).ToListAsync());
        Assert.Empty(await world.AuditAsync("access-change"));
        Assert.Empty(await world.AuditAsync("access-self-grant"));
    }

    [Fact]
    public async Task SetGrants_UnknownGroup_ChangesNothing()
    {
        await using var world = await AdminWorld.CreateAsync("grantsunk");

        var result = await world.Admin.SetGrantsAsync(world.AdminActor, world.HrPolicies, [(world.Hr, AccessLevel.Manage), (99_999, AccessLevel.Read)]);

        Assert.False(result.Succeeded);
        Assert.Equal(AdminErrors.UnknownGroup, result.Error);
        Assert.All(await world.ChunksAsync(world.PayDoc), c => Assert.Equal([world.Hr], c.AllowedGroupIds));
        Assert.Empty(await world.AuditAsync("access-change"));
    }

    [Fact]
    public async Task SetGrants_AdminGrantsOwnGroup_AuditedAsSelfGrant()
    {
        await using var world = await AdminWorld.CreateAsync("selfgrant");
        // Below Confidential a self-grant applies at once (audited as such); at Confidential it waits (GrantApprovalTests).
        await using (var db = world.Db.CreateContext())
            await db.Database.ExecuteSqlAsync($"UPDATE collections SET sensitivity = {(int)SensitivityLabel.Internal} WHERE id = {world.HrPolicies}");

        // The admin is in Staff and Engineering; giving Engineering read access to HR policies lets them read it.
        var result = await world.Admin.SetGrantsAsync(world.AdminActor, world.HrPolicies,
            [(world.Hr, AccessLevel.Manage), (world.Engineering, AccessLevel.Read)]);

        Assert.True(result.Succeeded, result.Error);
        var audit = Assert.Single(await world.AuditAsync("access-self-grant"));
        Assert.Empty(await world.AuditAsync("access-change"));
        Assert.Equal("admin", audit.Actor);
        Assert.Equal(world.HrPolicies.ToString(), audit.TargetId);
        using var details = JsonDocument.Parse(audit.Details!);
        Assert.Equal(["HR"], details.RootElement.GetProperty("before").EnumerateArray().Select(g => g.GetProperty("group").GetString()));
        Assert.Equal(["Engineering", "HR"],
            details.RootElement.GetProperty("after").EnumerateArray().Select(g => g.GetProperty("group").GetString()).Order());
        Assert.Equal(["Engineering"], details.RootElement.GetProperty("selfGranted").EnumerateArray().Select(g => g.GetString()));
    }

    [Fact]
    public async Task SetGrants_OtherGroupOnly_AuditedAsAccessChangeWithBeforeAndAfter()
    {
        await using var world = await AdminWorld.CreateAsync("change");

        var result = await world.Admin.SetGrantsAsync(world.AdminActor, world.EngineeringCollection,
            [(world.Engineering, AccessLevel.Manage), (world.Hr, AccessLevel.Read)]);

        Assert.True(result.Succeeded, result.Error);
        Assert.Empty(await world.AuditAsync("access-self-grant"));
        var audit = Assert.Single(await world.AuditAsync("access-change"));
        using var details = JsonDocument.Parse(audit.Details!);
        Assert.Equal(1, details.RootElement.GetProperty("before").GetArrayLength());
        Assert.Equal(2, details.RootElement.GetProperty("after").GetArrayLength());
        Assert.Equal(2, details.RootElement.GetProperty("chunksUpdated").GetInt32());
    }

    [Fact]
    public async Task SetGrants_RemovingAllGrants_LeavesChunksUnreadable()
    {
        await using var world = await AdminWorld.CreateAsync("revoke");

        var result = await world.Admin.SetGrantsAsync(world.AdminActor, world.Handbook, []);

        Assert.True(result.Succeeded, result.Error);
        Assert.All(await world.ChunksAsync(world.HandbookDoc), c => Assert.Empty(c.AllowedGroupIds));
    }

    [Fact]
    public async Task UpdateCollection_LabelChange_UpdatesChunkSensitivity()
    {
        await using var world = await AdminWorld.CreateAsync("label");
        Assert.All(await world.ChunksAsync(world.HandbookDoc), c => Assert.Equal(SensitivityLabel.Internal, c.Sensitivity));

        var result = await world.Admin.UpdateCollectionAsync(world.AdminActor, world.Handbook, "Company handbook", "Everyone",
            SensitivityLabel.Confidential, 180);

        Assert.True(result.Succeeded, result.Error);
        Assert.All(await world.ChunksAsync(world.HandbookDoc), c => Assert.Equal(SensitivityLabel.Confidential, c.Sensitivity));
        Assert.All(await world.ChunksAsync(world.PayDoc), c => Assert.Equal(SensitivityLabel.Confidential, c.Sensitivity));
        Assert.All(await world.ChunksAsync(world.RunbookDoc), c => Assert.Equal(SensitivityLabel.Internal, c.Sensitivity));
        await using var db = world.Db.CreateContext();
        var collection = await db.Collections.SingleAsync(c => c.Id == world.Handbook);
        Assert.Equal(180, collection.ReviewIntervalDays);
        var audit = Assert.Single(await world.AuditAsync("collection-change"));
        Assert.Contains("Confidential", audit.Details);
        Assert.Contains("Internal", audit.Details);
    }

    [Fact]
    public async Task CreateCollection_DuplicateNameIgnoringCase_IsRefused()
    {
        await using var world = await AdminWorld.CreateAsync("dupname");

        var created = await world.Admin.CreateCollectionAsync(world.AdminActor, "  Legal  ", "Contracts", SensitivityLabel.Secret, 90);
        var duplicate = await world.Admin.CreateCollectionAsync(world.AdminActor, "legal", null, SensitivityLabel.Public);

        Assert.True(created.Succeeded, created.Error);
        Assert.False(duplicate.Succeeded);
        Assert.Equal(AdminErrors.NameTaken, duplicate.Error);
        await using var db = world.Db.CreateContext();
        var legal = await db.Collections.SingleAsync(c => c.Id == created.Value);
        Assert.Equal("Legal", legal.Name);
        Assert.Equal(SensitivityLabel.Secret, legal.Sensitivity);
        Assert.Single(await world.AuditAsync("collection-create"));
    }

    [Fact]
    public async Task DeleteCollection_WithDocuments_IsRefusedAndEmptyOneIsDeleted()
    {
        await using var world = await AdminWorld.CreateAsync("delcol");
        var empty = await world.Admin.CreateCollectionAsync(world.AdminActor, "Scratch", null, SensitivityLabel.Internal);

        var refused = await world.Admin.DeleteCollectionAsync(world.AdminActor, world.Handbook);
        var deleted = await world.Admin.DeleteCollectionAsync(world.AdminActor, empty.Value);

        Assert.Equal(AdminErrors.CollectionNotEmpty, refused.Error);
        Assert.True(deleted.Succeeded, deleted.Error);
        await using var db = world.Db.CreateContext();
        Assert.True(await db.Collections.AnyAsync(c => c.Id == world.Handbook));
        Assert.False(await db.Collections.AnyAsync(c => c.Id == empty.Value));
        Assert.Single(await world.AuditAsync("collection-delete"));
    }

    [Fact]
    public async Task RestrictDocument_ToSubset_NarrowsChunkAclAndClearRestores()
    {
        await using var world = await AdminWorld.CreateAsync("restrict");
        await world.Admin.SetGrantsAsync(world.AdminActor, world.Handbook,
            [(world.Staff, AccessLevel.Manage), (world.Hr, AccessLevel.Read), (world.Engineering, AccessLevel.Read)]);

        var narrowed = await world.Admin.RestrictDocumentAsync(world.AdminActor, world.HandbookDoc, [world.Hr, world.Engineering]);

        Assert.True(narrowed.Succeeded, narrowed.Error);
        var expected = new[] { world.Hr, world.Engineering }.Order().ToArray();
        Assert.All(await world.ChunksAsync(world.HandbookDoc), c => Assert.Equal(expected, c.AllowedGroupIds));
        Assert.Single(await world.AuditAsync("document-restrict"));

        var cleared = await world.Admin.RestrictDocumentAsync(world.AdminActor, world.HandbookDoc, null);

        Assert.True(cleared.Succeeded, cleared.Error);
        var all = new[] { world.Staff, world.Hr, world.Engineering }.Order().ToArray();
        Assert.All(await world.ChunksAsync(world.HandbookDoc), c => Assert.Equal(all, c.AllowedGroupIds));
        await using var db = world.Db.CreateContext();
        Assert.Null((await db.Documents.SingleAsync(d => d.Id == world.HandbookDoc)).RestrictedToGroupIds);
    }

    [Fact]
    public async Task RestrictDocument_ToGroupWithoutGrant_NobodyCanRead()
    {
        await using var world = await AdminWorld.CreateAsync("restrictnone");

        // A restriction only narrows: naming a group the collection does not grant gives it nothing.
        var result = await world.Admin.RestrictDocumentAsync(world.AdminActor, world.PayDoc, [world.Engineering]);

        Assert.True(result.Succeeded, result.Error);
        Assert.All(await world.ChunksAsync(world.PayDoc), c => Assert.Empty(c.AllowedGroupIds));
    }

    [Fact]
    public async Task RestrictDocument_EmptyList_IsRefused()
    {
        await using var world = await AdminWorld.CreateAsync("restrictempty");

        var result = await world.Admin.RestrictDocumentAsync(world.AdminActor, world.PayDoc, []);

        Assert.Equal(AdminErrors.RestrictionEmpty, result.Error);
        Assert.All(await world.ChunksAsync(world.PayDoc), c => Assert.Equal([world.Hr], c.AllowedGroupIds));
    }

    public static TheoryData<string> AdminOperations() =>
    [
        "create-collection", "update-collection", "delete-collection", "set-grants", "restrict", "create-group", "update-group",
        "delete-group", "add-mapping", "remove-mapping", "who-can-see", "why-cannot", "view-as", "list-providers", "save-provider",
        "set-key", "query-audit", "export-audit",
    ];

    [Theory]
    [MemberData(nameof(AdminOperations))]
    public async Task AnyOperation_NonAdminActor_IsRefusedAndChangesNothing(string operation)
    {
        await using var world = await AdminWorld.CreateAsync("refuse");
        var admin = world.Admin;
        var actor = world.HrActor; // a knowledge manager, but not an admin
        var auditBefore = (await world.AuditAsync()).Count;

        Func<Task> call = operation switch
        {
            "create-collection" => () => admin.CreateCollectionAsync(actor, "X", null, SensitivityLabel.Public),
            "update-collection" => () => admin.UpdateCollectionAsync(actor, world.HrPolicies, "HR", null, SensitivityLabel.Public, null),
            "delete-collection" => () => admin.DeleteCollectionAsync(actor, world.HrPolicies),
            // HR managers decide who reads HR policies, not who reads the handbook.
            "set-grants" => () => admin.SetGrantsAsync(actor, world.Handbook, [(world.Hr, AccessLevel.Read)]),
            "restrict" => () => admin.RestrictDocumentAsync(actor, world.PayDoc, [world.Staff]),
            "create-group" => () => admin.CreateGroupAsync(actor, "X", null, PortalRole.Admin),
            "update-group" => () => admin.UpdateGroupAsync(actor, world.Hr, "HR", null, PortalRole.Admin),
            "delete-group" => () => admin.DeleteGroupAsync(actor, world.Staff),
            "add-mapping" => () => admin.AddMappingAsync(actor, world.Hr, GroupMappingKind.ExternalGroup, "Staff"),
            "remove-mapping" => () => admin.RemoveMappingAsync(actor, 1),
            "who-can-see" => () => admin.WhoCanSeeAsync(actor, world.PayDoc),
            "why-cannot" => () => admin.WhyCannotAsync(actor, world.Users["staff"], world.PayDoc),
            "view-as" => () => admin.AccessOfUserAsync(actor, world.Users["hr"]),
            "list-providers" => () => admin.ListProvidersAsync(actor),
            "save-provider" => () => admin.SaveProviderAsync(actor, new ProviderProfileInput { Name = "x", Kind = ProviderKind.Extractive }),
            "set-key" => () => admin.SetApiKeyAsync(actor, 1, "sk-test"),
            "query-audit" => () => admin.QueryAuditAsync(actor, new(), 0, 10),
            "export-audit" => () => admin.ExportAuditCsvAsync(actor, new()),
            _ => throw new ArgumentOutOfRangeException(nameof(operation)),
        };

        await Assert.ThrowsAsync<UnauthorizedAccessException>(call);
        Assert.Equal(auditBefore, (await world.AuditAsync()).Count);
        Assert.All(await world.ChunksAsync(world.PayDoc), c => Assert.Equal([world.Hr], c.AllowedGroupIds));
        await using var db = world.Db.CreateContext();
        Assert.Equal(3, await db.Groups.CountAsync());
        Assert.Equal(3, await db.Collections.CountAsync());
        Assert.Null((await db.Groups.SingleAsync(g => g.Id == world.Hr)).GrantsRole);
    }

    [Fact]
    public async Task AddMapping_NewClaimValue_AppliesAtNextResolve()
    {
        await using var world = await AdminWorld.CreateAsync("mapping");
        var resolver = new AccessResolver(world.Db.Factory, RoleClaimMapping.None);
        var identity = new ExternalIdentity("oidc:1", "newhire", "New Hire", null, ["contractors"], []);
        Assert.Empty((await resolver.ResolveAsync(identity)).GroupIds);

        var added = await world.Admin.AddMappingAsync(world.AdminActor, world.Staff, GroupMappingKind.ExternalGroup, " contractors ");

        Assert.True(added.Succeeded, added.Error);
        Assert.Equal([world.Staff], (await resolver.ResolveAsync(identity)).GroupIds);
        var duplicate = await world.Admin.AddMappingAsync(world.AdminActor, world.Staff, GroupMappingKind.ExternalGroup, "contractors");
        Assert.Equal(AdminErrors.MappingExists, duplicate.Error);

        var removed = await world.Admin.RemoveMappingAsync(world.AdminActor, added.Value);

        Assert.True(removed.Succeeded, removed.Error);
        Assert.Empty((await resolver.ResolveAsync(identity)).GroupIds);
        Assert.Single(await world.AuditAsync("group-mapping-add"));
        Assert.Single(await world.AuditAsync("group-mapping-remove"));
    }

    [Fact]
    public async Task AddMapping_ActorsOwnClaimToGroupWithGrants_AuditedAsSelfGrant()
    {
        await using var world = await AdminWorld.CreateAsync("mapself");
        var adminClaims = new ExternalIdentity("dev:admin", "admin", "Admin", null, ["Staff", "Engineering"], ["Admin"]);

        // Mapping the admin's own "Engineering" group claim to HR would let them read HR policies.
        var self = await world.Admin.AddMappingAsync(world.AdminActor, world.Hr, GroupMappingKind.ExternalGroup, "engineering", adminClaims);
        var other = await world.Admin.AddMappingAsync(world.AdminActor, world.Hr, GroupMappingKind.ExternalGroup, "hr-team", adminClaims);

        Assert.True(self.Succeeded, self.Error);
        Assert.True(other.Succeeded, other.Error);
        var audit = Assert.Single(await world.AuditAsync("access-self-grant"));
        Assert.Equal("group", audit.TargetType);
        Assert.Contains("HR policies", audit.Details);
        Assert.Single(await world.AuditAsync("group-mapping-add"));
    }

    [Fact]
    public async Task UpdateGroup_GrantsAdminRole_MembersBecomeAdminsAtNextResolve()
    {
        await using var world = await AdminWorld.CreateAsync("grouprole");
        var resolver = new AccessResolver(world.Db.Factory, RoleClaimMapping.None);
        var identity = new ExternalIdentity("dev:hr", "hr", "HR", null, ["Staff", "HR"], []);
        Assert.False((await resolver.ResolveAsync(identity)).IsAdmin);

        var result = await world.Admin.UpdateGroupAsync(world.AdminActor, world.Hr, "HR", "Human resources", PortalRole.Admin);

        Assert.True(result.Succeeded, result.Error);
        Assert.True((await resolver.ResolveAsync(identity)).IsAdmin);
        Assert.Single(await world.AuditAsync("group-change"));
    }

    [Fact]
    public async Task DeleteGroup_WithGrantsAndRestrictions_RecomputesChunkAcl()
    {
        await using var world = await AdminWorld.CreateAsync("delgroup");
        await world.Admin.SetGrantsAsync(world.AdminActor, world.Handbook, [(world.Staff, AccessLevel.Manage), (world.Hr, AccessLevel.Read)]);
        await world.Admin.RestrictDocumentAsync(world.AdminActor, world.HandbookDoc, [world.Hr, world.Staff]);

        var result = await world.Admin.DeleteGroupAsync(world.AdminActor, world.Hr);

        Assert.True(result.Succeeded, result.Error);
        Assert.All(await world.ChunksAsync(world.HandbookDoc), c => Assert.Equal([world.Staff], c.AllowedGroupIds));
        Assert.All(await world.ChunksAsync(world.PayDoc), c => Assert.Empty(c.AllowedGroupIds));
        await using var db = world.Db.CreateContext();
        Assert.Equal([world.Staff], (await db.Documents.SingleAsync(d => d.Id == world.HandbookDoc)).RestrictedToGroupIds!);
        Assert.False(await db.GroupMappings.AnyAsync(m => m.GroupId == world.Hr));
        Assert.Single(await world.AuditAsync("group-delete"));
    }

    [Fact]
    public async Task CreateGroup_ReaderRole_StoredAsNoRole()
    {
        await using var world = await AdminWorld.CreateAsync("readerrole");

        var result = await world.Admin.CreateGroupAsync(world.AdminActor, "Contractors", null, PortalRole.Reader);

        Assert.True(result.Succeeded, result.Error);
        await using var db = world.Db.CreateContext();
        Assert.Null((await db.Groups.SingleAsync(g => g.Id == result.Value)).GrantsRole);
    }

    [Fact]
    public async Task AccessOfUser_KnownUser_ReadOnlyAccessWithStoredGroupsAndAudited()
    {
        await using var world = await AdminWorld.CreateAsync("viewas");

        var access = await world.Admin.AccessOfUserAsync(world.AdminActor, world.Users["hr"], "pay scales");

        Assert.Equal("dev:hr", access.UserId);
        Assert.Equal(new[] { world.Staff, world.Hr }.Order(), access.GroupIds.Order());
        Assert.False(access.IsAdmin);
        Assert.False(access.IsKnowledgeManager);
        Assert.Empty(access.ManagedCollectionIds);
        var audit = Assert.Single(await world.AuditAsync("view-as"));
        Assert.Equal("admin", audit.Actor);
        Assert.Equal("dev:hr", audit.TargetId);
        Assert.Contains("pay scales", audit.Details);
    }
}
