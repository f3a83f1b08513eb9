using System.Text.Json;
using System.Text.Json.Nodes;
using KnowledgePortal.Core.Access;

namespace KnowledgePortal.Web.Scim;

/// <summary>SCIM resource bodies (RFC 7643): users and groups read from requests and written to responses.</summary>
public static class ScimResources
{
    public const string ContentType = "application/scim+json";
    public const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    public const string GroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";
    public const string ListSchema = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
    public const string ErrorSchema = "urn:ietf:params:scim:api:messages:2.0:Error";

    public static ProvisionedUserData ReadUser(JsonNode? body)
    {
        if (body is not JsonObject o) throw new ScimException(400, "invalidSyntax", "A User resource is required.");
        var userName = Str(o["userName"]);
        if (string.IsNullOrWhiteSpace(userName)) throw new ScimException(400, "invalidValue", "userName is required.");
        var display = Str(o["displayName"]) ?? NameDisplay("name", o["name"]) ?? userName;
        return new ProvisionedUserData(userName.Trim(), Str(o["externalId"]), display, PrimaryEmail(o["emails"]),
            o["active"] is { } active ? ScimPatch.ParseBool(active) : true);
    }

    public static ProvisionedGroupData ReadGroup(JsonNode? body)
    {
        if (body is not JsonObject o || Str(o["displayName"]) is not { } name || name.Trim().Length == 0)
            throw new ScimException(400, "invalidValue", "A Group resource with a displayName is required.");
        return new ProvisionedGroupData(name.Trim(), Str(o["externalId"]), ScimPatch.MemberIds(o["members"] ?? new JsonArray()));
    }

    /// <summary>The primary (else work, else first) address of an emails array.</summary>
    public static string? PrimaryEmail(JsonNode? emails) =>
        emails is not JsonArray a ? null
            : (a.OfType<JsonObject>().FirstOrDefault(e => e["primary"] is JsonValue p && p.GetValueKind() == JsonValueKind.True)
               ?? a.OfType<JsonObject>().FirstOrDefault(e => (string?)e["type"] == "work")
               ?? a.OfType<JsonObject>().FirstOrDefault()) is { } chosen ? Str(chosen["value"]) : null;

    /// <summary>A display name from a name object (formatted, else given and family) or one of its sub-attributes.</summary>
    public static string? NameDisplay(string path, JsonNode? value)
    {
        if (!path.Equals("name", StringComparison.OrdinalIgnoreCase)) return Str(value);
        if (value is not JsonObject n) return null;
        var parts = string.Join(' ', new[] { Str(n["givenName"]), Str(n["familyName"]) }.Where(s => !string.IsNullOrWhiteSpace(s)));
        return Str(n["formatted"]) ?? (parts.Length > 0 ? parts : null);
    }

    public static JsonObject Write(ProvisionedUserView u, string baseUrl)
    {
        var o = new JsonObject
        {
            ["schemas"] = new JsonArray(UserSchema),
            ["id"] = Provisioning.UserId(u.Id),
            ["externalId"] = u.Data.ExternalId,
            ["userName"] = u.Data.UserName,
            ["displayName"] = u.Data.DisplayName,
            ["active"] = u.Data.Active,
            ["meta"] = Meta("User", $"{baseUrl}/Users/{Provisioning.UserId(u.Id)}"),
        };
        if (u.Data.Email is { } email) o["emails"] = new JsonArray(new JsonObject { ["value"] = email, ["type"] = "work", ["primary"] = true });
        return o;
    }

    public static JsonObject Write(ProvisionedGroupView g, string baseUrl, bool withMembers = true)
    {
        var o = new JsonObject
        {
            ["schemas"] = new JsonArray(GroupSchema),
            ["id"] = g.Id.ToString("D"),
            ["externalId"] = g.ExternalId,
            ["displayName"] = g.DisplayName,
            ["meta"] = Meta("Group", $"{baseUrl}/Groups/{g.Id:D}"),
        };
        if (withMembers)
            o["members"] = new JsonArray(g.Members.Select(m => (JsonNode)new JsonObject
            {
                ["value"] = Provisioning.UserId(m.UserId), ["display"] = m.DisplayName, ["$ref"] = $"{baseUrl}/Users/{Provisioning.UserId(m.UserId)}",
            }).ToArray());
        return o;
    }

    public static JsonObject List(IEnumerable<JsonObject> resources, int total, int startIndex)
    {
        var items = resources.Cast<JsonNode>().ToArray();
        return new JsonObject
        {
            ["schemas"] = new JsonArray(ListSchema),
            ["totalResults"] = total,
            ["startIndex"] = startIndex,
            ["itemsPerPage"] = items.Length,
            ["Resources"] = new JsonArray(items),
        };
    }

    /// <summary>A SCIM error body: status as a string, as RFC 7644 §3.12 has it.</summary>
    public static JsonObject Error(int status, string? scimType, string detail)
    {
        var o = new JsonObject { ["schemas"] = new JsonArray(ErrorSchema), ["status"] = status.ToString(System.Globalization.CultureInfo.InvariantCulture), ["detail"] = detail };
        if (scimType is not null) o["scimType"] = scimType;
        return o;
    }

    public static IResult Result(JsonNode body, int status = 200) =>
        Results.Content(body.ToJsonString(), ContentType, System.Text.Encoding.UTF8, status);

    private static JsonObject Meta(string type, string location) => new() { ["resourceType"] = type, ["location"] = location };

    private static string? Str(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
