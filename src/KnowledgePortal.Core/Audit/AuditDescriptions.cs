using System.Globalization;
using System.Text.Json;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Core.Audit;

/// <summary>One line of an event's details as a person reads it: a label and a value with names instead of ids.</summary>
public sealed record AuditDetail(string Key, string Value);

/// <summary>An audit event as the audit page shows it. <paramref name="Target"/> is the target's name (or its id when it is gone).</summary>
public sealed record AuditDescription(string Actor, string? Target, IReadOnlyList<AuditDetail> Details);

/// <summary>
/// The names the audit page shows for the ids in a page of events: users (by user name and by subject), collections,
/// groups, providers and documents (titles only: never passage text).
/// </summary>
public sealed record AuditNames(
    IReadOnlyDictionary<string, string> UsersByName,
    IReadOnlyDictionary<string, string> UsersBySubject,
    IReadOnlyDictionary<int, string> Collections,
    IReadOnlyDictionary<int, string> Groups,
    IReadOnlyDictionary<int, string> Providers,
    IReadOnlyDictionary<Guid, string> Documents)
{
    public static readonly AuditNames Empty = new(
        new Dictionary<string, string>(), new Dictionary<string, string>(), new Dictionary<int, string>(),
        new Dictionary<int, string>(), new Dictionary<int, string>(), new Dictionary<Guid, string>());

    /// <summary>Loads the names the given events mention (collections, groups and providers are small: all of them).</summary>
    public static async Task<AuditNames> LoadAsync(IDbContextFactory<PortalDbContext> dbFactory, IReadOnlyCollection<AuditEvent> events,
        CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var userNames = events.Select(e => e.Actor).Distinct().ToList();
        var subjects = events.Where(e => e.TargetType == "user" && e.TargetId is not null).Select(e => e.TargetId!).Distinct().ToList();
        var users = await db.Users.AsNoTracking().Where(u => userNames.Contains(u.UserName) || subjects.Contains(u.Subject))
            .Select(u => new { u.UserName, u.Subject, u.DisplayName }).ToListAsync(ct);
        var documentIds = events.SelectMany(AuditDescriber.DocumentIds).Distinct().ToList();
        return new AuditNames(
            users.GroupBy(u => u.UserName).ToDictionary(g => g.Key, g => g.First().DisplayName),
            users.GroupBy(u => u.Subject).ToDictionary(g => g.Key, g => g.First().DisplayName),
            // Names only: the projections keep keys and other columns out of memory.
            await db.Collections.Select(c => new { c.Id, c.Name }).ToDictionaryAsync(c => c.Id, c => c.Name, ct),
            await db.Groups.Select(g => new { g.Id, g.Name }).ToDictionaryAsync(g => g.Id, g => g.Name, ct),
            await db.ProviderProfiles.Select(p => new { p.Id, p.Name }).ToDictionaryAsync(p => p.Id, p => p.Name, ct),
            await db.Documents.Where(d => documentIds.Contains(d.Id)).Select(d => new { d.Id, d.Title }).ToDictionaryAsync(d => d.Id, d => d.Title, ct));
    }
}

/// <summary>
/// Turns an audit event's ids and JSON details into names and "key: value" lines (pure). Ids under known keys become
/// names; a name the database no longer has (deleted) falls back to the name the event recorded, else "#id".
/// Details never hold passage text (AuditEvent.Details), and this adds none: documents appear by title only.
/// </summary>
public static class AuditDescriber
{
    public const string SystemActor = "system";

    /// <param name="label">Localises a detail key (camelCase, e.g. "collectionId"); nested keys go through it too.</param>
    public static AuditDescription Describe(AuditEvent e, AuditNames names, Func<string, string> label)
    {
        var details = Parse(e.Details);
        var actor = names.UsersByName.TryGetValue(e.Actor, out var display) && display != e.Actor ? $"{display} ({e.Actor})" : e.Actor;
        return new AuditDescription(actor, TargetName(e, names, details), DetailLines(details, names, label));
    }

    /// <summary>The document ids an event mentions (its target and the sources of a question), for <see cref="AuditNames.LoadAsync"/>.</summary>
    public static IEnumerable<Guid> DocumentIds(AuditEvent e)
    {
        if (e.TargetType == "document" && Guid.TryParse(e.TargetId, out var target)) yield return target;
        if (Parse(e.Details) is not { ValueKind: JsonValueKind.Object } details) yield break;
        foreach (var p in details.EnumerateObject())
        {
            if (Key(p.Name) == "documentId" && p.Value.ValueKind == JsonValueKind.String && Guid.TryParse(p.Value.GetString(), out var id)) yield return id;
            if (Key(p.Name) == "sources" && p.Value.ValueKind == JsonValueKind.Array)
                foreach (var s in p.Value.EnumerateArray())
                    if (s.ValueKind == JsonValueKind.Object && Property(s, "documentId") is { ValueKind: JsonValueKind.String } d && Guid.TryParse(d.GetString(), out var sid))
                        yield return sid;
        }
    }

    private static string? TargetName(AuditEvent e, AuditNames names, JsonElement? details)
    {
        if (e.TargetId is not { } id) return null;
        var recorded = details is { ValueKind: JsonValueKind.Object } d
            ? new[] { "name", "document", "fileName", "group", "collection", "profile", "title" }
                .Select(k => Property(d, k)).FirstOrDefault(v => v is { ValueKind: JsonValueKind.String })?.GetString()
            : null;
        return e.TargetType switch
        {
            "collection" => IntName(id, names.Collections) ?? recorded ?? "#" + id,
            "group" => IntName(id, names.Groups) ?? recorded ?? "#" + id,
            "provider" => IntName(id, names.Providers) ?? (int.TryParse(id, out _) ? recorded ?? "#" + id : id),
            "document" => Guid.TryParse(id, out var g) && names.Documents.TryGetValue(g, out var title) ? title : recorded ?? id,
            "user" => names.UsersBySubject.TryGetValue(id, out var user) ? user : recorded ?? id,
            "message" => null, // an answer: its text is not shown here
            _ => recorded ?? id,
        };
    }

    private static string? IntName(string id, IReadOnlyDictionary<int, string> names) =>
        int.TryParse(id, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && names.TryGetValue(n, out var name) ? name : null;

    private static List<AuditDetail> DetailLines(JsonElement? details, AuditNames names, Func<string, string> label)
    {
        if (details is not { } d) return [];
        if (d.ValueKind != JsonValueKind.Object) return [new AuditDetail(label("details"), Scalar(d))];
        return d.EnumerateObject().Select(p => new AuditDetail(label(Key(p.Name)), Value(Key(p.Name), p.Value, names, label))).ToList();
    }

    private static string Value(string key, JsonElement v, AuditNames names, Func<string, string> label)
    {
        switch (key)
        {
            case "collectionId" when v.ValueKind == JsonValueKind.Number: return Name(v, names.Collections);
            case "groupId" when v.ValueKind == JsonValueKind.Number: return Name(v, names.Groups);
            case "groups" or "groupIds" when v.ValueKind == JsonValueKind.Array && AllNumbers(v):
                return List(v.EnumerateArray().Select(x => Name(x, names.Groups)));
            case "askerCollections" or "collectionIds" or "collections" when v.ValueKind == JsonValueKind.Array && AllNumbers(v):
                return List(v.EnumerateArray().Select(x => Name(x, names.Collections)));
            case "documentId" when v.ValueKind == JsonValueKind.String:
                return Guid.TryParse(v.GetString(), out var g) && names.Documents.TryGetValue(g, out var t) ? t : v.GetString()!;
            case "sources" when v.ValueKind == JsonValueKind.Array:
                // Passages sent with a question: which documents, never their text.
                return List(v.EnumerateArray()
                    .Select(s => s.ValueKind == JsonValueKind.Object ? Property(s, "documentId") : null)
                    .Where(x => x is { ValueKind: JsonValueKind.String })
                    .Select(x => Guid.TryParse(x!.Value.GetString(), out var id) && names.Documents.TryGetValue(id, out var title) ? title : x!.Value.GetString()!)
                    .Distinct());
            case "cited" when v.ValueKind == JsonValueKind.Array: return v.GetArrayLength().ToString(CultureInfo.InvariantCulture);
            case "sha256" when v.ValueKind == JsonValueKind.String && v.GetString()!.Length > 12: return v.GetString()![..12] + "…";
            case "sizeBytes" when v.TryGetInt64(out var bytes): return Size(bytes);
        }
        return v.ValueKind switch
        {
            JsonValueKind.Object => string.Join("; ", v.EnumerateObject().Select(p => $"{label(Key(p.Name))}: {Value(Key(p.Name), p.Value, names, label)}")),
            JsonValueKind.Array => List(v.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Object ? "(" + Value("", x, names, label) + ")" : Value("", x, names, label))),
            _ => Scalar(v),
        };
    }

    private static string Scalar(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => "—",
        JsonValueKind.True => "✓",
        JsonValueKind.False => "✗",
        JsonValueKind.String => v.GetString() is { Length: > 0 } s ? s : "—",
        _ => v.GetRawText(),
    };

    private static string Name(JsonElement v, IReadOnlyDictionary<int, string> names) =>
        v.TryGetInt32(out var id) && names.TryGetValue(id, out var name) ? name : "#" + v.GetRawText();

    private static bool AllNumbers(JsonElement array) => array.EnumerateArray().All(x => x.ValueKind == JsonValueKind.Number);

    private static string List(IEnumerable<string> items) => items.ToList() is { Count: > 0 } list ? string.Join(", ", list) : "—";

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " KB",
        _ => (bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " MB",
    };

    /// <summary>Detail keys as written: anonymous types give "CollectionId" or "collectionId"; both read as camelCase.</summary>
    private static string Key(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];

    private static JsonElement? Property(JsonElement obj, string camelKey) =>
        obj.EnumerateObject().Where(p => Key(p.Name) == camelKey).Select(p => (JsonElement?)p.Value).FirstOrDefault();

    private static JsonElement? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
