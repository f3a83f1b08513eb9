using System.Net.Http.Headers;
using System.Text.Json;

namespace KnowledgePortal.Web.Auth;

/// <summary>
/// The OIDC userinfo endpoint read with a person's access token: the one way the portal asks the provider for their
/// current claims, for session revalidation and for the provider's access tokens on /api and /mcp.
/// </summary>
public static class OidcUserInfo
{
    /// <summary>
    /// The userinfo document, or null when the provider refuses or fails within 10 s, or names another subject than
    /// <paramref name="subject"/>; each null is logged with why, ending with <paramref name="consequence"/>.
    /// </summary>
    public static async Task<JsonElement?> ReadAsync(HttpClient backchannel, string endpoint, string accessToken, string? subject,
        ILogger logger, string consequence, CancellationToken ct)
    {
        var user = subject ?? "(unknown)";
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, endpoint);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            using var response = await backchannel.SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("Groups of {User} could not be re-read: userinfo answered HTTP {Status}; {Consequence}", user, (int)response.StatusCode, consequence);
                return null;
            }
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(timeout.Token));
            if (json.RootElement.TryGetProperty("sub", out var sub) && sub.GetString() != subject)
            {
                logger.LogWarning("Groups of {User} could not be re-read: userinfo named another subject; {Consequence}", user, consequence);
                return null;
            }
            return json.RootElement.Clone();
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or JsonException or InvalidOperationException)
        {
            logger.LogWarning("Groups of {User} could not be re-read from userinfo ({Error}); {Consequence}", user, ex.GetType().Name, consequence);
            return null;
        }
    }
}
