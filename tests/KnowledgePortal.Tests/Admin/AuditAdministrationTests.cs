using KnowledgePortal.Core.Audit;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Tests.Admin;

[Trait(TestTier.Name, TestTier.Db)]
public class AuditAdministrationTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("=1+2", "'=1+2")]
    [InlineData("+SUM(A1)", "'+SUM(A1)")]
    [InlineData("-2", "'-2")]
    [InlineData("@cmd", "'@cmd")]
    [InlineData("\tx", "'\tx")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("line1\nline2", "\"line1\nline2\"")]
    [InlineData("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Escape_Cell_QuotesAndNeutralisesFormulas(string? value, string expected)
    {
        Assert.Equal(expected, AuditCsv.Escape(value));
    }

    [Fact]
    public async Task ExportCsv_EventsWithFormulaText_EscapesFormulasAndAuditsTheExport()
    {
        await using var world = await AdminWorld.CreateAsync("csv");
        await using (var db = world.Db.CreateContext())
        {
            AuditLog.Add(db, "=cmd|' /C calc'!A0", "sign-in", "user", "@SUM(1,2)", new { note = "+x" });
            await db.SaveChangesAsync();
        }

        var csv = await world.Admin.ExportAuditCsvAsync(world.AdminActor, new AuditFilter(Action: "sign-in"));

        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id,at_utc,actor,action,target_type,target_id,details", lines[0]);
        Assert.Equal(2, lines.Length);
        Assert.Contains(",'=cmd|' /C calc'!A0,sign-in,user,\"'@SUM(1,2)\",", lines[1]);
        Assert.EndsWith("\"{\"\"note\"\": \"\"+x\"\"}\"", lines[1]);
        Assert.DoesNotContain(",=", csv);
        Assert.DoesNotContain(",@", csv);
        Assert.Single(await world.AuditAsync("audit-export"));
    }

    [Fact]
    public async Task QueryAudit_FiltersAndPages_NewestFirst()
    {
        await using var world = await AdminWorld.CreateAsync("auditquery");
        await using (var db = world.Db.CreateContext())
        {
            for (var i = 0; i < 5; i++)
                db.AuditEvents.Add(new AuditEvent { Actor = "alice", Action = "sign-in", TargetId = $"user-{i}", At = DateTimeOffset.UtcNow.AddMinutes(-10 + i) });
            db.AuditEvents.Add(new AuditEvent { Actor = "bob_x", Action = "access-change", TargetId = "42", At = DateTimeOffset.UtcNow.AddDays(-3) });
            await db.SaveChangesAsync();
        }

        var firstPage = await world.Admin.QueryAuditAsync(world.AdminActor, new AuditFilter(Actor: "ALI"), 0, 2);
        var lastPage = await world.Admin.QueryAuditAsync(world.AdminActor, new AuditFilter(Actor: "ali"), 2, 2);
        var byText = await world.Admin.QueryAuditAsync(world.AdminActor, new AuditFilter(Text: "user-3"), 0, 10);
        var byDate = await world.Admin.QueryAuditAsync(world.AdminActor,
            new AuditFilter(From: DateTimeOffset.UtcNow.AddDays(-4), To: DateTimeOffset.UtcNow.AddDays(-2)), 0, 10);
        var wildcard = await world.Admin.QueryAuditAsync(world.AdminActor, new AuditFilter(Actor: "bo_"), 0, 10);
        var literalUnderscore = await world.Admin.QueryAuditAsync(world.AdminActor, new AuditFilter(Actor: "b_x"), 0, 10);

        Assert.Equal(5, firstPage.TotalCount);
        Assert.Equal(["user-4", "user-3"], firstPage.Items.Select(e => e.TargetId));
        Assert.Equal(["user-0"], lastPage.Items.Select(e => e.TargetId));
        Assert.Equal(["user-3"], byText.Items.Select(e => e.TargetId));
        Assert.Equal(["42"], byDate.Items.Select(e => e.TargetId));
        Assert.Equal(0, wildcard.TotalCount); // "_" matches literally, not any character
        Assert.Equal(1, literalUnderscore.TotalCount);
        Assert.Contains("access-change", await world.Admin.AuditActionsAsync(world.AdminActor));
    }

    [Fact]
    public async Task PurgeAsync_OldAndNewEvents_DeletesOnlyOldWhilePlainDeleteStaysRefused()
    {
        await using var world = await AdminWorld.CreateAsync("retention");
        await using var db = world.Db.CreateContext();
        db.AuditEvents.AddRange(
            new AuditEvent { Actor = "a", Action = "old", At = DateTimeOffset.UtcNow.AddDays(-400) },
            new AuditEvent { Actor = "a", Action = "old", At = DateTimeOffset.UtcNow.AddDays(-366) },
            new AuditEvent { Actor = "a", Action = "recent", At = DateTimeOffset.UtcNow.AddDays(-364) },
            new AuditEvent { Actor = "a", Action = "recent", At = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();

        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => db.Database.ExecuteSqlRawAsync("DELETE FROM audit_events WHERE action = 'old'"));
        var deleted = await AuditRetention.PurgeAsync(db, 365);

        Assert.Equal(2, deleted);
        Assert.Empty(await world.AuditAsync("old"));
        Assert.Equal(2, (await world.AuditAsync("recent")).Count);
        var purge = Assert.Single(await world.AuditAsync(AuditRetention.Action));
        Assert.Contains("\"deleted\": 2", purge.Details);
        // The retention switch was local to the purge's transaction: deletes are refused again.
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => db.Database.ExecuteSqlRawAsync("DELETE FROM audit_events"));
        await using var other = world.Db.CreateContext();
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => other.Database.ExecuteSqlRawAsync("DELETE FROM audit_events"));
        Assert.NotEmpty(await world.AuditAsync());
    }

    [Fact]
    public async Task PurgeAsync_NothingOld_DeletesNothingAndRecordsNothing()
    {
        await using var world = await AdminWorld.CreateAsync("retention0");
        await using var db = world.Db.CreateContext();

        Assert.Equal(0, await AuditRetention.PurgeAsync(db, 30));
        Assert.Empty(await world.AuditAsync(AuditRetention.Action));
    }
}
