using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KnowledgePortal.Core.Access;

namespace KnowledgePortal.Web.Scim;

/// <summary>One operation of a SCIM PatchOp; <see cref="Op"/> lower-cased (Entra sends "Add", "Replace", "Remove").</summary>
public sealed record ScimPatchOperation(string Op, string? Path, JsonNode? Value);

/// <summary>
/// SCIM PATCH (RFC 7644 §3.5.2) in the forms Entra ID provisioning sends: replace of <c>active</c> with a bool or the
/// string "True"/"False", add/replace of attributes by path or as a value object without a path, add/remove of
/// <c>members</c> with value arrays, and remove with a filtered path <c>members[value eq "id"]</c>. Pure: turns the
/// operations into new user attributes or a group change for <see cref="Provisioning"/>. Unknown user attributes
/// (department, title, …) are ignored, as the portal does not keep them.
/// </summary>
public static partial class ScimPatch
{
    public const string Schema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    [GeneratedRegex("""^\s*members\s*\[\s*value\s+eq\s+"((?:[^"\\]|\\.)*)"\s*\]\s*$""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MemberFilterPath();

    public static IReadOnlyList<ScimPatchOperation> Parse(JsonNode? body)
    {
        if (body?["Operations"] is not JsonArray operations)
            throw new ScimException(400, "invalidSyntax", "A PatchOp body with an Operations array is required.");
        return operations.Select(o => o is JsonObject op && op["op"] is JsonValue v && v.TryGetValue<string>(out var name)
                ? new ScimPatchOperation(name.ToLowerInvariant(), (string?)op["path"], op["value"])
                : throw new ScimException(400, "invalidSyntax", "Each operation needs an 'op'.")).Select(Check).ToList();

        static ScimPatchOperation Check(ScimPatchOperation o) => o.Op is "add" or "replace" or "remove"
            ? o : throw new ScimException(400, "invalidSyntax", $"Unknown operation '{o.Op}'.");
    }

    /// <summary>A SCIM boolean: true/false, or the strings "True"/"False" Entra sends for <c>active</c>.</summary>
    public static bool ParseBool(JsonNode? value) => value switch
    {
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        JsonValue v when v.TryGetValue<string>(out var s) && bool.TryParse(s, out var b) => b,
        _ => throw new ScimException(400, "invalidValue", "'active' must be true or false."),
    };

    public static ProvisionedUserData ApplyToUser(ProvisionedUserData current, IReadOnlyList<ScimPatchOperation> operations)
    {
        var user = current;
        foreach (var op in operations)
            foreach (var (path, value) in Expand(op))
                user = ApplyUserAttribute(user, op.Op, path, value);
        return user;
    }

    private static ProvisionedUserData ApplyUserAttribute(ProvisionedUserData user, string op, string path, JsonNode? value)
    {
        var remove = op == "remove";
        switch (path.ToLowerInvariant())
        {
            case "active":
                return remove ? user : user with { Active = ParseBool(value) };
            case "username":
                return remove ? throw new ScimException(400, "mutability", "userName is required.") : user with { UserName = Text(value) };
            case "displayname":
                return user with { DisplayName = remove ? user.UserName : Text(value) };
            case "externalid":
                return remove ? user : user with { ExternalId = Text(value) };
            case "emails":
                return user with { Email = remove ? null : ScimResources.PrimaryEmail(value) };
            case var p when p.StartsWith("emails[", StringComparison.Ordinal):
                return user with { Email = remove ? null : Text(value) };
            case "name" or "name.formatted" or "name.givenname" or "name.familyname":
                // Only a user without a display name of its own is named from its name parts.
                return user.DisplayName == user.UserName && !remove && ScimResources.NameDisplay(path, value) is { } display
                    ? user with { DisplayName = display } : user;
            default:
                return user;
        }
    }

    public static ProvisionedGroupChange ToGroupChange(IReadOnlyList<ScimPatchOperation> operations)
    {
        string? displayName = null, externalId = null;
        List<int>? replace = null;
        var add = new List<int>();
        var remove = new List<int>();
        var removeAll = false;
        foreach (var op in operations)
        {
            if (op.Op == "remove" && op.Path is { } p && MemberFilterPath().Match(p) is { Success: true } m)
            {
                remove.AddRange(MemberIds(new JsonArray(new JsonObject { ["value"] = Regex.Unescape(m.Groups[1].Value) })));
                continue;
            }
            foreach (var (path, value) in Expand(op))
                switch (path.ToLowerInvariant())
                {
                    case "members" when op.Op == "add":
                        add.AddRange(MemberIds(value));
                        break;
                    case "members" when op.Op == "replace":
                        (replace, removeAll) = (MemberIds(value), false);
                        add.Clear();
                        remove.Clear();
                        break;
                    case "members" when value is null:
                        (removeAll, replace) = (true, null);
                        add.Clear();
                        break;
                    case "members":
                        remove.AddRange(MemberIds(value));
                        break;
                    case "displayname" when op.Op != "remove":
                        displayName = Text(value);
                        break;
                    case "externalid" when op.Op != "remove":
                        externalId = Text(value);
                        break;
                    case "displayname" or "externalid":
                        throw new ScimException(400, "mutability", $"'{path}' cannot be removed.");
                    default:
                        throw new ScimException(400, "invalidPath", $"Unsupported path '{path}'.");
                }
        }
        return new ProvisionedGroupChange(displayName, externalId, replace, add, remove, removeAll);
    }

    /// <summary>SCIM user ids in a members value ([{"value":"12"}], or one object); ids that are no portal id cannot be members.</summary>
    public static List<int> MemberIds(JsonNode? value) =>
        (value is JsonArray a ? a.ToList() : [value])
        .Select(n => n is JsonObject o ? (string?)o["value"] : null)
        .Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : (int?)null)
        .OfType<int>().ToList();

    /// <summary>An operation's (path, value) pairs: its own path, or each attribute of a value object sent without one.</summary>
    private static IEnumerable<(string Path, JsonNode? Value)> Expand(ScimPatchOperation op)
    {
        if (op.Path is { Length: > 0 } path) return [(path, op.Value)];
        if (op.Value is JsonObject obj) return obj.Select(kv => (kv.Key, kv.Value));
        throw new ScimException(400, "noTarget", "An operation without a path needs an object value.");
    }

    private static string Text(JsonNode? value) => value is JsonValue v && v.TryGetValue<string>(out var s) && s.Trim().Length > 0
        ? s.Trim() : throw new ScimException(400, "invalidValue", "A non-empty string is required.");
}
