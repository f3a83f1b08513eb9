
namespace KnowledgePortal.Core.Answering;

/// <summary>Expands a query with glossary synonyms (bidirectionally).</summary>
public static class GlossaryExpander
{
    /// <summary>
    /// The extra terms to OR into keyword search and append for vector search. Each glossary entry is one synonym
    /// set (term + synonyms): when the query contains any member, the members it does not already contain are added,
    /// so a term brings its synonyms and a synonym brings its term (and its sibling synonyms).
    /// Matching is case-insensitive after NFKC; Latin-only members must match whole words ("AI" does not match
    /// "maintain"), other members match as substrings (Japanese has no spaces).
    /// Result: glossary spelling, glossary order, no duplicates.
    /// </summary>
    public static IReadOnlyList<string> Expand(string query, IReadOnlyList<(string Term, string[] Synonyms)> glossary)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(glossary);

        var normalizedQuery = AnswerTokenizer.Normalize(query);
        var extras = new List<string>();
        var added = new HashSet<string>(StringComparer.Ordinal);

        foreach (var (term, synonyms) in glossary)
        {
            var members = new[] { term }
                .Concat(synonyms ?? [])
                .Where(m => !string.IsNullOrWhiteSpace(m))
                .Select(m => m.Trim())
                .ToList();

            var contained = members.Select(m => Contains(normalizedQuery, AnswerTokenizer.Normalize(m))).ToList();
            if (!contained.Contains(true))
                continue;

            for (var i = 0; i < members.Count; i++)
            {
                if (!contained[i] && added.Add(AnswerTokenizer.Normalize(members[i])))
                    extras.Add(members[i]);
            }
        }
        return extras;
    }

    private static bool Contains(string normalizedQuery, string normalizedMember)
    {
        if (normalizedMember.Length == 0)
            return false;
        if (!normalizedMember.All(ch => ch < 128))
            return normalizedQuery.Contains(normalizedMember, StringComparison.Ordinal);

        // Latin-only member: whole-word match.
        var start = 0;
        while (true)
        {
            var index = normalizedQuery.IndexOf(normalizedMember, start, StringComparison.Ordinal);
            if (index < 0)
                return false;
            var end = index + normalizedMember.Length;
            var before = index == 0 || !IsWordChar(normalizedQuery[index - 1]);
            var after = end == normalizedQuery.Length || !IsWordChar(normalizedQuery[end]);
            if (before && after)
                return true;
            start = index + 1;
        }
    }

    // A CJK neighbour is a word boundary: "VPNの設定" contains "vpn".
    private static bool IsWordChar(char ch) => ch < 128 ? char.IsAsciiLetterOrDigit(ch) : char.IsLetterOrDigit(ch) && !AnswerTokenizer.IsCjk(ch);
}
