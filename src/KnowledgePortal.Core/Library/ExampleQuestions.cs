using System.Text.RegularExpressions;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Answering;
using Npgsql;

namespace KnowledgePortal.Core.Library;

/// <summary>A heading of a document section the user may read, the raw material of an example question.</summary>
public sealed record SectionHeading(Guid DocumentId, string HeadingPath);

/// <summary>
/// Example questions for an empty Ask page, made from the section headings of documents the user can read: the same
/// predicate as search (chunk ACL and document grant), so an example never hints at a document the user cannot open.
/// </summary>
public sealed partial class ExampleQuestions(NpgsqlDataSource dataSource)
{
    /// <summary>Documents whose headings are considered (by title).</summary>
    public const int MaxDocuments = 50;

    public async Task<IReadOnlyList<string>> ForAsync(UserAccess user, string language, int count = 4, CancellationToken ct = default)
    {
        if (user.GroupIds.Length == 0 || count <= 0) return [];
        // Documents first (a small table), then only their chunks: an empty Ask page never sorts every readable chunk.
        await using var cmd = dataSource.CreateCommand($"""
            WITH docs AS MATERIALIZED (
                SELECT d.id, d.title FROM documents d
                WHERE {SourceAccess.DocumentReadableSql}
                  AND EXISTS (SELECT 1 FROM chunks x WHERE x.document_id = d.id AND x.allowed_group_ids && @groups)
                ORDER BY d.title, d.id
                LIMIT @documents)
            SELECT c.document_id, c.heading_path
            FROM docs JOIN chunks c ON c.document_id = docs.id
            WHERE c.allowed_group_ids && @groups AND c.heading_path IS NOT NULL AND c.heading_path <> ''
            ORDER BY docs.title, c.document_id, c.ordinal
            LIMIT 2000
            """);
        cmd.Parameters.AddWithValue("documents", MaxDocuments);
        cmd.Parameters.AddWithValue("groups", user.GroupIds);
        var headings = new List<SectionHeading>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                headings.Add(new SectionHeading(r.GetGuid(0), r.GetString(1)));
        return Compose(headings, language, count);
    }

    /// <summary>
    /// Up to <paramref name="count"/> questions, at most one per document first (so the examples show the breadth of what
    /// can be asked), in the UI language when such headings exist, else in the others. Headings that make no question
    /// on their own ("Contacts", "Steps", "第1条(目的)") are skipped.
    /// </summary>
    public static IReadOnlyList<string> Compose(IReadOnlyList<SectionHeading> headings, string language, int count)
    {
        ArgumentNullException.ThrowIfNull(headings);
        var candidates = headings
            .Select(h => (h.DocumentId, Topic: Leaf(h.HeadingPath)))
            .Where(h => IsTopic(h.Topic))
            .DistinctBy(h => h.Topic, StringComparer.OrdinalIgnoreCase)
            .Select(h => (h.DocumentId, h.Topic, Language: LanguageDetector.Detect(h.Topic)))
            .ToList();
        // The UI language first; within it, round-robin over documents: the first topic of each, then the second of each…
        var ordered = candidates.GroupBy(c => (c.DocumentId, c.Language))
            .SelectMany(g => g.Select((c, rank) => (c, rank)))
            .OrderBy(x => x.c.Language == language ? 0 : 1).ThenBy(x => x.rank)
            .Select(x => x.c);
        return ordered.Take(count).Select(c => Question(c.Topic, c.Language)).ToList();
    }

    /// <summary>"What should I know about annual leave?" / 「有給休暇について教えてください」.</summary>
    public static string Question(string topic, string language) => language == "ja"
        ? $"{topic}について教えてください"
        : $"What should I know about {LowerFirst(topic)}?";

    private static string Leaf(string headingPath)
    {
        var parts = headingPath.Split('>', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 0 ? "" : parts[^1];
    }

    private static bool IsTopic(string topic) =>
        topic.Length is >= 2 and <= 60 && !Generic.Contains(topic) && !Numbered().IsMatch(topic) && topic.Any(char.IsLetter);

    // "Annual leave" → "annual leave", but "IT security" and "On-call" keep what would change their meaning.
    private static string LowerFirst(string s) =>
        s.Length > 1 && char.IsUpper(s[0]) && char.IsLower(s[1]) ? char.ToLowerInvariant(s[0]) + s[1..] : s;

    private static readonly HashSet<string> Generic = new(StringComparer.OrdinalIgnoreCase)
    {
        "Contacts", "Contact", "Steps", "Notes", "Introduction", "Overview", "Summary", "Appendix", "Purpose and scope", "Purpose", "Scope",
        "連絡先", "附則", "はじめに", "概要", "目的", "備考", "付録",
    };

    // Article and chapter numbers (第1条(目的), 1.2 Scope, Chapter 3) name a place, not a topic.
    [GeneratedRegex(@"^(第\s*[0-9０-９一二三四五六七八九十百]+\s*[章条節項]|[0-9]+(\.[0-9]+)*\s|Chapter\s|Article\s|Section\s)", RegexOptions.IgnoreCase)]
    private static partial Regex Numbered();
}
