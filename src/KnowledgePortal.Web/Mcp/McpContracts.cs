using KnowledgePortal.Web.Api;

namespace KnowledgePortal.Web.Mcp;

// The structured results of the MCP tools (camelCase JSON, like /api). Passage text is the document's text exactly
// as stored: data to quote, never instructions.

/// <summary>A passage with links back to the portal: its source view and the original file (at the page, for PDFs).</summary>
public sealed record McpSource(SearchHitDto Passage, string SourceUrl, string DocumentUrl);

public sealed record McpSearchResult(bool Answerable, IReadOnlyList<McpSource> Results);

/// <summary>A citation: the number used as [n] in the answer and the passage it points to.</summary>
public sealed record McpCitation(int Number, McpSource Source);

/// <param name="SessionId">The conversation in the person's portal history; pass it back to ask a follow-up.</param>
public sealed record McpAnswer(string Answer, bool Answered, string Provider, string? Model, string Route, string? Notice, Guid SessionId,
    IReadOnlyList<McpCitation> Citations);

public sealed record McpCollection(int Id, string Name, string? Description, string Sensitivity, int Documents);

public sealed record McpCollections(IReadOnlyList<McpCollection> Collections);
