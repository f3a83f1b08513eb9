using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Tests.Infrastructure;
using KnowledgePortal.Web.Auth;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Tests.Scim;

/// <summary>
/// The real portal binary (Development sign-in) with a provisioning token, over a database where the HR portal group is
/// mapped from the directory group "grp-hr-oid". "scimperson" is a demo user whose subject the directory's object id
/// matches, so the same person has a session, a personal token and provisioned memberships.
/// </summary>
public sealed class ScimPortalFixture : IAsyncLifetime
{
    public const string ScimToken = "scim-test-secret-0123456789abcdef";
    public const string HrGroupObjectId = "grp-hr-oid";
    public const string Person = "scimperson";

    public TestServices Services { get; private set; } = null!;
    public PortalProcess Portal { get; private set; } = null!;
    public int HrGroupId { get; private set; }

    public async Task InitializeAsync()
    {
        Services = await TestServices.StartAsync("scim");
        await using (var db = Services.Db.CreateContext())
        {
            var hr = await db.Groups.SingleAsync(g => g.Name == "HR");
            HrGroupId = hr.Id;
            db.GroupMappings.Add(new GroupMapping { GroupId = hr.Id, Kind = GroupMappingKind.ExternalGroup, Value = HrGroupObjectId });
            await db.SaveChangesAsync();
        }
        Portal = await PortalProcess.StartAsync(Services.Db.ConnectionString, new Dictionary<string, string>
        {
            ["Scim__Token"] = ScimToken,
            ["Authentication__DevelopmentUsers__0__UserName"] = Person,
            ["Authentication__DevelopmentUsers__0__Groups__0"] = "Staff",
        });
    }

    public async Task DisposeAsync()
    {
        await Portal.DisposeAsync();
        await Services.DisposeAsync();
    }

    public HttpClient Scim(string token = ScimToken)
    {
        var http = Portal.BearerClient(token);
        http.BaseAddress = new Uri(Portal.BaseUrl + "/scim/v2/");
        return http;
    }

    /// <summary>What a request of this person resolves to with no groups claim at all: only provisioned memberships can give HR.</summary>
    public Task<UserAccess> AccessAsync() =>
        Services.Get<AccessResolver>().ResolveAsync(new ExternalIdentity("dev:" + Person, Person, Person, null, [], []));
}

/// <summary>Entra ID's provisioning request sequences replayed against the running portal, and the person's access after each.</summary>
[Trait(TestTier.Name, TestTier.Db)]
public class ScimProvisioningTests(ScimPortalFixture fixture) : IClassFixture<ScimPortalFixture>
{
    private static StringContent Scim(string json) => new(json, Encoding.UTF8, "application/scim+json");

    private static async Task<JsonNode> JsonAsync(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    [Fact]
    public async Task EntraSequence_CreateAddRemoveDeactivate_AccessFollowsEachStep()
    {
        using var session = await fixture.Portal.SignInAsync(ScimPortalFixture.Person);
        var (token, _) = await PortalProcess.CreateTokenAsync(session, ["search", "ask"]);
        using var bearer = fixture.Portal.BearerClient(token);
        using var scim = fixture.Scim();
        const string upn = "scimperson@contoso.com";

        // Entra looks the user up first, then creates it.
        var lookup = await scim.GetAsync($"Users?filter={Uri.EscapeDataString($"userName eq \"{upn}\"")}");
        Assert.Equal(HttpStatusCode.OK, lookup.StatusCode);
        Assert.Equal("application/scim+json", lookup.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, (int)(await JsonAsync(lookup))["totalResults"]!);
        var created = await scim.PostAsync("Users", Scim($$"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
             "externalId":"dev:{{ScimPortalFixture.Person}}","userName":"{{upn}}","active":true,"displayName":"SCIM Person",
             "emails":[{"primary":true,"type":"work","value":"{{upn}}"}],"name":{"givenName":"SCIM","familyName":"Person"} }
            """));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var userId = (string)(await JsonAsync(created))["id"]!;
        Assert.Equal(HttpStatusCode.Conflict, (await scim.PostAsync("Users", Scim($$"""{"userName":"{{upn}}","externalId":"other"}"""))).StatusCode);
        var byExternalId = await JsonAsync(await scim.GetAsync($"Users?filter={Uri.EscapeDataString($"externalId eq \"dev:{ScimPortalFixture.Person}\"")}"));
        Assert.Equal(userId, (string)byExternalId["Resources"]![0]!["id"]!);
        Assert.DoesNotContain(fixture.HrGroupId, (await fixture.AccessAsync()).GroupIds);

        // Group: looked up by displayName, created without members, then members added by PATCH.
        var groupLookup = await JsonAsync(await scim.GetAsync($"Groups?excludedAttributes=members&filter={Uri.EscapeDataString("displayName eq \"HR readers\"")}"));
        Assert.Equal(0, (int)groupLookup["totalResults"]!);
        var group = await scim.PostAsync("Groups", Scim($$"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"externalId":"{{ScimPortalFixture.HrGroupObjectId}}","displayName":"HR readers","members":[]}
            """));
        Assert.Equal(HttpStatusCode.Created, group.StatusCode);
        var groupId = (string)(await JsonAsync(group))["id"]!;
        var add = await scim.PatchAsync($"Groups/{groupId}", Scim($$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"members","value":[{"value":"{{userId}}"}]}]}
            """));
        Assert.Equal(HttpStatusCode.NoContent, add.StatusCode);

        // No sign-in needed: the provisioned membership counts at once, for the session's resolution and the token's.
        Assert.Contains(fixture.HrGroupId, (await fixture.AccessAsync()).GroupIds);
        Assert.Contains(fixture.HrGroupId, (await TokenAccessAsync(token))!.GroupIds);
        var members = (await JsonAsync(await scim.GetAsync($"Groups/{groupId}")))["members"]!.AsArray();
        Assert.Equal(userId, (string)Assert.Single(members)!["value"]!);

        var remove = await scim.PatchAsync($"Groups/{groupId}", Scim($$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Remove","path":"members[value eq \"{{userId}}\"]"}]}
            """));
        Assert.Equal(HttpStatusCode.NoContent, remove.StatusCode);
        Assert.DoesNotContain(fixture.HrGroupId, (await fixture.AccessAsync()).GroupIds);
        Assert.DoesNotContain(fixture.HrGroupId, (await TokenAccessAsync(token))!.GroupIds);

        // Before deactivation the token and the session work.
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("/api/sessions")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/api/sessions")).StatusCode);
        var deactivate = await scim.PatchAsync($"Users/{userId}", Scim("""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}
            """));
        Assert.Equal(HttpStatusCode.OK, deactivate.StatusCode);
        Assert.False((bool)(await JsonAsync(deactivate))["active"]!);

        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync("/api/sessions")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await session.GetAsync("/api/sessions")).StatusCode);
        Assert.Empty((await fixture.AccessAsync()).GroupIds);
        await Assert.ThrowsAnyAsync<Exception>(() => fixture.Portal.SignInAsync(ScimPortalFixture.Person)); // no new session either

        await using var db = fixture.Services.Db.CreateContext();
        var actions = await db.AuditEvents.Where(e => e.Actor == Provisioning.Actor).Select(e => e.Action).ToListAsync();
        Assert.Contains("scim-user-create", actions);
        Assert.Contains("scim-group-create", actions);
        Assert.Equal(2, actions.Count(a => a == "scim-group-update"));
        Assert.Contains("scim-user-deactivate", actions);
    }

    [Fact]
    public async Task Scim_WrongOrMissingToken_Unauthorized()
    {
        using var wrong = fixture.Scim("not-the-token");
        var response = await wrong.GetAsync("Users");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = await JsonAsync(response);
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:Error", (string)error["schemas"]![0]!);
        Assert.Equal("401", (string)error["status"]!);

        using var none = new HttpClient { BaseAddress = new Uri(fixture.Portal.BaseUrl) };
        Assert.Equal(HttpStatusCode.Unauthorized, (await none.GetAsync("/scim/v2/Groups")).StatusCode);
    }

    [Fact]
    public async Task Scim_OtherSchemesCredentials_NotAcceptedEitherWay()
    {
        // A signed-in session and a personal token do not reach /scim; the provisioning token does not reach /api.
        using var session = await fixture.Portal.SignInAsync("staff");
        Assert.Equal(HttpStatusCode.Unauthorized, (await session.GetAsync("/scim/v2/Users")).StatusCode);
        var (token, _) = await PortalProcess.CreateTokenAsync(session, ["search"]);
        using var personal = fixture.Portal.BearerClient(token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await personal.GetAsync("/scim/v2/Users")).StatusCode);
        using var provisioning = fixture.Portal.BearerClient(ScimPortalFixture.ScimToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await provisioning.GetAsync("/api/sessions")).StatusCode);
    }

    [Fact]
    public async Task Scim_DiscoveryAndErrors_AreScim()
    {
        using var scim = fixture.Scim();
        Assert.True((bool)(await JsonAsync(await scim.GetAsync("ServiceProviderConfig")))["patch"]!["supported"]!);
        Assert.Equal(2, (int)(await JsonAsync(await scim.GetAsync("ResourceTypes")))["totalResults"]!);
        Assert.Equal(2, (int)(await JsonAsync(await scim.GetAsync("Schemas")))["totalResults"]!);
        var missing = await scim.GetAsync("Users/999999");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("404", (string)(await JsonAsync(missing))["status"]!);
        var badFilter = await scim.GetAsync($"Users?filter={Uri.EscapeDataString("userName sw \"a\"")}");
        Assert.Equal(HttpStatusCode.BadRequest, badFilter.StatusCode);
        Assert.Equal("invalidFilter", (string)(await JsonAsync(badFilter))["scimType"]!);
    }

    [Fact]
    public async Task DeleteUser_ProvisionedMember_DeactivatedAndGone()
    {
        using var scim = fixture.Scim();
        var created = await JsonAsync(await scim.PostAsync("Users", Scim("""{"externalId":"oid-delete-me","userName":"gone@contoso.com"}""")));
        var id = (string)created["id"]!;
        var group = await JsonAsync(await scim.PostAsync("Groups", Scim($$"""{"displayName":"Delete test","externalId":"grp-delete","members":[{"value":"{{id}}"}]}""")));
        Assert.Single(group["members"]!.AsArray());

        Assert.Equal(HttpStatusCode.NoContent, (await scim.DeleteAsync($"Users/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await scim.GetAsync($"Users/{id}")).StatusCode);
        Assert.Empty((await JsonAsync(await scim.GetAsync($"Groups/{(string)group["id"]!}")))["members"]!.AsArray());
        Assert.True(await fixture.Services.Get<Provisioning>().IsDeactivatedAsync("oid-delete-me"));
    }

    [Fact]
    public async Task GroupDetails_MappedProvisionedGroup_ListsProvisionedMembers()
    {
        int staffId;
        await using (var db = fixture.Services.Db.CreateContext())
        {
            staffId = await db.Groups.Where(g => g.Name == "Staff").Select(g => g.Id).SingleAsync();
            db.GroupMappings.Add(new GroupMapping { GroupId = staffId, Kind = GroupMappingKind.ExternalGroup, Value = "grp-staff-oid" });
            await db.SaveChangesAsync();
        }
        using var scim = fixture.Scim();
        var id = (string)(await JsonAsync(await scim.PostAsync("Users", Scim("""{"externalId":"oid-panel","userName":"panel@contoso.com","displayName":"Panel Person"}"""))))["id"]!;
        await scim.PostAsync("Groups", Scim($$"""{"displayName":"All staff","externalId":"grp-staff-oid","members":[{"value":"{{id}}"}]}"""));

        var admin = new UserAccess("admin-test", "admin-test", "Admin", [], IsAdmin: true, IsKnowledgeManager: true, []);
        var details = await fixture.Services.Get<AccessAdministration>().GroupDetailsAsync(admin, staffId);
        var group = Assert.Single(details!.Provisioned);
        Assert.Equal("All staff", group.DisplayName);
        Assert.Equal("panel@contoso.com", Assert.Single(group.Members).UserName);
    }

    private async Task<UserAccess?> TokenAccessAsync(string token)
    {
        var check = await fixture.Services.Get<ApiTokens>().AuthenticateAsync(token, "GET", "/api/search");
        var signIn = new SignInOptions();
        return check.Holder is null ? null
            : await CurrentUser.ResolveAsync(ApiTokenPrincipal.For(check.Holder, signIn), fixture.Services.Get<AccessResolver>(), signIn);
    }
}
