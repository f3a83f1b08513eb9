using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;

namespace KnowledgePortal.Web.Auth;

/// <summary>Where and how <see cref="GraphGroupResolver"/> reads memberships (from AzureAd and Authentication:Graph).</summary>
public sealed record GraphClientSettings(
    string BaseUrl,
    string TokenEndpoint,
    string Scope,
    string ClientId,
    string? ClientSecret,
    string GroupsClaim,
    TimeSpan Timeout,
    TimeSpan CacheDuration)
{
    public static GraphClientSettings FromConfiguration(IConfiguration configuration, SignInOptions options)
    {
        var azureAd = configuration.GetSection("AzureAd");
        var instance = azureAd["Instance"] is { Length: > 0 } i ? i : "https://login.microsoftonline.com/";
        var tokenEndpoint = options.Graph.TokenEndpoint is { Length: > 0 } t
            ? t
            : $"{instance.TrimEnd('/')}/{azureAd["TenantId"]}/oauth2/v2.0/token";
        var secret = azureAd["ClientSecret"];
        if (string.IsNullOrWhiteSpace(secret))
        {
            // Microsoft.Identity.Web's other spelling: ClientCredentials [{ "SourceType": "ClientSecret", "ClientSecret": "..." }].
            secret = azureAd.GetSection("ClientCredentials").GetChildren()
                .Where(c => string.Equals(c["SourceType"], "ClientSecret", StringComparison.OrdinalIgnoreCase))
                .Select(c => c["ClientSecret"])
                .FirstOrDefault(s => !string.IsNullOrWhiteSpace(s));
        }
        return new GraphClientSettings(options.Graph.BaseUrl, tokenEndpoint, options.Graph.Scope, azureAd["ClientId"] ?? "",
            string.IsNullOrWhiteSpace(secret) ? null : secret, options.GroupsClaim,
            TimeSpan.FromSeconds(options.Graph.TimeoutSeconds), TimeSpan.FromMinutes(options.Graph.CacheMinutes));
    }
}

/// <summary>
/// Entra ID leaves the groups out of a token when a user is in too many (over 200 in a sign-in token) and sends
/// <c>_claim_names</c> {"groups": …} instead. This reads the memberships from Microsoft Graph
/// (<c>POST /v1.0/users/{oid}/getMemberObjects</c>) with the app's own client-credentials token and adds them as group
/// claims plus <see cref="GroupOverage.ResolvedClaim"/>. Any failure adds <see cref="GroupOverage.FailedClaim"/>, so the
/// sign-in gets no group-based access at all (fail closed), never more than the directory says.
/// </summary>
public sealed class GraphGroupResolver(HttpClient http, IMemoryCache cache, GraphClientSettings settings, ILogger<GraphGroupResolver> logger)
{
    private const int MaxPages = 100;
    private const string TokenCacheKey = "kp:graph:app-token";
    private static string GroupsCacheKey(string objectId) => "kp:graph:groups:" + objectId;

    /// <summary>
    /// Resolves an overage on the sign-in principal in place. Marker claims that arrived with the token are removed
    /// first: only this class decides whether the groups were resolved.
    /// </summary>
    public async Task ResolveAsync(ClaimsPrincipal principal, CancellationToken ct = default)
    {
        GroupOverage.RemoveMarkers(principal);
        if (!GroupOverage.HasOverage(principal)) return;
        var identity = principal.Identities.FirstOrDefault(i => i.IsAuthenticated) ?? principal.Identities.FirstOrDefault();
        if (identity is null) return;

        var objectId = principal.FindFirst(GroupOverage.ObjectIdClaimType)?.Value ?? principal.FindFirst("oid")?.Value;
        if (string.IsNullOrWhiteSpace(objectId))
        {
            Fail(identity, null, "the token has no object id (oid) claim");
            return;
        }

        if (cache.TryGetValue(GroupsCacheKey(objectId), out string[]? cached) && cached is not null)
        {
            AddGroups(identity, cached);
            logger.LogInformation("Group overage for user {ObjectId}: {Count} memberships from the cache", objectId, cached.Length);
            return;
        }
        if (string.IsNullOrWhiteSpace(settings.ClientSecret) || string.IsNullOrWhiteSpace(settings.ClientId))
        {
            Fail(identity, objectId, "no AzureAd:ClientId/ClientSecret is configured for Microsoft Graph");
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            var groups = await ReadMembershipsAsync(objectId, timeout.Token);
            if (settings.CacheDuration > TimeSpan.Zero)
                cache.Set(GroupsCacheKey(objectId), groups, settings.CacheDuration);
            AddGroups(identity, groups);
            logger.LogInformation("Group overage for user {ObjectId}: {Count} memberships read from Microsoft Graph", objectId, groups.Length);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            Fail(identity, objectId, $"no answer within {settings.Timeout.TotalSeconds:0} s");
        }
        catch (GraphException ex)
        {
            Fail(identity, objectId, ex.Message);
        }
        catch (HttpRequestException ex)
        {
            Fail(identity, objectId, ex.StatusCode is { } status ? $"HTTP {(int)status}" : "connection failed: " + ex.HttpRequestError);
        }
        catch (JsonException)
        {
            Fail(identity, objectId, "the response was not the JSON Graph sends");
        }
        catch (Exception ex) when (ex is UriFormatException or InvalidOperationException or NotSupportedException)
        {
            // A bad Graph or token endpoint address in the settings, or a malformed nextLink.
            Fail(identity, objectId, ex.GetType().Name + ": " + ex.Message);
        }
    }

    /// <summary>
    /// Session revalidation: whether the account is still enabled and its current security groups, read fresh from
    /// Graph (no cache). Null when it is disabled or cannot be read: the caller ends the session. App roles keep their
    /// sign-in values (null roles), since they change with the app's role assignments, not the directory's groups.
    /// </summary>
    public async Task<(string[] Groups, string[]? Roles)?> RereadGroupsAsync(ClaimsPrincipal principal, CancellationToken ct = default)
    {
        var objectId = principal.FindFirst(GroupOverage.ObjectIdClaimType)?.Value ?? principal.FindFirst("oid")?.Value;
        if (string.IsNullOrWhiteSpace(objectId) || string.IsNullOrWhiteSpace(settings.ClientSecret) || string.IsNullOrWhiteSpace(settings.ClientId))
        {
            logger.LogWarning("Groups of {ObjectId} could not be re-read: no object id, or no AzureAd:ClientId/ClientSecret for Microsoft Graph; signing out",
                objectId ?? "(unknown)");
            return null;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            var token = await GetAppTokenAsync(timeout.Token);
            var baseUri = new Uri(settings.BaseUrl.TrimEnd('/') + "/");
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUri, $"v1.0/users/{Uri.EscapeDataString(objectId)}?$select=accountEnabled"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode) throw new GraphException($"users/{{id}} answered HTTP {(int)response.StatusCode}");
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(timeout.Token));
            if (!json.RootElement.TryGetProperty("accountEnabled", out var enabled) || enabled.ValueKind != JsonValueKind.True)
            {
                logger.LogWarning("User {ObjectId} is disabled in the directory; signing out", objectId);
                return null;
            }
            var groups = await ReadMembershipsAsync(objectId, timeout.Token);
            if (settings.CacheDuration > TimeSpan.Zero) cache.Set(GroupsCacheKey(objectId), groups, settings.CacheDuration);
            return (groups, null);
        }
        catch (Exception ex) when (ex is GraphException or HttpRequestException or JsonException or OperationCanceledException or UriFormatException or InvalidOperationException)
        {
            if (ex is OperationCanceledException && ct.IsCancellationRequested) throw;
            logger.LogWarning("Groups of {ObjectId} could not be re-read from Microsoft Graph ({Error}); signing out", objectId, ex.GetType().Name);
            return null;
        }
    }

    private void AddGroups(ClaimsIdentity identity, IEnumerable<string> groups)
    {
        var existing = identity.FindAll(settings.GroupsClaim).Select(c => c.Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var group in groups)
            if (existing.Add(group)) identity.AddClaim(new Claim(settings.GroupsClaim, group));
        identity.AddClaim(new Claim(GroupOverage.ResolvedClaim, "true"));
    }

    private void Fail(ClaimsIdentity identity, string? objectId, string reason)
    {
        identity.AddClaim(new Claim(GroupOverage.FailedClaim, "true"));
        logger.LogWarning(
            "Group overage for user {ObjectId}: memberships could not be read from Microsoft Graph ({Reason}); group-based access is off for this sign-in",
            objectId ?? "(unknown)", reason);
    }

    private async Task<string[]> ReadMembershipsAsync(string objectId, CancellationToken ct)
    {
        var token = await GetAppTokenAsync(ct);
        var baseUri = new Uri(settings.BaseUrl.TrimEnd('/') + "/");
        var next = new Uri(baseUri, $"v1.0/users/{Uri.EscapeDataString(objectId)}/getMemberObjects");
        var groups = new List<string>();
        for (var page = 1; next is not null; page++)
        {
            if (page > MaxPages) throw new GraphException($"more than {MaxPages} pages");
            // The bearer token goes only to the configured Graph host, whatever a nextLink says.
            if (Uri.Compare(next, baseUri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
                throw new GraphException("a nextLink pointed away from the Graph host");

            using var request = new HttpRequestMessage(HttpMethod.Post, next)
            {
                Content = JsonContent.Create(new { securityEnabledOnly = true }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request, ct);
            if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized) cache.Remove(TokenCacheKey);
            if (!response.IsSuccessStatusCode) throw new GraphException($"getMemberObjects answered HTTP {(int)response.StatusCode}");

            await using var body = await response.Content.ReadAsStreamAsync(ct);
            using var json = await JsonDocument.ParseAsync(body, cancellationToken: ct);
            if (!json.RootElement.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Array)
                throw new GraphException("getMemberObjects answered without a value array");
            groups.AddRange(value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!));
            next = json.RootElement.TryGetProperty("@odata.nextLink", out var link) && link.ValueKind == JsonValueKind.String && link.GetString() is { Length: > 0 } href
                ? new Uri(href, UriKind.Absolute)
                : null;
        }
        return groups.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
    }

    private async Task<string> GetAppTokenAsync(CancellationToken ct)
    {
        if (cache.TryGetValue(TokenCacheKey, out string? cached) && cached is not null) return cached;
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.TokenEndpoint)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = settings.ClientId,
                ["client_secret"] = settings.ClientSecret!,
                ["scope"] = settings.Scope,
            }),
        };
        using var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode) throw new GraphException($"the token endpoint answered HTTP {(int)response.StatusCode}");
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        using var json = await JsonDocument.ParseAsync(body, cancellationToken: ct);
        if (!json.RootElement.TryGetProperty("access_token", out var accessToken) || accessToken.ValueKind != JsonValueKind.String
            || accessToken.GetString() is not { Length: > 0 } token)
            throw new GraphException("the token endpoint answered without an access_token");
        var lifetime = json.RootElement.TryGetProperty("expires_in", out var expiresIn) && expiresIn.ValueKind == JsonValueKind.Number
                       && expiresIn.TryGetInt32(out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromMinutes(5);
        // Reuse the token until shortly before it expires.
        var reuse = lifetime - TimeSpan.FromMinutes(5);
        if (reuse > TimeSpan.FromSeconds(30)) cache.Set(TokenCacheKey, token, reuse);
        return token;
    }

    private sealed class GraphException(string message) : Exception(message);
}
