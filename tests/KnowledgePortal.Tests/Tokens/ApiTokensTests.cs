using System.Text.Json;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Tests.Infrastructure;
using KnowledgePortal.Web.Auth;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Tests.Tokens;

/// <summary>The real service graph over one database, with a small active-token limit.</summary>
public sealed class TokenServicesFixture : IAsyncLifetime
{
    public const int MaxActive = 3;
    public TestServices Services { get; private set; } = null!;
    public static readonly SignInOptions SignIn = new();

    public async Task InitializeAsync() => Services = await TestServices.StartAsync("tokens", new Dictionary<string, string?>
    {
        ["Tokens:MaxActivePerUser"] = MaxActive.ToString(),
    });

    public async Task DisposeAsync() => await Services.DisposeAsync();

    public ApiTokens Tokens => Services.Get<ApiTokens>();

    public SignInRecorder Recorder => new(Services.Get<IDbContextFactory<PortalDbContext>>(), Services.Get<AccessResolver>(),
        Options.Create(SignIn), NullLogger<SignInRecorder>.Instance);

    /// <summary>A person who signed in with these groups (and roles): recorded as a sign-in records them, resolved like a session.</summary>
    public async Task<UserAccess> SignedInAsync(string userName, string[] groups, params string[] roles)
    {
        var identity = new ExternalIdentity("dev:" + userName, userName, userName, null, groups, roles);
        await Recorder.RecordAsync(identity, "test");
        return await Services.Get<AccessResolver>().ResolveAsync(identity);
    }

    /// <summary>The access a request with this token gets: its principal, resolved exactly as <see cref="Web.Api.Caller"/> resolves any principal.</summary>
    public async Task<UserAccess?> AccessOfTokenAsync(string token)
    {
        var check = await Tokens.AuthenticateAsync(token, "GET", "/api/search");
        return check.Holder is null ? null
            : await CurrentUser.ResolveAsync(ApiTokenPrincipal.For(check.Holder, SignIn), Services.Get<AccessResolver>(), SignIn);
    }

    public async Task<int> GroupIdAsync(string name)
    {
        await using var db = Services.Db.CreateContext();
        return await db.Groups.Where(g => g.Name == name).Select(g => g.Id).SingleAsync();
    }
}

/// <summary>Personal API tokens against real PostgreSQL: what is stored, who may do what, refusals, audit, and the access a token resolves to.</summary>
[Trait(TestTier.Name, TestTier.Db)]
public class ApiTokensTests(TokenServicesFixture fixture) : IClassFixture<TokenServicesFixture>
{
    private ApiTokens Tokens => fixture.Tokens;

    private async Task<List<AuditEvent>> AuditAsync(string action, Guid tokenId)
    {
        await using var db = fixture.Services.Db.CreateContext();
        var id = tokenId.ToString("D");
        return await db.AuditEvents.Where(e => e.Action == action && e.TargetId == id).OrderBy(e => e.Id).ToListAsync();
    }

    private async Task<CreatedApiToken> CreateAsync(UserAccess owner, string name = "script", string[]? scopes = null, int? days = 30)
    {
        var result = await Tokens.CreateAsync(owner, name, scopes ?? ["search", "ask"], days);
        Assert.True(result.Succeeded, result.Error);
        return result.Value!;
    }

    [Fact]
    public async Task Create_OwnToken_StoresOnlyHashAndPrefix_ListedForOwnerOnly_Audited()
    {
        var owner = await fixture.SignedInAsync("t-create", ["Staff"]);
        var other = await fixture.SignedInAsync("t-create-other", ["Staff"]);

        var created = await CreateAsync(owner, "laptop", ["ask"], 7);

        Assert.True(ApiTokenRules.IsWellFormed(created.Secret));
        Assert.Equal(["ask"], created.Token.Scopes);
        Assert.Equal(TimeSpan.FromDays(7), created.Token.ExpiresAt - created.Token.CreatedAt);
        await using (var db = fixture.Services.Db.CreateContext())
        {
            var row = await db.ApiTokens.SingleAsync(t => t.Id == created.Token.Id);
            Assert.Equal(ApiTokenRules.Hash(created.Secret), row.Hash);
            Assert.Equal(created.Secret[..12], row.Prefix);
            // The secret itself is nowhere in the database.
            var dump = JsonSerializer.Serialize(await db.ApiTokens.ToListAsync()) + JsonSerializer.Serialize(await db.AuditEvents.ToListAsync());
            Assert.DoesNotContain(created.Secret[12..], dump);
        }
        Assert.Contains(await Tokens.ListAsync(owner), t => t.Id == created.Token.Id && t.Name == "laptop");
        Assert.DoesNotContain(await Tokens.ListAsync(other), t => t.Id == created.Token.Id);
        var audit = Assert.Single(await AuditAsync("api-token-create", created.Token.Id));
        Assert.Equal("t-create", audit.Actor);
        Assert.Contains("laptop", audit.Details);
    }

    [Theory]
    [InlineData("", "search", 30, AdminErrors.NameRequired)]
    [InlineData("x", "admin", 30, AdminErrors.InvalidTokenScopes)]
    [InlineData("x", "", 30, AdminErrors.InvalidTokenScopes)]
    [InlineData("x", "search", 0, AdminErrors.InvalidTokenDays)]
    [InlineData("x", "search", 91, AdminErrors.InvalidTokenDays)]
    public async Task Create_InvalidRequest_RefusedWithItsReason(string name, string scopes, int days, string error)
    {
        var owner = await fixture.SignedInAsync("t-invalid", ["Staff"]);

        var result = await Tokens.CreateAsync(owner, name, [scopes], days);

        Assert.False(result.Succeeded);
        Assert.Equal(error, result.Error);
    }

    [Fact]
    public async Task Create_WithoutDays_DefaultLifetime_AndUnknownUserRefused()
    {
        var owner = await fixture.SignedInAsync("t-default", ["Staff"]);
        var created = await CreateAsync(owner, days: null);
        Assert.Equal(TimeSpan.FromDays(new ApiTokenOptions().DefaultDays), created.Token.ExpiresAt - created.Token.CreatedAt);

        var stranger = new UserAccess("dev:never-signed-in", "never", "Never", [], false, false, []);
        Assert.Equal(AdminErrors.UnknownUser, (await Tokens.CreateAsync(stranger, "x", ["search"], 1)).Error);
    }

    [Fact]
    public async Task Create_MoreThanTheActiveLimit_Refused_RevokedOnesDoNotCount()
    {
        var owner = await fixture.SignedInAsync("t-limit", ["Staff"]);
        var made = new List<CreatedApiToken>();
        for (var i = 0; i < TokenServicesFixture.MaxActive; i++) made.Add(await CreateAsync(owner, $"n{i}"));

        Assert.Equal(AdminErrors.TokenLimit, (await Tokens.CreateAsync(owner, "one more", ["search"], 1)).Error);
        Assert.True((await Tokens.RevokeAsync(owner, made[0].Token.Id)).Succeeded);
        Assert.True((await Tokens.CreateAsync(owner, "one more", ["search"], 1)).Succeeded);
    }

    [Fact]
    public async Task Authenticate_ValidToken_GivesHolder_AuditsEveryUse_WritesLastUseOncePerMinute()
    {
        var owner = await fixture.SignedInAsync("t-use", ["Staff", "HR"], "KnowledgeManager");
        var created = await CreateAsync(owner, scopes: ["search"]);

        var first = await Tokens.AuthenticateAsync(created.Secret, "POST", "/mcp");
        await using (var db = fixture.Services.Db.CreateContext())
        {
            var lastUsed = (await db.ApiTokens.SingleAsync(t => t.Id == created.Token.Id)).LastUsedAt;
            Assert.NotNull(lastUsed);
            var second = await Tokens.AuthenticateAsync(created.Secret, "GET", "/api/search");
            Assert.NotNull(second.Holder);
            await using var again = fixture.Services.Db.CreateContext();
            Assert.Equal(lastUsed, (await again.ApiTokens.SingleAsync(t => t.Id == created.Token.Id)).LastUsedAt);
        }

        var holder = Assert.IsType<ApiTokenHolder>(first.Holder);
        Assert.Equal(created.Token.Id, holder.TokenId);
        Assert.Equal(["search"], holder.Scopes);
        Assert.Equal("dev:t-use", holder.Subject);
        Assert.Equal(["Staff", "HR"], holder.ExternalGroups);
        Assert.Equal(["KnowledgeManager"], holder.ExternalRoles);
        var uses = await AuditAsync("api-token-use", created.Token.Id);
        Assert.Equal(2, uses.Count);
        Assert.All(uses, u => Assert.Equal("t-use", u.Actor));
        Assert.Contains("/mcp", uses[0].Details);
        Assert.Contains("/api/search", uses[1].Details);
    }

    [Fact]
    public async Task Authenticate_ExpiredRevokedOrDeactivated_RefusedAndAudited()
    {
        var owner = await fixture.SignedInAsync("t-refused", ["Staff"]);
        var expired = await CreateAsync(owner, "expired");
        var revoked = await CreateAsync(owner, "revoked");
        await using (var db = fixture.Services.Db.CreateContext())
            await db.ApiTokens.Where(t => t.Id == expired.Token.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, DateTimeOffset.UtcNow.AddSeconds(-1)));
        Assert.True((await Tokens.RevokeAsync(owner, revoked.Token.Id)).Succeeded);

        Assert.Equal(ApiTokenRefusal.Expired, (await Tokens.AuthenticateAsync(expired.Secret, "GET", "/api/search")).Refusal);
        Assert.Equal(ApiTokenRefusal.Revoked, (await Tokens.AuthenticateAsync(revoked.Secret, "GET", "/api/search")).Refusal);
        Assert.Single(await AuditAsync("api-token-refused", expired.Token.Id));
        Assert.Empty(await AuditAsync("api-token-use", revoked.Token.Id));

        var user = await fixture.SignedInAsync("t-deactivated", ["Staff"]);
        var token = await CreateAsync(user);
        Assert.NotNull((await Tokens.AuthenticateAsync(token.Secret, "GET", "/api/search")).Holder);
        await using (var db = fixture.Services.Db.CreateContext())
            await db.Users.Where(u => u.Subject == "dev:t-deactivated").ExecuteUpdateAsync(s => s.SetProperty(u => u.DeactivatedAt, DateTimeOffset.UtcNow));
        Assert.Equal(ApiTokenRefusal.Deactivated, (await Tokens.AuthenticateAsync(token.Secret, "GET", "/api/search")).Refusal);
    }

    [Theory]
    [InlineData("kpt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", ApiTokenRefusal.Unknown)]
    [InlineData("kpt_notatoken", ApiTokenRefusal.Malformed)]
    [InlineData("", ApiTokenRefusal.Malformed)]
    public async Task Authenticate_UnknownOrMalformed_Refused(string token, ApiTokenRefusal refusal) =>
        Assert.Equal(refusal, (await Tokens.AuthenticateAsync(token, "GET", "/api/search")).Refusal);

    [Fact]
    public async Task Revoke_SomeoneElsesToken_NotFoundForAUser_AdminRevokesIt_Audited()
    {
        var owner = await fixture.SignedInAsync("t-owner", ["Staff"]);
        var intruder = await fixture.SignedInAsync("t-intruder", ["Staff"]);
        var admin = await fixture.SignedInAsync("t-admin", ["Staff"], "Admin");
        Assert.True(admin.IsAdmin);
        var token = await CreateAsync(owner);

        Assert.Equal(AdminErrors.NotFound, (await Tokens.RevokeAsync(intruder, token.Token.Id)).Error);
        Assert.NotNull((await Tokens.AuthenticateAsync(token.Secret, "GET", "/api/search")).Holder);

        Assert.True((await Tokens.RevokeAsync(admin, token.Token.Id)).Succeeded);
        Assert.Null((await Tokens.AuthenticateAsync(token.Secret, "GET", "/api/search")).Holder);
        var audit = Assert.Single(await AuditAsync("api-token-revoke", token.Token.Id));
        Assert.Equal("t-admin", audit.Actor);
        using (var details = JsonDocument.Parse(audit.Details!))
        {
            Assert.True(details.RootElement.GetProperty("byAdmin").GetBoolean());
            Assert.Equal("t-owner", details.RootElement.GetProperty("owner").GetString());
        }
        var listed = (await Tokens.ListAsync(owner)).Single(t => t.Id == token.Token.Id);
        Assert.Equal("t-admin", listed.RevokedBy);
        Assert.False(listed.IsActive(DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task ListAll_Admin_SeesEveryonesTokens_OthersAreRefused()
    {
        var owner = await fixture.SignedInAsync("t-listed", ["Staff"]);
        var admin = await fixture.SignedInAsync("t-admin2", ["Staff"], "Admin");
        var token = await CreateAsync(owner, "listed by admin");

        var all = await Tokens.ListAllAsync(admin);

        Assert.Contains(all, t => t.Id == token.Token.Id && t.Owner == "t-listed");
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Tokens.ListAllAsync(owner));
    }

    [Fact]
    public async Task TokenAccess_EveryRequest_ResolvesTheUsersCurrentGroups()
    {
        var hrGroup = await fixture.GroupIdAsync("HR");
        var owner = await fixture.SignedInAsync("t-mover", ["Staff", "hr-temps"]);
        await using (var db = fixture.Services.Db.CreateContext())
        {
            db.GroupMappings.Add(new GroupMapping { GroupId = hrGroup, Kind = GroupMappingKind.ExternalGroup, Value = "hr-temps" });
            await db.SaveChangesAsync();
        }
        var token = await CreateAsync(owner);
        Assert.Contains(hrGroup, (await fixture.AccessOfTokenAsync(token.Secret))!.GroupIds);

        // The portal's mapping of the group is removed: the very next request no longer has HR.
        await using (var db = fixture.Services.Db.CreateContext())
            await db.GroupMappings.Where(m => m.Value == "hr-temps").ExecuteDeleteAsync();
        Assert.DoesNotContain(hrGroup, (await fixture.AccessOfTokenAsync(token.Secret))!.GroupIds);

        // Removed from HR at the identity provider, as the next sign-in (or session revalidation) tells the portal.
        var hr = DemoData.FindUser("hr")!;
        await fixture.Recorder.RecordAsync(hr.ToIdentity(), "test");
        var hrToken = await CreateAsync(await fixture.Services.Get<AccessResolver>().ResolveAsync(hr.ToIdentity()));
        Assert.Contains(hrGroup, (await fixture.AccessOfTokenAsync(hrToken.Secret))!.GroupIds);
        await fixture.Recorder.RecordAsync(hr.ToIdentity() with { Groups = ["Staff"] }, "test");
        var after = (await fixture.AccessOfTokenAsync(hrToken.Secret))!;
        Assert.DoesNotContain(hrGroup, after.GroupIds);
        Assert.Contains(await fixture.GroupIdAsync("Staff"), after.GroupIds);
    }

    [Fact]
    public async Task RecordClaims_UnresolvedGroups_TokenGetsNoGroups()
    {
        var identity = new ExternalIdentity("dev:t-overage", "t-overage", "t-overage", null, ["Staff", "HR"], [],
            GroupResolutionProblem: "overage not resolved");
        await fixture.Recorder.RecordAsync(identity, "test");
        var token = await CreateAsync(await fixture.Services.Get<AccessResolver>().ResolveAsync(identity));

        Assert.Empty((await fixture.AccessOfTokenAsync(token.Secret))!.GroupIds);
    }

    [Fact]
    public async Task Start_DefaultDaysAboveMaxDays_ConfigurationError()
    {
        await using var db = await TestDatabase.CreateAsync("tokens-bad");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestServices.StartAsync(db, new Dictionary<string, string?>
        {
            ["Tokens:MaxDays"] = "10",
            ["Tokens:DefaultDays"] = "30",
        }));
        Assert.Contains("Tokens:DefaultDays", error.Message);
    }
}
