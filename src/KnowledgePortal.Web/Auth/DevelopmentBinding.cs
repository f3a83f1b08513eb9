using System.Net;

namespace KnowledgePortal.Web.Auth;

/// <summary>
/// The Development sign-in lets anyone pick any demo user, so it may only be reachable from this machine: every
/// address the host is told to listen on (urls / ASPNETCORE_URLS / Kestrel endpoints) must be loopback.
/// </summary>
public static class DevelopmentBinding
{
    /// <summary>The configured listen URLs that are not loopback (empty when all are, or none is configured: the default is localhost).</summary>
    public static IReadOnlyList<string> NonLoopbackUrls(IConfiguration configuration)
    {
        var urls = new List<string>();
        foreach (var key in new[] { "urls", "ASPNETCORE_URLS", "http_ports", "https_ports" })
            if (configuration[key] is { Length: > 0 } value)
                urls.AddRange(key.EndsWith("ports") ? value.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => $"http://*:{p}")
                    : value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        urls.AddRange(configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]).OfType<string>());
        return urls.Where(u => !IsLoopback(u)).ToList();
    }

    public static bool IsLoopback(string url)
    {
        // Wildcards (*, +, 0.0.0.0, [::]) are not URIs a parser treats as hosts; read the host part by hand.
        var rest = url.Contains("://") ? url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..] : url;
        var host = rest.StartsWith('[') ? rest[..(rest.IndexOf(']') + 1)] : rest.Split(':', '/')[0];
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);
    }
}
