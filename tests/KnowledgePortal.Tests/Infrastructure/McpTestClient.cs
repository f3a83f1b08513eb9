using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace KnowledgePortal.Tests.Infrastructure;

/// <summary>The MCP client of the SDK against a running portal's /mcp, with a bearer token, and readers for its results.</summary>
public static class McpTestClient
{
    public static Task<McpClient> ConnectAsync(string baseUrl, string token) => McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
    {
        Endpoint = new Uri(baseUrl + "/mcp"),
        TransportMode = HttpTransportMode.StreamableHttp,
        AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + token },
    }));

    public static JsonElement Structured(CallToolResult result) => JsonSerializer.SerializeToElement(result.StructuredContent);

    /// <summary>Everything a tool result says, text blocks and structured content, as one string.</summary>
    public static string Text(CallToolResult result) =>
        string.Join("\n", result.Content.OfType<TextContentBlock>().Select(t => t.Text)) + "\n" + JsonSerializer.Serialize(result.StructuredContent);
}
