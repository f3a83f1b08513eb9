namespace KnowledgePortal.Core.Access;

/// <summary>What a personal API token may be used for. Each endpoint and MCP tool names the one it needs.</summary>
public static class ApiTokenScopes
{
    /// <summary>Search passages, read a passage by id, list collections, download originals.</summary>
    public const string Search = "search";
    /// <summary>Cited answers (and the chat history they make).</summary>
    public const string Ask = "ask";

    public static readonly IReadOnlyList<string> All = [Search, Ask];

    /// <summary>"search,ask" or "search ask" → the known scopes in canonical order; null when one is unknown or none is given.</summary>
    public static string[]? Parse(IEnumerable<string>? values)
    {
        var given = (values ?? []).SelectMany(v => v.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(v => v.ToLowerInvariant()).ToHashSet();
        if (given.Count == 0 || given.Any(v => !All.Contains(v))) return null;
        return All.Where(given.Contains).ToArray();
    }
}
