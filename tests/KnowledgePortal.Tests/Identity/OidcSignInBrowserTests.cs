using System.Text.Json;
using KnowledgePortal.Core.Demo;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace KnowledgePortal.Tests.Identity;

/// <summary>
/// The portal in Oidc mode, signed in through a real OpenID Connect provider over plain http on 127.0.0.1: code flow
/// with PKCE, the provider's signed ID token validated against its JWKS, and groups/roles mapped to portal groups.
/// </summary>
public abstract class OidcPortalFixture : IAsyncLifetime
{
    public const string ClientId = "knowledge-portal-test";
    public const string ClientSecret = "oidc-test-secret-5be1c0";
    public const string MappedAdminRole = "kp-portal-admins";

    public TestDb Db { get; private set; } = null!;
    public OidcTestServer Oidc { get; private set; } = null!;
    public PortalProcess Portal { get; private set; } = null!;
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    protected virtual string GroupsClaim => "groups";
    protected virtual string RolesClaim => "roles";
    protected virtual string ClaimsIn => "id_token";
    protected virtual IReadOnlyDictionary<string, string> ExtraSettings => new Dictionary<string, string>();

    public async Task InitializeAsync()
    {
        Db = await TestDatabase.CreateAsync("oidc");
        Oidc = await OidcTestServer.StartAsync(new
        {
            clientId = ClientId,
            clientSecret = ClientSecret,
            groupsClaim = GroupsClaim,
            rolesClaim = RolesClaim,
            claimsIn = ClaimsIn,
        });
        Portal = await PortalProcess.StartAsync(Db.ConnectionString, new Dictionary<string, string>
        {
            ["Authentication__Mode"] = "Oidc",
            ["Authentication__GroupsClaim"] = GroupsClaim,
            ["Authentication__RolesClaim"] = RolesClaim,
            ["Authentication__Oidc__Authority"] = Oidc.Issuer,
            ["Authentication__Oidc__ClientId"] = ClientId,
            ["Authentication__Oidc__ClientSecret"] = ClientSecret,
            ["Authentication__Oidc__RequireHttpsMetadata"] = "false",
            // Only this role value makes a portal admin; a role merely called "Admin" must not.
            ["Authentication__AdminRoles__0"] = MappedAdminRole,
        }.Concat(ExtraSettings).ToDictionary());
        // The portal's port is known only now: register its callback with the provider.
        await Oidc.ConfigureAsync(new { redirectUris = new[] { Portal.BaseUrl + "/signin-oidc" } });
        (Playwright, Browser) = await Infrastructure.Browser.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
        await Portal.DisposeAsync();
        await Oidc.DisposeAsync();
        await Db.DisposeAsync();
    }

    /// <summary>Signs in as whoever the provider is set up for, in a fresh browser context; returns the page and every URL visited.</summary>
    public async Task<(IPage Page, List<string> Visited)> SignInAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Portal.BaseUrl, Locale = "en" });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        var visited = new List<string>();
        page.Request += (_, r) => { if (r.IsNavigationRequest) lock (visited) visited.Add(r.Url); };
        await page.GotoAsync("/documents");
        if (page.Url.Contains("/account/signin")) await page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(u => u.StartsWith(Portal.BaseUrl + "/documents", StringComparison.Ordinal));
        await Infrastructure.Browser.WaitInteractiveAsync(page);
        return (page, visited);
    }

    public static async Task<List<string>> VisibleCollectionsAsync(IPage page)
    {
        await page.Locator("[data-testid=collection-name], [data-testid=access-problem]").First.WaitForAsync();
        return (await page.Locator("[data-testid=collection-name]").AllInnerTextsAsync()).Select(n => n.Trim()).ToList();
    }
}

public sealed class IdTokenClaimsPortal : OidcPortalFixture;

[Trait(TestTier.Name, TestTier.Browser)]
public sealed class OidcSignInBrowserTests(IdTokenClaimsPortal fixture) : IClassFixture<IdTokenClaimsPortal>
{
    [Fact]
    public async Task OidcSignIn_GroupsFromIdToken_HrSeesHrPoliciesNotEngineering_AndSignInIsRecorded()
    {
        const string subject = "oidc-user-hr-0001";
        await fixture.Oidc.ConfigureAsync(new
        {
            user = new
            {
                sub = subject, name = "Ito Mai (HR via OIDC)", preferred_username = "ito.mai", email = "ito.mai@corp.example",
                groups = new[] { "HR", "Staff" }, roles = new[] { "KnowledgeManager" },
            },
            idTokenExtra = new { },
        });

        var (page, visited) = await fixture.SignInAsync();
        // The browser really went to the provider and came back through the portal's callback.
        Assert.Contains(visited, u => u.StartsWith(fixture.Oidc.Issuer + "/authorize?", StringComparison.Ordinal)
                                      && u.Contains("code_challenge_method=S256") && u.Contains("response_type=code"));
        Assert.Contains(visited, u => u.StartsWith(fixture.Portal.BaseUrl + "/signin-oidc?", StringComparison.Ordinal));
        Assert.Contains("POST /token", fixture.Oidc.Log);

        var names = await OidcPortalFixture.VisibleCollectionsAsync(page);
        Assert.Contains(DemoData.HrPolicies, names);
        Assert.Contains(DemoData.Handbook, names);
        Assert.DoesNotContain(DemoData.Engineering, names);
        Assert.Contains("Ito Mai (HR via OIDC)", await page.ContentAsync());
        await page.Context.CloseAsync();

        await using var db = fixture.Db.CreateContext();
        var groups = await db.Groups.ToDictionaryAsync(g => g.Name, g => g.Id);
        var user = await db.Users.SingleAsync(u => u.Subject == subject);
        Assert.Equal("ito.mai", user.UserName);
        Assert.Equal("ito.mai@corp.example", user.Email);
        Assert.Contains(groups["HR"], user.GroupIds);
        Assert.Contains(groups["Staff"], user.GroupIds);
        Assert.DoesNotContain(groups["Engineering"], user.GroupIds);
        // "KnowledgeManager" from the provider is not in Authentication:KnowledgeManagerRoles: it grants nothing.
        Assert.Equal(["Reader"], user.Roles);

        var audit = await db.AuditEvents.Where(e => e.Action == "sign-in" && e.TargetId == subject).ToListAsync();
        var row = Assert.Single(audit);
        Assert.Equal("ito.mai", row.Actor);
        using var details = JsonDocument.Parse(row.Details!);
        Assert.Equal("oidc", details.RootElement.GetProperty("method").GetString());
        Assert.Equal(new[] { groups["Staff"], groups["HR"] }.Order(),
            details.RootElement.GetProperty("groups").EnumerateArray().Select(g => g.GetInt32()).Order());
        Assert.False(details.RootElement.GetProperty("problem").GetBoolean());

        Assert.DoesNotContain(OidcPortalFixture.ClientSecret, fixture.Portal.Log);
    }

    [Fact]
    public async Task OidcSignIn_BareAdminRoleAndForgedKpRoleClaim_NotAnAdmin()
    {
        await fixture.Oidc.ConfigureAsync(new
        {
            user = new { sub = "oidc-user-fakeadmin-0004", name = "Not An Admin", preferred_username = "fake.admin", groups = new[] { "Staff" }, roles = new[] { "Admin", "KnowledgeManager" } },
            // The portal's own role claim, sent by the provider: it must be dropped, not believed.
            idTokenExtra = new Dictionary<string, object> { ["kp_role"] = new[] { "Admin", "KnowledgeManager" } },
        });

        var (page, _) = await fixture.SignInAsync();
        await page.GotoAsync("/admin/groups");
        await page.WaitForURLAsync(u => u.Contains("/account/denied", StringComparison.Ordinal));
        var export = await page.Context.APIRequest.GetAsync("/admin/audit.csv", new() { MaxRedirects = 0 });
        Assert.Equal(302, export.Status);
        Assert.Contains("/account/denied", export.Headers["location"]);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task OidcSignIn_RoleListedInAdminRoles_IsAnAdmin()
    {
        await fixture.Oidc.ConfigureAsync(new
        {
            user = new { sub = "oidc-user-realadmin-0005", name = "Real Admin", preferred_username = "real.admin", groups = new[] { "Staff" }, roles = new[] { OidcPortalFixture.MappedAdminRole } },
            idTokenExtra = new { },
        });

        var (page, _) = await fixture.SignInAsync();
        await page.GotoAsync("/admin/groups");
        await Infrastructure.Browser.WaitInteractiveAsync(page);
        Assert.EndsWith("/admin/groups", page.Url);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task OidcSignIn_GroupsOverageWithoutResolution_FailsClosed()
    {
        // The provider says the groups were left out (_claim_names) yet still sends some: none may count.
        const string subject = "oidc-user-overage-0002";
        await fixture.Oidc.ConfigureAsync(new
        {
            user = new { sub = subject, name = "Overage User", preferred_username = "overage.user", groups = new[] { "HR", "Staff", "Engineering" } },
            idTokenExtra = new Dictionary<string, object>
            {
                ["_claim_names"] = new { groups = "src1" },
                ["_claim_sources"] = new { src1 = new { endpoint = "https://graph.example/users/x/getMemberObjects" } },
                // A provider cannot vouch for itself: the portal drops this look-alike marker.
                ["kp_groups_resolved"] = "true",
            },
        });

        var (page, _) = await fixture.SignInAsync();
        await page.Locator("[data-testid=access-problem]").WaitForAsync();
        Assert.Empty(await page.Locator("[data-testid=collection-name]").AllInnerTextsAsync());
        await page.Context.CloseAsync();

        await using var db = fixture.Db.CreateContext();
        var user = await db.Users.SingleAsync(u => u.Subject == subject);
        Assert.Empty(user.GroupIds);
        var row = await db.AuditEvents.SingleAsync(e => e.Action == "sign-in" && e.TargetId == subject);
        using var details = JsonDocument.Parse(row.Details!);
        Assert.True(details.RootElement.GetProperty("problem").GetBoolean());
        Assert.Empty(details.RootElement.GetProperty("groups").EnumerateArray());
    }
}

/// <summary>A provider that sends groups and roles only from its userinfo endpoint, under its own claim names.</summary>
public sealed class UserInfoClaimsPortal : OidcPortalFixture
{
    protected override string GroupsClaim => "member_of";
    protected override string RolesClaim => "app_roles";
    protected override string ClaimsIn => "userinfo";
}

[Trait(TestTier.Name, TestTier.Browser)]
public sealed class OidcUserInfoSignInBrowserTests(UserInfoClaimsPortal fixture) : IClassFixture<UserInfoClaimsPortal>
{
    [Fact]
    public async Task OidcSignIn_GroupsFromUserInfoUnderConfiguredClaimNames_EngineerSeesEngineeringNotHr()
    {
        const string subject = "oidc-user-eng-0003";
        await fixture.Oidc.ConfigureAsync(new
        {
            user = new { sub = subject, name = "Kato Ren (engineer)", preferred_username = "kato.ren", groups = new[] { "Staff", "Engineering" }, roles = new[] { OidcPortalFixture.MappedAdminRole } },
        });

        var (page, _) = await fixture.SignInAsync();
        Assert.Contains("GET /userinfo", fixture.Oidc.Log);
        var names = await OidcPortalFixture.VisibleCollectionsAsync(page);
        Assert.Contains(DemoData.Engineering, names);
        Assert.Contains(DemoData.Handbook, names);
        Assert.DoesNotContain(DemoData.HrPolicies, names);
        await page.Context.CloseAsync();

        await using var db = fixture.Db.CreateContext();
        var groups = await db.Groups.ToDictionaryAsync(g => g.Name, g => g.Id);
        var user = await db.Users.SingleAsync(u => u.Subject == subject);
        Assert.Equal(new[] { groups["Staff"], groups["Engineering"] }.Order(), user.GroupIds.Order());
        Assert.Contains("Admin", user.Roles);
    }
}

/// <summary>Groups re-read every 12 seconds (Authentication:RevalidateMinutes = 0.2; long enough for a sign-in under load), from userinfo.</summary>
public sealed class RevalidatingPortal : OidcPortalFixture
{
    protected override string ClaimsIn => "both";
    protected override IReadOnlyDictionary<string, string> ExtraSettings => new Dictionary<string, string> { ["Authentication__RevalidateMinutes"] = "0.2" };
}

[Trait(TestTier.Name, TestTier.Browser)]
public sealed class OidcRevalidationBrowserTests(RevalidatingPortal fixture) : IClassFixture<RevalidatingPortal>
{
    [Fact]
    public async Task Revalidate_GroupRemovedAtProvider_HrUnreadableWithinBoundInOpenPageAndNextRequest()
    {
        const string subject = "oidc-user-leaver-0006";
        var hr = new { sub = subject, name = "Leaving HR", preferred_username = "leaving.hr", groups = new[] { "HR", "Staff" } };
        await fixture.Oidc.ConfigureAsync(new { user = hr, idTokenExtra = new { }, disabled = false });
        var (page, _) = await fixture.SignInAsync();
        Assert.Contains(DemoData.HrPolicies, await OidcPortalFixture.VisibleCollectionsAsync(page));

        // HR membership ends at the provider. The open page (its circuit) ends its signed-in state within 1.5 × 12 s.
        await fixture.Oidc.ConfigureAsync(new { user = hr with { groups = new[] { "Staff" } } });
        await page.WaitForURLAsync(u => u.Contains("/account/signin", StringComparison.Ordinal), new() { Timeout = 40_000 });

        // The next request re-reads the groups from userinfo: HR policies are gone, the handbook stays.
        await page.GotoAsync("/documents");
        await Infrastructure.Browser.WaitInteractiveAsync(page);
        var names = await OidcPortalFixture.VisibleCollectionsAsync(page);
        Assert.DoesNotContain(DemoData.HrPolicies, names);
        Assert.Contains(DemoData.Handbook, names);
        var search = await page.Context.APIRequest.GetAsync("/api/search?q=" + Uri.EscapeDataString("salary band"));
        Assert.Equal(200, search.Status);
        Assert.DoesNotContain(DemoData.HrPolicies, await search.TextAsync());

        // The account is disabled: the next re-read fails and the session ends (fail closed).
        await fixture.Oidc.ConfigureAsync(new { disabled = true });
        await Task.Delay(13_000);
        var refused = await page.Context.APIRequest.GetAsync("/api/search?q=handbook", new() { MaxRedirects = 0 });
        Assert.Equal(401, refused.Status);
        await fixture.Oidc.ConfigureAsync(new { disabled = false });
        await page.Context.CloseAsync();
    }
}
