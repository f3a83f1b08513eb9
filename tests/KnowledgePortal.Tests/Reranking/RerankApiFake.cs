using System.Text.Json;
using System.Text.Json.Nodes;
using KnowledgePortal.Core.Retrieval.Reranking;

namespace KnowledgePortal.Tests.Reranking;

/// <summary>A parsed rerank request, whatever the protocol calls its fields.</summary>
public sealed record RerankApiRequest(string? Model, string Query, IReadOnlyList<string> Documents);

/// <summary>
/// Each rerank API's request and response shapes as the providers document them, written out here independently of
/// <see cref="HttpReranker"/> so that a test fails when the adapter sends a field the API does not take.
/// </summary>
public static class RerankApiFake
{
    private sealed record Spec(string Path, string QueryField, string DocumentsField, string? TopField, bool ModelRequired,
        IReadOnlySet<string> Allowed, IReadOnlySet<string> Booleans);

    private static readonly Dictionary<RerankProtocol, Spec> Specs = new()
    {
        [RerankProtocol.CohereV1] = new("/v1/rerank", "query", "documents", "top_n", true,
            Set("model", "query", "documents", "top_n", "return_documents", "max_chunks_per_doc", "rank_fields"), Set("return_documents")),
        // v2: model required, return_documents and max_chunks_per_doc gone, max_tokens_per_doc new
        [RerankProtocol.CohereV2] = new("/v2/rerank", "query", "documents", "top_n", true,
            Set("model", "query", "documents", "top_n", "max_tokens_per_doc"), Set()),
        [RerankProtocol.Jina] = new("/v1/rerank", "query", "documents", "top_n", true,
            Set("model", "query", "documents", "top_n", "return_documents"), Set("return_documents")),
        // Voyage names the limit top_k, not top_n
        [RerankProtocol.Voyage] = new("/v1/rerank", "query", "documents", "top_k", true,
            Set("model", "query", "documents", "top_k", "return_documents", "truncation"), Set("return_documents", "truncation")),
        [RerankProtocol.VllmRerank] = new("/v1/rerank", "query", "documents", "top_n", false,
            Set("model", "query", "documents", "top_n", "truncate_prompt_tokens"), Set()),
        [RerankProtocol.VllmScore] = new("/score", "text_1", "text_2", null, false,
            Set("model", "text_1", "text_2", "truncate_prompt_tokens"), Set()),
        // TEI serves one model: a "model" field is not part of its request
        [RerankProtocol.Tei] = new("/rerank", "query", "texts", null, false,
            Set("query", "texts", "raw_scores", "return_text", "truncate", "truncation_direction"), Set("raw_scores", "return_text", "truncate")),
        [RerankProtocol.LlamaCpp] = new("/v1/rerank", "query", "documents", "top_n", false,
            Set("model", "query", "documents", "top_n"), Set()),
    };

    public static string PathOf(RerankProtocol protocol) => Specs[protocol].Path;

    /// <summary>What is wrong with the request body, or null.</summary>
    public static string? Validate(RerankProtocol protocol, JsonObject body)
    {
        var spec = Specs[protocol];
        foreach (var (name, _) in body)
            if (!spec.Allowed.Contains(name)) return $"{protocol} takes no field '{name}'";
        if (spec.ModelRequired && !IsString(body["model"])) return $"{protocol} requires a string 'model'";
        if (body.ContainsKey("model") && !IsString(body["model"])) return "'model' must be a string";
        if (!IsString(body[spec.QueryField])) return $"'{spec.QueryField}' must be a string";
        if (body[spec.DocumentsField] is not JsonArray docs || docs.Count == 0 || docs.Any(d => !IsString(d)))
            return $"'{spec.DocumentsField}' must be a non-empty array of strings";
        if (spec.TopField is { } top && body.ContainsKey(top)
            && (body[top] is not JsonValue v || !v.TryGetValue<int>(out var n) || n < 1 || n > docs.Count))
            return $"'{top}' must be an integer between 1 and the number of documents";
        foreach (var flag in spec.Booleans)
            if (body.ContainsKey(flag) && body[flag]?.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                return $"'{flag}' must be a boolean";
        return null;
    }

    public static RerankApiRequest Read(RerankProtocol protocol, JsonObject body)
    {
        var spec = Specs[protocol];
        return new RerankApiRequest((string?)body["model"], (string)body[spec.QueryField]!,
            body[spec.DocumentsField]!.AsArray().Select(d => (string)d!).ToList());
    }

    /// <summary>The protocol's response for <paramref name="results"/> (document index, score), in the given order.</summary>
    public static string Respond(RerankProtocol protocol, IReadOnlyList<(int Index, double Score)> results, string? model, IReadOnlyList<string> documents)
    {
        var usage = new JsonObject { ["total_tokens"] = 42 };
        JsonNode response = protocol switch
        {
            RerankProtocol.CohereV1 => new JsonObject
            {
                ["id"] = "b3c1",
                ["results"] = Items(results, r => new JsonObject { ["index"] = r.Index, ["relevance_score"] = r.Score }),
                ["meta"] = new JsonObject { ["api_version"] = new JsonObject { ["version"] = "1" } },
            },
            RerankProtocol.CohereV2 => new JsonObject
            {
                ["id"] = "07734bd2",
                ["results"] = Items(results, r => new JsonObject { ["index"] = r.Index, ["relevance_score"] = r.Score }),
                ["meta"] = new JsonObject
                {
                    ["api_version"] = new JsonObject { ["version"] = "2" },
                    ["billed_units"] = new JsonObject { ["search_units"] = 1 },
                },
            },
            RerankProtocol.Jina => new JsonObject
            {
                ["model"] = model,
                ["usage"] = usage,
                ["results"] = Items(results, r => new JsonObject { ["index"] = r.Index, ["relevance_score"] = r.Score }),
            },
            RerankProtocol.Voyage => new JsonObject
            {
                ["object"] = "list",
                ["data"] = Items(results, r => new JsonObject { ["relevance_score"] = r.Score, ["index"] = r.Index }),
                ["model"] = model,
                ["usage"] = usage,
            },
            RerankProtocol.VllmRerank => new JsonObject
            {
                ["id"] = "rerank-1",
                ["model"] = model ?? "BAAI/bge-reranker-v2-m3",
                ["usage"] = usage,
                ["results"] = Items(results, r => new JsonObject
                {
                    ["index"] = r.Index,
                    ["document"] = new JsonObject { ["text"] = documents[r.Index] },
                    ["relevance_score"] = r.Score,
                }),
            },
            RerankProtocol.VllmScore => new JsonObject
            {
                ["id"] = "score-1",
                ["object"] = "list",
                ["created"] = 1_700_000_000,
                ["model"] = model ?? "BAAI/bge-reranker-v2-m3",
                ["data"] = Items(results, r => new JsonObject { ["index"] = r.Index, ["object"] = "score", ["score"] = r.Score }),
                ["usage"] = new JsonObject { ["prompt_tokens"] = 42, ["total_tokens"] = 42, ["completion_tokens"] = 0 },
            },
            RerankProtocol.Tei => Items(results, r => new JsonObject { ["index"] = r.Index, ["score"] = r.Score }),
            RerankProtocol.LlamaCpp => new JsonObject
            {
                ["model"] = model ?? "bge-reranker-v2-m3",
                ["object"] = "list",
                ["usage"] = new JsonObject { ["prompt_tokens"] = 42, ["total_tokens"] = 42 },
                ["results"] = Items(results, r => new JsonObject { ["index"] = r.Index, ["relevance_score"] = r.Score }),
            },
            _ => throw new ArgumentOutOfRangeException(nameof(protocol)),
        };
        return response.ToJsonString();
    }

    private static JsonArray Items(IReadOnlyList<(int Index, double Score)> results, Func<(int Index, double Score), JsonObject> item) =>
        new(results.Select(r => (JsonNode?)item(r)).ToArray());

    private static bool IsString(JsonNode? node) => node?.GetValueKind() == JsonValueKind.String;

    private static HashSet<string> Set(params string[] names) => new(names, StringComparer.Ordinal);
}
