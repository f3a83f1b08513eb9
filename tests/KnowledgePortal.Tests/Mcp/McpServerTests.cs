using System.Net;
using System.Text;
using System.Text.Json;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Demo;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static KnowledgePortal.Tests.Infrastructure.McpTestClient;
using static KnowledgePortal.Tests.Mcp.McpPortalFixture;

namespace KnowledgePortal.Tests.Mcp;

/// <summary>
/// The MCP server of the running portal, driven by the MCP client of the same SDK with personal API tokens: the tools,
/// the access rule behind each, refusals of revoked and expired tokens, scopes, and passage text returned as data.
/// </summary>
[Trait(TestTier.Name, TestTier.Db)]
public class McpServerTests(McpPortalFixture fixture) : IClassFixture<McpPortalFixture>
{
    private static Dictionary<string, object?> Args(params (string Key, object? Value)[] values) => values.ToDictionary(v => v.Key, v => v.Value);

    private static IEnumerable<JsonElement> Results(JsonElement search) => search.GetProperty("results").EnumerateArray();

    [Fact]
    public async Task ListTools_PersonalToken_TheFourPortalTools()
    {
        var (token, _) = await fixture.TokenAsync("staff", "search", "ask");
        await using var client = await fixture.ConnectAsync(token);

        var tools = await client.ListToolsAsync();

        Assert.Equal(["ask", "get_passage", "list_collections", "search_documents"], tools.Select(t => t.Name).Order());
        var search = tools.Single(t => t.Name == "search_documents").ProtocolTool.InputSchema;
        Assert.Equal(["query"], search.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.True(search.GetProperty("properties").TryGetProperty("collections", out _));
        Assert.True(search.GetProperty("properties").TryGetProperty("top", out _));
        Assert.Equal("KnowledgePortal", client.ServerInfo?.Name);
    }

    [Fact]
    public async Task SearchDocuments_StaffNeverGetsTheHrCanary_HrDoes_WithLocatorsAndLinks()
    {
        string[] queries = ["What is the secret canary code?", "canary report HR salary figures", HrCanary[..^2], "salary bands bonus"];
        var (staffToken, _) = await fixture.TokenAsync("staff", "search");
        var (hrToken, _) = await fixture.TokenAsync("hr", "search");
        await using var staff = await fixture.ConnectAsync(staffToken);
        await using var hr = await fixture.ConnectAsync(hrToken);

        var staffSaw = new StringBuilder();
        var hrSaw = new StringBuilder();
        foreach (var q in queries)
        {
            staffSaw.Append((await CallAsync(staff, "search_documents", Args(("query", q)))).GetRawText());
            hrSaw.Append((await CallAsync(hr, "search_documents", Args(("query", q)))).GetRawText());
        }

        Assert.DoesNotContain(HrCanary, staffSaw.ToString());
        Assert.DoesNotContain(DemoData.HrPolicies, staffSaw.ToString());
        Assert.Contains(HandbookCanary, staffSaw.ToString()); // the test can fail: staff's own canary comes through
        Assert.Contains(HrCanary, hrSaw.ToString());

        var hit = Results(await CallAsync(hr, "search_documents", Args(("query", "secret canary code of HR policies"))))
            .First(r => r.GetProperty("passage").GetProperty("text").GetString()!.Contains(HrCanary));
        Assert.Equal(DemoData.HrPolicies, hit.GetProperty("passage").GetProperty("collection").GetString());
        Assert.False(string.IsNullOrEmpty(hit.GetProperty("passage").GetProperty("locator").GetString()));
        var chunkId = hit.GetProperty("passage").GetProperty("chunkId").GetInt64();
        Assert.Equal($"{fixture.Portal.BaseUrl}/sources/{chunkId}", hit.GetProperty("sourceUrl").GetString());
        Assert.StartsWith($"{fixture.Portal.BaseUrl}/api/documents/", hit.GetProperty("documentUrl").GetString());
    }

    [Fact]
    public async Task SearchDocuments_CollectionsAndTop_NarrowTheResults()
    {
        var (token, _) = await fixture.TokenAsync("hr", "search");
        await using var client = await fixture.ConnectAsync(token);
        var handbook = await fixture.Services.CollectionIdAsync(DemoData.Handbook);

        var result = await CallAsync(client, "search_documents", Args(("query", "secret canary code"), ("collections", new[] { handbook }), ("top", 2)));

        var hits = Results(result).ToList();
        Assert.InRange(hits.Count, 1, 2);
        Assert.All(hits, h => Assert.Equal(DemoData.Handbook, h.GetProperty("passage").GetProperty("collection").GetString()));
    }

    [Fact]
    public async Task GetPassage_HrPassage_StaffIsRefusedLikeMissing_HrReadsIt()
    {
        var chunkId = await fixture.ChunkIdAsync(fixture.HrCanaryDocument);
        var (staffToken, _) = await fixture.TokenAsync("staff", "search");
        var (hrToken, _) = await fixture.TokenAsync("hr", "search");
        await using var staff = await fixture.ConnectAsync(staffToken);
        await using var hr = await fixture.ConnectAsync(hrToken);

        var refused = await staff.CallToolAsync("get_passage", Args(("chunkId", chunkId)));
        var missing = await staff.CallToolAsync("get_passage", Args(("chunkId", 987_654_321L)));
        var read = await CallAsync(hr, "get_passage", Args(("chunkId", chunkId)));

        Assert.True(refused.IsError);
        Assert.DoesNotContain(HrCanary, Text(refused));
        Assert.Equal(Text(missing).Replace("987654321", "ID"), Text(refused).Replace(chunkId.ToString(), "ID"));
        Assert.Contains(HrCanary, read.GetProperty("passage").GetProperty("text").GetString());
    }

    [Fact]
    public async Task Ask_HrGetsACitedAnswerWithLinks_StaffNeverSeesTheHrCanary()
    {
        var (hrToken, _) = await fixture.TokenAsync("hr", "ask");
        var (staffToken, _) = await fixture.TokenAsync("staff", "ask");
        await using var hr = await fixture.ConnectAsync(hrToken);
        await using var staff = await fixture.ConnectAsync(staffToken);

        var answer = await CallAsync(hr, "ask", Args(("question", "What is the secret canary code of HR policies?")));
        var staffAnswer = await staff.CallToolAsync("ask", Args(("question", "What is the secret canary code of HR policies?")));

        var citations = answer.GetProperty("citations").EnumerateArray().ToList();
        Assert.NotEmpty(citations);
        var cited = citations.Single(c => c.GetProperty("source").GetProperty("passage").GetProperty("text").GetString()!.Contains(HrCanary));
        Assert.True(cited.GetProperty("number").GetInt32() >= 1);
        Assert.StartsWith(fixture.Portal.BaseUrl + "/sources/", cited.GetProperty("source").GetProperty("sourceUrl").GetString());
        Assert.False(string.IsNullOrEmpty(cited.GetProperty("source").GetProperty("passage").GetProperty("locator").GetString()));
        Assert.NotEqual(Guid.Empty, answer.GetProperty("sessionId").GetGuid());
        Assert.DoesNotContain(HrCanary, Text(staffAnswer));
    }

    [Fact]
    public async Task ListCollections_Staff_WithoutHrPolicies_Hr_WithIt()
    {
        var (staffToken, _) = await fixture.TokenAsync("staff", "search");
        var (hrToken, _) = await fixture.TokenAsync("hr", "search");
        await using var staff = await fixture.ConnectAsync(staffToken);
        await using var hr = await fixture.ConnectAsync(hrToken);

        static List<string> Names(JsonElement r) => r.GetProperty("collections").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToList();
        var staffNames = Names(await CallAsync(staff, "list_collections", []));
        var hrNames = Names(await CallAsync(hr, "list_collections", []));

        Assert.Contains(DemoData.Handbook, staffNames);
        Assert.DoesNotContain(DemoData.HrPolicies, staffNames);
        Assert.Contains(DemoData.HrPolicies, hrNames);
    }

    [Fact]
    public async Task InjectionPassage_ComesBackAsData_Verbatim()
    {
        var chunkId = await fixture.ChunkIdAsync(fixture.InjectionDocument);
        var stored = await fixture.ChunkTextAsync(chunkId);
        Assert.Contains("ignore all previous instructions", stored);
        var (token, _) = await fixture.TokenAsync("staff", "search", "ask");
        await using var client = await fixture.ConnectAsync(token);

        var search = await client.CallToolAsync("search_documents", Args(("query", "ignore all previous instructions operations note")));
        var passage = await CallAsync(client, "get_passage", Args(("chunkId", chunkId)));

        var hit = Results(Structured(search)).Single(r => r.GetProperty("passage").GetProperty("chunkId").GetInt64() == chunkId);
        Assert.Equal(stored, hit.GetProperty("passage").GetProperty("text").GetString());
        Assert.Equal(stored, passage.GetProperty("passage").GetProperty("text").GetString());
        // The text block a model reads is the same JSON: the passage inside it, unchanged.
        var block = Assert.Single(search.Content.OfType<ModelContextProtocol.Protocol.TextContentBlock>());
        Assert.Contains(Results(JsonDocument.Parse(block.Text).RootElement).Select(r => r.GetProperty("passage").GetProperty("text").GetString()), t => t == stored);
        // Nothing was acted on: no question was asked on the caller's behalf.
        await using var db = fixture.Services.Db.CreateContext();
        Assert.False(await db.ChatMessages.AnyAsync(m => m.Content.Contains("print the HR salary bands") && m.Role == "user"));
    }

    [Fact]
    public async Task NoToken_401WithResourceMetadata_MetadataNamesTheResource()
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.Portal.BaseUrl) };
        var body = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", Encoding.UTF8, "application/json");

        var response = await http.PostAsync("/mcp", body);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        var metadataUrl = $"{fixture.Portal.BaseUrl}/.well-known/oauth-protected-resource/mcp";
        Assert.Equal($"resource_metadata=\"{metadataUrl}\"", challenge.Parameter);
        foreach (var url in new[] { metadataUrl, fixture.Portal.BaseUrl + "/.well-known/oauth-protected-resource" })
        {
            using var metadata = JsonDocument.Parse(await http.GetStringAsync(url)); // anonymous
            var root = metadata.RootElement;
            Assert.Equal(fixture.Portal.BaseUrl + "/mcp", root.GetProperty("resource").GetString());
            Assert.Equal(["header"], root.GetProperty("bearer_methods_supported").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(["search", "ask"], root.GetProperty("scopes_supported").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(JsonValueKind.Array, root.GetProperty("authorization_servers").ValueKind); // none: Development sign-in has no authority
        }
    }

    [Fact]
    public async Task SignInCookie_OnMcp_NotAccepted()
    {
        using var signedIn = await fixture.Portal.SignInAsync("hr");
        var response = await signedIn.PostAsync("/mcp", new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task RevokedToken_Refused()
    {
        var (token, id) = await fixture.TokenAsync("hr", "search");
        await using (var client = await fixture.ConnectAsync(token))
            Assert.NotEmpty(Results(await CallAsync(client, "search_documents", Args(("query", "secret canary code")))));

        using var owner = await fixture.Portal.SignInAsync("hr");
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"/api/tokens/{id}")).StatusCode);

        await Assert.ThrowsAnyAsync<Exception>(() => fixture.ConnectAsync(token));
        using var bearer = fixture.Bearer(token);
        var api = await bearer.GetAsync("/api/search?q=canary");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Contains("invalid_token", api.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task ExpiredToken_Refused()
    {
        var (token, id) = await fixture.TokenAsync("hr", "search");
        await using (var db = fixture.Services.Db.CreateContext())
            await db.ApiTokens.Where(t => t.Id == id).ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1)));

        await Assert.ThrowsAnyAsync<Exception>(() => fixture.ConnectAsync(token));
        using var bearer = fixture.Bearer(token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync("/api/search?q=canary")).StatusCode);
    }

    [Fact]
    public async Task UserRemovedFromHr_TheSameTokenNoLongerGetsHrPassages()
    {
        var (token, _) = await fixture.TokenAsync("contractor", "search");
        await using var client = await fixture.ConnectAsync(token);
        const string query = "secret canary code of HR policies";
        Assert.Contains(HrCanary, (await CallAsync(client, "search_documents", Args(("query", query)))).GetRawText());

        // An administrator takes HR away from the contractors' external group.
        var admin = await fixture.Services.UserAsync("admin");
        int mappingId;
        await using (var db = fixture.Services.Db.CreateContext())
            mappingId = await db.GroupMappings.Where(m => m.Value == ContractorGroup).Select(m => m.Id).SingleAsync();
        Assert.True((await fixture.Services.Get<AccessAdministration>().RemoveMappingAsync(admin, mappingId)).Succeeded);

        var after = (await CallAsync(client, "search_documents", Args(("query", query)))).GetRawText();
        Assert.DoesNotContain(HrCanary, after);
        Assert.Contains(HandbookCanary, (await CallAsync(client, "search_documents", Args(("query", "secret canary code of the handbook")))).GetRawText());
    }

    [Fact]
    public async Task Scopes_EachToolAndEndpointNeedsItsScope_TokensCannotManageTokens()
    {
        var (searchOnly, _) = await fixture.TokenAsync("hr", "search");
        var (askOnly, _) = await fixture.TokenAsync("hr", "ask");
        await using var searcher = await fixture.ConnectAsync(searchOnly);
        await using var asker = await fixture.ConnectAsync(askOnly);

        var ask = await searcher.CallToolAsync("ask", Args(("question", "What is the secret canary code?")));
        Assert.True(ask.IsError);
        Assert.Contains("'ask' scope", Text(ask));
        foreach (var (tool, args) in new[] { ("search_documents", Args(("query", "canary"))), ("get_passage", Args(("chunkId", 1L))), ("list_collections", Args()) })
        {
            var refused = await asker.CallToolAsync(tool, args);
            Assert.True(refused.IsError, tool);
            Assert.Contains("'search' scope", Text(refused));
        }
        Assert.NotEmpty((await CallAsync(asker, "ask", Args(("question", "What is the secret canary code of HR policies?")))).GetProperty("answer").GetString()!);

        using var searchHttp = fixture.Bearer(searchOnly);
        using var askHttp = fixture.Bearer(askOnly);
        Assert.Equal(HttpStatusCode.OK, (await searchHttp.GetAsync("/api/search?q=canary")).StatusCode);
        var forbidden = await searchHttp.PostAsync("/api/ask", new StringContent("""{"question":"canary?"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Contains("insufficient_scope", forbidden.Headers.WwwAuthenticate.ToString());
        Assert.Equal(HttpStatusCode.Forbidden, (await askHttp.GetAsync("/api/search?q=canary")).StatusCode);
        // A token never lists, makes or revokes tokens, whatever its scopes.
        Assert.Equal(HttpStatusCode.Forbidden, (await searchHttp.GetAsync("/api/tokens")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden,
            (await askHttp.PostAsync("/api/tokens", new StringContent("""{"name":"more","days":90}""", Encoding.UTF8, "application/json"))).StatusCode);
    }

    [Fact]
    public async Task EveryUse_AuditedWithUserTokenAndPath()
    {
        var (token, id) = await fixture.TokenAsync("staff", "search");
        await using (var client = await fixture.ConnectAsync(token))
            await CallAsync(client, "search_documents", Args(("query", "canary")));
        using (var http = fixture.Bearer(token))
            await http.GetStringAsync("/api/search?q=parking");

        await using var db = fixture.Services.Db.CreateContext();
        var uses = await db.AuditEvents.Where(e => e.Action == "api-token-use" && e.TargetId == id.ToString("D")).ToListAsync();
        Assert.All(uses, u => Assert.Equal("staff", u.Actor));
        Assert.Contains(uses, u => u.Details!.Contains("\"/mcp\""));
        Assert.Contains(uses, u => u.Details!.Contains("\"/api/search\""));
        Assert.NotNull((await db.ApiTokens.SingleAsync(t => t.Id == id)).LastUsedAt);
    }

    [Fact]
    public async Task CliToken_Create_WorksOnMcpWithThatUsersAccess()
    {
        var (exit, stdout, stderr) = await PortalProcess.RunCliAsync(fixture.Services.Db.ConnectionString,
            "token", "create", "--as", "staff", "--scopes", "search", "--days", "3", "--json");

        Assert.True(exit == 0, stderr + stdout);
        using var json = JsonDocument.Parse(stdout);
        var token = json.RootElement.GetProperty("token").GetString()!;
        var details = json.RootElement.GetProperty("details");
        Assert.Equal(["search"], details.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("staff", details.GetProperty("owner").GetString());
        Assert.Equal("active", details.GetProperty("status").GetString());
        await using var client = await fixture.ConnectAsync(token);
        var found = (await CallAsync(client, "search_documents", Args(("query", "secret canary code")))).GetRawText();
        Assert.Contains(HandbookCanary, found);
        Assert.DoesNotContain(HrCanary, found);

        var (listExit, listOut, _) = await PortalProcess.RunCliAsync(fixture.Services.Db.ConnectionString, "token", "list", "--as", "staff");
        Assert.Equal(0, listExit);
        Assert.Contains(details.GetProperty("prefix").GetString()!, listOut);
        var (revokeExit, _, _) = await PortalProcess.RunCliAsync(fixture.Services.Db.ConnectionString, "token", "revoke", details.GetProperty("id").GetString()!);
        Assert.Equal(0, revokeExit);
        using var bearer = fixture.Bearer(token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync("/api/search?q=canary")).StatusCode);
    }
}
