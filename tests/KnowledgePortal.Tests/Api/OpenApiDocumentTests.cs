using System.Text.Json;
using KnowledgePortal.Tests.Infrastructure;

namespace KnowledgePortal.Tests.Api;

/// <summary>The running portal's /openapi/v1.json describes every endpoint by its types (issue 13, item 7).</summary>
[Collection("portal")]
[Trait(TestTier.Name, TestTier.Browser)]
public class OpenApiDocumentTests(PortalFixture fixture)
{
    private static readonly string[] ApiOperations =
        ["Search", "Ask", "ListSessions", "GetSession", "DeleteSession", "RateAnswer", "GetSource", "DownloadDocument",
         "ListTokens", "CreateToken", "RevokeToken", "ListAllTokens"];

    private static readonly string[] CsvExports =
        ["/admin/audit.csv", "/admin/insights/ledger.csv", "/quality/feedback.csv", "/quality/unanswered.csv", "/admin/lab/runs/{id}/export.csv"];

    private async Task<JsonElement> DocumentAsync()
    {
        using var http = await fixture.Portal.SignInAsync("admin");
        return JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json")).RootElement.Clone();
    }

    private static IEnumerable<(string Path, string Method, JsonElement Operation)> Operations(JsonElement doc) =>
        doc.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject()
            .Where(o => o.Name is "get" or "post" or "put" or "delete" or "patch")
            .Select(o => (p.Name, o.Name, o.Value)));

    /// <summary>A schema that says something: a type, a reference to a non-empty component, or a union of such.</summary>
    private static bool Describes(JsonElement doc, JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object || !schema.EnumerateObject().Any()) return false;
        if (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!.Split('/').Last();
            return doc.GetProperty("components").GetProperty("schemas").TryGetProperty(name, out var target) && Describes(doc, target);
        }
        foreach (var union in new[] { "anyOf", "oneOf", "allOf" })
            if (schema.TryGetProperty(union, out var parts)) return parts.EnumerateArray().Any() && parts.EnumerateArray().All(p => Describes(doc, p));
        return schema.TryGetProperty("type", out _) || schema.TryGetProperty("properties", out _);
    }

    private static IEnumerable<JsonElement> Schemas(JsonElement content) =>
        content.EnumerateObject().Select(m => m.Value.TryGetProperty("schema", out var s) ? s : default);

    [Fact]
    public async Task OpenApi_EveryApiRoute_DocumentsSuccessSchemaAndRequestBody()
    {
        var doc = await DocumentAsync();
        var api = Operations(doc).Where(o => o.Path.StartsWith("/api/", StringComparison.Ordinal)).ToList();
        Assert.Equal(ApiOperations.Order(), api.Select(o => o.Operation.GetProperty("operationId").GetString()).Order());
        foreach (var (path, method, operation) in api)
        {
            var where = $"{method.ToUpperInvariant()} {path}";
            var responses = operation.GetProperty("responses");
            Assert.True(responses.EnumerateObject().Any(r => r.Name.StartsWith('2')), $"{where}: no success response");
            if (responses.TryGetProperty("200", out var ok))
            {
                Assert.True(ok.TryGetProperty("content", out var content), $"{where}: 200 has no content");
                Assert.All(Schemas(content), s => Assert.True(Describes(doc, s), $"{where}: 200 schema is empty"));
            }
            if (method is "post" or "put" or "patch")
            {
                Assert.True(operation.TryGetProperty("requestBody", out var body), $"{where}: request body not described");
                Assert.All(Schemas(body.GetProperty("content")), s => Assert.True(Describes(doc, s), $"{where}: request schema is empty"));
            }
            // The caller is bound from the principal (Caller.BindAsync), never a query parameter.
            if (operation.TryGetProperty("parameters", out var parameters))
                Assert.DoesNotContain(parameters.EnumerateArray(), p => p.GetProperty("name").GetString()!.Equals("caller", StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task OpenApi_ErrorStatuses_DocumentedWithTheErrorBody()
    {
        var doc = await DocumentAsync();
        var ask = Operations(doc).Single(o => o.Path == "/api/ask").Operation.GetProperty("responses");
        foreach (var status in new[] { "400", "413", "415", "429" })
            Assert.True(Describes(doc, Schemas(ask.GetProperty(status).GetProperty("content")).Single()), $"ask {status}");
        Assert.Contains("200", ask.EnumerateObject().Select(r => r.Name));
        Assert.True(ask.GetProperty("200").GetProperty("content").TryGetProperty("text/event-stream", out _));
        var session = Operations(doc).Single(o => o.Path == "/api/sessions/{id}" && o.Method == "get").Operation.GetProperty("responses");
        Assert.True(session.TryGetProperty("404", out _));
        var rate = Operations(doc).Single(o => o.Path == "/api/messages/{id}/feedback").Operation.GetProperty("responses");
        Assert.Equal(["204", "400", "404"], rate.EnumerateObject().Select(r => r.Name).Where(n => n != "401" && n != "403").Order());
    }

    [Fact]
    public async Task OpenApi_SearchResponse_KeepsTheJsonFieldNames()
    {
        var doc = await DocumentAsync();
        var schemas = doc.GetProperty("components").GetProperty("schemas");
        Assert.Equal(["answerable", "results"], schemas.GetProperty("SearchResponse").GetProperty("properties").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["chunkId", "documentId", "title", "fileName", "collection", "locator", "page", "slide", "sheet", "cellRange", "headingPath", "score", "text"],
            schemas.GetProperty("SearchHitDto").GetProperty("properties").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["error"], schemas.GetProperty("ErrorResponse").GetProperty("properties").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task OpenApi_TokenEndpoints_DescribeRequestAndTokenShapes()
    {
        var doc = await DocumentAsync();
        var operations = Operations(doc).ToList();
        var create = operations.Single(o => o.Path == "/api/tokens" && o.Method == "post").Operation;
        Assert.True(create.GetProperty("responses").TryGetProperty("201", out _));
        Assert.True(create.GetProperty("responses").TryGetProperty("400", out _));
        Assert.True(operations.Single(o => o.Path == "/api/tokens/{id}" && o.Method == "delete").Operation.GetProperty("responses").TryGetProperty("204", out _));
        var schemas = doc.GetProperty("components").GetProperty("schemas");
        Assert.Equal(["name", "scopes", "days"], schemas.GetProperty("CreateTokenRequest").GetProperty("properties").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["token", "details"], schemas.GetProperty("CreatedTokenDto").GetProperty("properties").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["id", "name", "prefix", "scopes", "createdAt", "expiresAt", "lastUsedAt", "revokedAt", "revokedBy", "owner", "status"],
            schemas.GetProperty("ApiTokenDto").GetProperty("properties").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task OpenApi_Exports_DocumentedAsFiles()
    {
        var doc = await DocumentAsync();
        var operations = Operations(doc).ToList();
        foreach (var path in CsvExports)
        {
            var ok = operations.Single(o => o.Path == path).Operation.GetProperty("responses").GetProperty("200");
            Assert.True(ok.GetProperty("content").TryGetProperty("text/csv", out var csv), path);
            Assert.True(Describes(doc, csv.GetProperty("schema")), path);
        }
        var json = operations.Single(o => o.Path == "/admin/lab/runs/{id}/export.json").Operation.GetProperty("responses").GetProperty("200");
        Assert.True(Describes(doc, json.GetProperty("content").GetProperty("application/json").GetProperty("schema")));
    }
}
