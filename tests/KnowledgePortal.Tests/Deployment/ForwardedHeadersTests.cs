using System.Net;
using System.Text.RegularExpressions;
using KnowledgePortal.Tests.Infrastructure;

namespace KnowledgePortal.Tests.Deployment;

/// <summary>
/// The real portal binary behind a TLS-terminating proxy: the test client plays the proxy (it connects from 127.0.0.1
/// and sends X-Forwarded-Proto: https), so only the configured trust decides whether the request counts as https.
/// </summary>
[Trait(TestTier.Name, TestTier.Db)]
public class ForwardedHeadersTests
{
    /// <summary>Signs in as staff with every request "forwarded" as https; returns the Set-Cookie headers seen.</summary>
    private static async Task<List<string>> SignInThroughProxyAsync(PortalProcess portal)
    {
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(portal.BaseUrl) };
        var setCookies = new List<string>();

        var get = new HttpRequestMessage(HttpMethod.Get, "/account/signin");
        get.Headers.Add("X-Forwarded-Proto", "https");
        var page = await http.SendAsync(get);
        setCookies.AddRange(page.Headers.GetValues("Set-Cookie"));
        var token = Regex.Match(await page.Content.ReadAsStringAsync(), "<input[^>]*__RequestVerificationToken[^>]*value=\"([^\"]+)\"").Groups[1].Value;

        var post = new HttpRequestMessage(HttpMethod.Post, "/account/dev-signin")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["user"] = "staff", ["returnUrl"] = "/", ["__RequestVerificationToken"] = token }),
        };
        post.Headers.Add("X-Forwarded-Proto", "https");
        // Secure cookies are ours to send back by hand: a cookie jar would not return them over the test's plain http.
        post.Headers.Add("Cookie", string.Join("; ", setCookies.Select(c => c.Split(';')[0])));
        var signedIn = await http.SendAsync(post);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        setCookies.AddRange(signedIn.Headers.GetValues("Set-Cookie"));
        return setCookies;
    }

    private static string Cookie(List<string> setCookies, string prefix) =>
        Assert.Single(setCookies, c => c.StartsWith(prefix, StringComparison.Ordinal));

    private static bool IsSecure(string setCookie) =>
        setCookie.Split(';').Any(p => p.Trim().Equals("secure", StringComparison.OrdinalIgnoreCase));

    [Fact]
    public async Task SignIn_ForwardedHttpsFromTrustedProxy_AuthAndAntiforgeryCookiesAreSecure()
    {
        await using var db = await TestDatabase.CreateAsync("fwdtrust");
        await using var portal = await PortalProcess.StartAsync(db.ConnectionString, new Dictionary<string, string>
        {
            ["ForwardedHeaders__KnownProxies__0"] = "127.0.0.1",
        });

        var cookies = await SignInThroughProxyAsync(portal);

        Assert.True(IsSecure(Cookie(cookies, "kp.auth=")), string.Join("\n", cookies));
        Assert.True(IsSecure(Cookie(cookies, ".AspNetCore.Antiforgery.")), string.Join("\n", cookies));
    }

    [Theory]
    [InlineData(null)]        // the default: nobody is trusted, not even loopback
    [InlineData("10.9.8.7")]  // a proxy, but not the one this request came from
    public async Task SignIn_ForwardedHttpsFromUntrustedAddress_IsIgnored(string? proxy)
    {
        await using var db = await TestDatabase.CreateAsync("fwdnone");
        await using var portal = await PortalProcess.StartAsync(db.ConnectionString,
            proxy is null ? null : new Dictionary<string, string> { ["ForwardedHeaders__KnownProxies__0"] = proxy });

        var cookies = await SignInThroughProxyAsync(portal);

        Assert.False(IsSecure(Cookie(cookies, "kp.auth=")), string.Join("\n", cookies));
        Assert.False(IsSecure(Cookie(cookies, ".AspNetCore.Antiforgery.")), string.Join("\n", cookies));
    }

    [Fact]
    public async Task Start_KnownProxyNotAnAddress_StopsNamingTheEntry()
    {
        await using var db = await TestDatabase.CreateAsync("fwdbad");
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => PortalProcess.StartAsync(db.ConnectionString, new Dictionary<string, string>
        {
            ["ForwardedHeaders__KnownProxies__0"] = "proxy.example",
            ["ForwardedHeaders__KnownNetworks__0"] = "10.0.0.0/99",
        }));
        Assert.Contains("Configuration error", failure.Message);
        Assert.Contains("ForwardedHeaders:KnownProxies: 'proxy.example' is not an IP address", failure.Message);
        Assert.Contains("ForwardedHeaders:KnownNetworks: '10.0.0.0/99'", failure.Message);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public async Task Request_ProductionBehindProxy_HstsOnlyWhenTheTrustedProxySaysHttps(bool trusted, bool expectHsts)
    {
        await using var db = await TestDatabase.CreateAsync("fwdhsts");
        using var certificate = new TestCertificate();
        var settings = ProductionSettings(certificate);
        if (trusted) settings["ForwardedHeaders__KnownNetworks__0"] = "127.0.0.0/8";
        await using var portal = await PortalProcess.StartAsync(db.ConnectionString, settings);
        using var http = new HttpClient { BaseAddress = new Uri(portal.BaseUrl) };

        var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.Host = "portal.example.com"; // HSTS is never sent to localhost names
        request.Headers.Add("X-Forwarded-Proto", "https");
        var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expectHsts, response.Headers.Contains("Strict-Transport-Security"));
    }

    /// <summary>Production with OIDC sign-in (the provider is only contacted on a sign-in, which these tests never do).</summary>
    internal static Dictionary<string, string> ProductionSettings(TestCertificate? certificate)
    {
        var settings = certificate?.Settings() ?? [];
        settings["ASPNETCORE_ENVIRONMENT"] = "Production";
        settings["Authentication__Mode"] = "Oidc";
        settings["Authentication__Oidc__Authority"] = "https://idp.invalid/realms/test";
        settings["Authentication__Oidc__ClientId"] = "portal";
        return settings;
    }
}
