using System.Collections.Frozen;

namespace KnowledgePortal.Core.Text;

/// <summary>English words that name no topic: one list for search queries and the answer scorer.</summary>
public static class StopWords
{
    /// <summary>Dropped from search queries (the index keeps them): function words and how questions are asked.</summary>
    public static readonly FrozenSet<string> English = new[]
    {
        "a", "an", "the", "of", "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "doing",
        "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "to", "in", "on", "at", "for", "with",
        "by", "from", "into", "onto", "about", "as", "and", "or", "but", "if", "so", "than", "then", "that", "this",
        "these", "those", "there", "here", "it", "its", "i", "me", "my", "we", "us", "our", "you", "your", "he", "she",
        "his", "her", "they", "them", "their", "can", "could", "should", "would", "will", "shall", "may", "might",
        "must", "have", "has", "had", "any", "some", "please", "s", "t", "d", "ll", "re", "ve", "m",
        // How questions are asked, not what they ask about ("how many days do I get?").
        "many", "much", "get", "gets", "got", "tell", "know", "need", "want", "let", "also", "just",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>
    /// <see cref="English"/> plus words that rank fine but do not show that a sentence answers ("not", "all", "like"):
    /// left out when sentences are scored against a question.
    /// </summary>
    public static readonly FrozenSet<string> EnglishForAnswers = English.Concat(["without", "not", "no", "yes", "explain", "per", "all", "more", "most", "like"]).ToFrozenSet(StringComparer.Ordinal);
}
