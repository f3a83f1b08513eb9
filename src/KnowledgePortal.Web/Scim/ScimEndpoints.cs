using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Web.Auth;

namespace KnowledgePortal.Web.Scim;

/// <summary>
/// /scim/v2: SCIM 2.0 Users and Groups for Entra ID provisioning, over <see cref="Provisioning"/>, authenticated by the
/// provisioning token only (<see cref="ScimAuthenticationHandler"/>). Bodies are application/scim+json; refusals are
/// SCIM error bodies. Kept out of the OpenAPI description (a protocol of its own, described by its own discovery endpoints).
/// </summary>
public static class ScimEndpoints
{
    private const int MaxPage = 100;

    public static IEndpointRouteBuilder MapScimEndpoints(this IEndpointRouteBuilder app)
    {
        var scim = app.MapGroup("/scim/v2").RequireAuthorization(Policies.Scim).DisableAntiforgery().ExcludeFromDescription()
            .AddEndpointFilter(async (context, next) =>
            {
                try { return await next(context); }
                catch (ScimException e) { return ScimResources.Result(ScimResources.Error(e.Status, e.ScimType, e.Message), e.Status); }
                catch (JsonException) { return ScimResources.Result(ScimResources.Error(400, "invalidSyntax", "The body is not valid JSON."), 400); }
            });
        scim.MapGet("/Users", ListUsersAsync).WithName("ScimListUsers");
        scim.MapGet("/Users/{id}", GetUserAsync).WithName("ScimGetUser");
        scim.MapPost("/Users", CreateUserAsync).WithName("ScimCreateUser");
        scim.MapPut("/Users/{id}", ReplaceUserAsync).WithName("ScimReplaceUser");
        scim.MapPatch("/Users/{id}", PatchUserAsync).WithName("ScimPatchUser");
        scim.MapDelete("/Users/{id}", DeleteUserAsync).WithName("ScimDeleteUser");
        scim.MapGet("/Groups", ListGroupsAsync).WithName("ScimListGroups");
        scim.MapGet("/Groups/{id}", GetGroupAsync).WithName("ScimGetGroup");
        scim.MapPost("/Groups", CreateGroupAsync).WithName("ScimCreateGroup");
        scim.MapPut("/Groups/{id}", ReplaceGroupAsync).WithName("ScimReplaceGroup");
        scim.MapPatch("/Groups/{id}", PatchGroupAsync).WithName("ScimPatchGroup");
        scim.MapDelete("/Groups/{id}", DeleteGroupAsync).WithName("ScimDeleteGroup");
        scim.MapGet("/ServiceProviderConfig", ServiceProviderConfig).WithName("ScimServiceProviderConfig");
        scim.MapGet("/ResourceTypes", ResourceTypes).WithName("ScimResourceTypes");
        scim.MapGet("/Schemas", Schemas).WithName("ScimSchemas");
        return app;
    }

    // ---- users ----

    public static async Task<IResult> ListUsersAsync(HttpRequest request, Provisioning provisioning, string? filter, int? startIndex, int? count,
        CancellationToken ct)
    {
        var (attribute, value) = ScimFilter.Parse(filter, "userName", "externalId", "displayName");
        var start = Math.Max(1, startIndex ?? 1);
        var (page, total) = await provisioning.ListUsersAsync(attribute, value, start, Math.Clamp(count ?? MaxPage, 0, MaxPage), ct);
        return ScimResources.Result(ScimResources.List(page.Select(u => ScimResources.Write(u, BaseUrl(request))), total, start));
    }

    public static async Task<IResult> GetUserAsync(HttpRequest request, Provisioning provisioning, string id, CancellationToken ct) =>
        UserId(id) is { } uid && await provisioning.GetUserAsync(uid, ct) is { } user
            ? ScimResources.Result(ScimResources.Write(user, BaseUrl(request))) : NotFound("User", id);

    public static async Task<IResult> CreateUserAsync(HttpRequest request, Provisioning provisioning, CancellationToken ct)
    {
        var result = await provisioning.CreateUserAsync(ScimResources.ReadUser(await BodyAsync(request, ct)), ct);
        return UserResult(request, result, "", StatusCodes.Status201Created);
    }

    public static async Task<IResult> ReplaceUserAsync(HttpRequest request, Provisioning provisioning, string id, CancellationToken ct)
    {
        var data = ScimResources.ReadUser(await BodyAsync(request, ct));
        return UserId(id) is { } uid ? UserResult(request, await provisioning.ReplaceUserAsync(uid, data, ct), id) : NotFound("User", id);
    }

    public static async Task<IResult> PatchUserAsync(HttpRequest request, Provisioning provisioning, string id, CancellationToken ct)
    {
        var operations = ScimPatch.Parse(await BodyAsync(request, ct));
        if (UserId(id) is not { } uid || await provisioning.GetUserAsync(uid, ct) is not { } current) return NotFound("User", id);
        return UserResult(request, await provisioning.ReplaceUserAsync(uid, ScimPatch.ApplyToUser(current.Data, operations), ct), id);
    }

    public static async Task<IResult> DeleteUserAsync(Provisioning provisioning, string id, CancellationToken ct) =>
        UserId(id) is { } uid && await provisioning.DeleteUserAsync(uid, ct) ? Results.NoContent() : NotFound("User", id);

    // ---- groups ----

    public static async Task<IResult> ListGroupsAsync(HttpRequest request, Provisioning provisioning, string? filter, int? startIndex, int? count,
        string? excludedAttributes, CancellationToken ct)
    {
        var (attribute, value) = ScimFilter.Parse(filter, "displayName", "externalId");
        var start = Math.Max(1, startIndex ?? 1);
        var (page, total) = await provisioning.ListGroupsAsync(attribute, value, start, Math.Clamp(count ?? MaxPage, 0, MaxPage), ct);
        var members = !Excludes(excludedAttributes, "members");
        return ScimResources.Result(ScimResources.List(page.Select(g => ScimResources.Write(g, BaseUrl(request), members)), total, start));
    }

    public static async Task<IResult> GetGroupAsync(HttpRequest request, Provisioning provisioning, string id, string? excludedAttributes,
        CancellationToken ct) =>
        Guid.TryParse(id, out var gid) && await provisioning.GetGroupAsync(gid, ct) is { } group
            ? ScimResources.Result(ScimResources.Write(group, BaseUrl(request), !Excludes(excludedAttributes, "members"))) : NotFound("Group", id);

    public static async Task<IResult> CreateGroupAsync(HttpRequest request, Provisioning provisioning, CancellationToken ct) =>
        GroupResult(request, await provisioning.CreateGroupAsync(ScimResources.ReadGroup(await BodyAsync(request, ct)), ct), "",
            StatusCodes.Status201Created);

    public static async Task<IResult> ReplaceGroupAsync(HttpRequest request, Provisioning provisioning, string id, CancellationToken ct)
    {
        var data = ScimResources.ReadGroup(await BodyAsync(request, ct));
        if (!Guid.TryParse(id, out var gid)) return NotFound("Group", id);
        var change = new ProvisionedGroupChange(data.DisplayName, data.ExternalId, data.Members, [], [], false);
        return GroupResult(request, await provisioning.ChangeGroupAsync(gid, change, ct), id);
    }

    /// <summary>Entra accepts 204 for a group PATCH, which spares reading back a large member list.</summary>
    public static async Task<IResult> PatchGroupAsync(HttpRequest request, Provisioning provisioning, string id, CancellationToken ct)
    {
        var change = ScimPatch.ToGroupChange(ScimPatch.Parse(await BodyAsync(request, ct)));
        if (!Guid.TryParse(id, out var gid)) return NotFound("Group", id);
        var result = await provisioning.ChangeGroupAsync(gid, change, ct);
        return result.Error is null ? Results.NoContent() : GroupResult(request, result, id);
    }

    public static async Task<IResult> DeleteGroupAsync(Provisioning provisioning, string id, CancellationToken ct) =>
        Guid.TryParse(id, out var gid) && await provisioning.DeleteGroupAsync(gid, ct) ? Results.NoContent() : NotFound("Group", id);

    // ---- discovery ----

    public static IResult ServiceProviderConfig() => ScimResources.Result(new JsonObject
    {
        ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"),
        ["patch"] = new JsonObject { ["supported"] = true },
        ["bulk"] = new JsonObject { ["supported"] = false, ["maxOperations"] = 0, ["maxPayloadSize"] = 0 },
        ["filter"] = new JsonObject { ["supported"] = true, ["maxResults"] = MaxPage },
        ["changePassword"] = new JsonObject { ["supported"] = false },
        ["sort"] = new JsonObject { ["supported"] = false },
        ["etag"] = new JsonObject { ["supported"] = false },
        ["authenticationSchemes"] = new JsonArray(new JsonObject
        {
            ["type"] = "oauthbearertoken", ["name"] = "Provisioning token", ["description"] = "Authorization: Bearer with the configured Scim:Token",
        }),
    });

    public static IResult ResourceTypes(HttpRequest request) => ScimResources.Result(ScimResources.List(
    [
        ResourceType("User", "/Users", ScimResources.UserSchema, request), ResourceType("Group", "/Groups", ScimResources.GroupSchema, request),
    ], 2, 1));

    public static IResult Schemas() => ScimResources.Result(ScimResources.List(
    [
        Schema(ScimResources.UserSchema, "User", "userName", "externalId", "displayName", "active", "emails"),
        Schema(ScimResources.GroupSchema, "Group", "displayName", "externalId", "members"),
    ], 2, 1));

    // ---- helpers ----

    private static JsonObject ResourceType(string name, string endpoint, string schema, HttpRequest request) => new()
    {
        ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:ResourceType"),
        ["id"] = name, ["name"] = name, ["endpoint"] = endpoint, ["schema"] = schema,
        ["meta"] = new JsonObject { ["resourceType"] = "ResourceType", ["location"] = $"{BaseUrl(request)}/ResourceTypes/{name}" },
    };

    private static JsonObject Schema(string id, string name, params string[] attributes) => new()
    {
        ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:Schema"),
        ["id"] = id, ["name"] = name,
        ["attributes"] = new JsonArray(attributes.Select(a => (JsonNode)new JsonObject { ["name"] = a }).ToArray()),
    };

    private static IResult UserResult(HttpRequest request, ProvisioningResult<ProvisionedUserView> result, string id, int status = 200) =>
        result.Value is { } user ? ScimResources.Result(ScimResources.Write(user, BaseUrl(request)), status) : Failure(result.Error!.Value, "User", id);

    private static IResult GroupResult(HttpRequest request, ProvisioningResult<ProvisionedGroupView> result, string id, int status = 200) =>
        result.Value is { } group ? ScimResources.Result(ScimResources.Write(group, BaseUrl(request)), status) : Failure(result.Error!.Value, "Group", id);

    private static IResult Failure(ProvisioningError error, string type, string id) => error switch
    {
        ProvisioningError.NotFound => NotFound(type, id),
        ProvisioningError.Conflict => ScimResources.Result(ScimResources.Error(409, "uniqueness", $"A {type} with that name or externalId exists."), 409),
        _ => ScimResources.Result(ScimResources.Error(400, "invalidValue", $"The {type} is not valid."), 400),
    };

    private static IResult NotFound(string type, string id) =>
        ScimResources.Result(ScimResources.Error(404, null, $"{type} {id} not found."), 404);

    private static int? UserId(string id) => int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;

    private static bool Excludes(string? excludedAttributes, string attribute) =>
        excludedAttributes?.Split(',', StringSplitOptions.TrimEntries).Contains(attribute, StringComparer.OrdinalIgnoreCase) == true;

    private static async Task<JsonNode?> BodyAsync(HttpRequest request, CancellationToken ct) =>
        await JsonNode.ParseAsync(request.Body, cancellationToken: ct);

    private static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}/scim/v2";
}
