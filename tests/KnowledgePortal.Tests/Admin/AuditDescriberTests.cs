using System.Text.Json;
using KnowledgePortal.Core.Audit;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Tests.Infrastructure;

namespace KnowledgePortal.Tests.Admin;

/// <summary>The audit page's names and readable details: pure mapping, and names loaded from a real database.</summary>
[Trait(TestTier.Name, TestTier.Db)]
public class AuditDescriberTests
{
    private static readonly Guid Doc = Guid.Parse("01a23c4b-0000-7000-8000-000000000001");

    private static readonly AuditNames Names = new(
        new Dictionary<string, string> { ["hr"] = "Tanaka Ken" },
        new Dictionary<string, string> { ["dev:staff"] = "Sato Yui" },
        new Dictionary<int, string> { [3] = "HR policies", [4] = "Company handbook" },
        new Dictionary<int, string> { [7] = "Staff", [8] = "HR" },
        new Dictionary<int, string> { [2] = "Azure GPT" },
        new Dictionary<Guid, string> { [Doc] = "Parental leave policy" });

    private static AuditEvent Event(string actor, string action, string? type, string? id, object? details) => new()
    {
        Actor = actor, Action = action, TargetType = type, TargetId = id, Details = details is null ? null : JsonSerializer.Serialize(details),
    };

    private static AuditDescription Describe(AuditEvent e) => AuditDescriber.Describe(e, Names, k => k);

    private static string Detail(AuditDescription d, string key) => d.Details.Single(x => x.Key == key).Value;

    [Fact]
    public void Describe_Upload_ActorDisplayNameCollectionNameDocumentTitleAndReadableSize()
    {
        var d = Describe(Event("hr", "document-upload", "document", Doc.ToString(),
            new { collectionId = 3, fileName = "parental-leave.pdf", version = 1, sizeBytes = 254_000L, sha256 = new string('a', 64) }));

        Assert.Equal("Tanaka Ken (hr)", d.Actor);
        Assert.Equal("Parental leave policy", d.Target);
        Assert.Equal("HR policies", Detail(d, "collectionId"));
        Assert.Equal("parental-leave.pdf", Detail(d, "fileName"));
        Assert.Equal("248 KB", Detail(d, "sizeBytes"));
        Assert.Equal("aaaaaaaaaaaa…", Detail(d, "sha256"));
    }

    [Fact]
    public void Describe_Question_SourcesAsDocumentTitlesAskerCollectionsAsNames_NoIds()
    {
        // Shaped as AskService writes it.
        var d = Describe(Event("hr", "question", "message", Guid.NewGuid().ToString(), new
        {
            question = "How long is parental leave?", askerCollections = new[] { 3, 4 },
            sources = new[] { new { ChunkId = 11L, DocumentId = Doc }, new { ChunkId = 12L, DocumentId = Doc } },
            cited = new[] { 11L }, provider = "Extractive", route = "local", InputTokens = 0, OutputTokens = 0, Cost = 0m,
        }));

        Assert.Null(d.Target); // the answer's text is not the audit log's to show
        Assert.Equal("HR policies, Company handbook", Detail(d, "askerCollections"));
        Assert.Equal("Parental leave policy", Detail(d, "sources"));
        Assert.Equal("1", Detail(d, "cited"));
        Assert.Equal("0", Detail(d, "inputTokens")); // PascalCase members read as camelCase keys
        Assert.DoesNotContain(d.Details, x => x.Value.Contains(Doc.ToString()));
    }

    [Fact]
    public void Describe_SignInAndViewAs_GroupIdsAsNamesTargetUserByDisplayName()
    {
        var signIn = Describe(Event("hr", "sign-in", "user", "dev:hr", new { method = "development", groups = new[] { 7, 8 }, roles = new[] { "KnowledgeManager" }, problem = false }));
        var viewAs = Describe(Event("admin", "view-as", "user", "dev:staff", new { user = "staff", groups = new[] { 7, 99 }, query = "leave" }));

        Assert.Equal("Staff, HR", Detail(signIn, "groups"));
        Assert.Equal("✗", Detail(signIn, "problem"));
        Assert.Equal("Sato Yui", viewAs.Target);
        Assert.Equal("admin", viewAs.Actor); // no portal user of that name: shown as recorded
        Assert.Equal("Staff, #99", Detail(viewAs, "groups")); // a deleted group keeps its id
    }

    [Fact]
    public void Describe_DeletedTargets_FallBackToTheNameTheEventRecorded()
    {
        Assert.Equal("Old memo.pdf", Describe(Event("km", "document-delete", "document", Guid.NewGuid().ToString(),
            new { CollectionId = 4, FileName = "Old memo.pdf" })).Target);
        Assert.Equal("Contractors", Describe(Event("admin", "group-delete", "group", "42", new { Name = "Contractors" })).Target);
        Assert.Equal("#43", Describe(Event("admin", "group-delete", "group", "43", null)).Target);
        Assert.Equal("Azure GPT", Describe(Event("admin", "provider-change", "provider", "2", new { operation = "update" })).Target);
        Assert.Equal("OpenAI", Describe(Event("hr", "question-failed", "provider", "OpenAI", new { route = "cloud", failure = "timeout" })).Target);
    }

    [Fact]
    public void Describe_NestedBeforeAfter_KeyValuePairsWithNamesAndLocalisedKeys()
    {
        var e = Event("admin", "group-delete", "group", "8", new
        {
            Name = "HR", grants = new[] { new { CollectionId = 3, level = "Read" } }, chunksUpdated = 12,
        });

        var d = AuditDescriber.Describe(e, Names, k => k == "collectionId" ? "コレクション" : k);

        Assert.Equal("HR", d.Target);
        Assert.Equal("(コレクション: HR policies; level: Read)", Detail(d, "grants"));
        Assert.Equal("12", Detail(d, "chunksUpdated"));
    }

    [Fact]
    public void Describe_DetailsNotJson_NoLinesAndNoException()
    {
        var e = new AuditEvent { Actor = "system", Action = "x", Details = "{not json" };
        Assert.Empty(Describe(e).Details);
    }

    [Fact]
    public async Task LoadNames_RealDatabase_NamesForActorsCollectionsGroupsAndDocumentsButNoPassageText()
    {
        await using var world = await AdminWorld.CreateAsync("auditnames");
        // Real administration writes its own events; a question event as AskService writes it.
        var group = await world.Admin.CreateGroupAsync(world.AdminActor, "Contractors", null, null);
        Assert.True((await world.Admin.RestrictDocumentAsync(world.AdminActor, world.PayDoc, [world.Hr])).Succeeded);
        var chunks = await world.ChunksAsync(world.PayDoc);
        await using (var db = world.Db.CreateContext())
        {
            AuditLog.Add(db, "hr", "question", "message", Guid.NewGuid().ToString(), new
            {
                question = "pay scales?", askerCollections = new[] { world.HrPolicies },
                sources = chunks.Select(c => new { ChunkId = c.Id, c.DocumentId }).ToArray(), cited = chunks.Select(c => c.Id).ToArray(),
            });
            await db.SaveChangesAsync();
        }
        var events = await world.AuditAsync();

        var names = await AuditNames.LoadAsync(world.Db.Factory, events);
        var described = events.Select(e => (e.Action, D: AuditDescriber.Describe(e, names, k => k))).ToList();

        var created = described.Single(x => x.Action == "group-create").D;
        Assert.Equal("Contractors", created.Target);
        Assert.Equal("admin", created.Actor); // this world's users have their user name as display name: shown once
        var restrict = described.Single(x => x.Action == "document-restrict").D;
        Assert.Equal("Pay scales 2026", restrict.Target);
        Assert.Equal("HR policies", Detail(restrict, "collectionId"));
        var question = described.Single(x => x.Action == "question").D;
        Assert.Equal("Pay scales 2026", Detail(question, "sources"));
        Assert.Equal("HR policies", Detail(question, "askerCollections"));
        Assert.Equal(group.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), events.Single(e => e.Action == "group-create").TargetId);
        // Documents appear by title only: no passage text, whatever the event holds.
        var shown = string.Join("\n", described.SelectMany(x => x.D.Details.Select(l => l.Value).Append(x.D.Target ?? "").Append(x.D.Actor)));
        foreach (var chunk in chunks) Assert.DoesNotContain(chunk.Text, shown);
    }
}
