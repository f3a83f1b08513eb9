using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Tests.Deployment;

/// <summary>A password-protected .pfx in a temporary folder, as an operator would mount it.</summary>
public sealed class TestCertificate : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kp-dp-").FullName;

    public TestCertificate()
    {
        using var rsa = RSA.Create(2048);
        using var cert = new CertificateRequest("CN=KnowledgePortal test data protection", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        Path = System.IO.Path.Combine(_dir, "dp.pfx");
        File.WriteAllBytes(Path, cert.Export(X509ContentType.Pfx, Password));
    }

    public string Path { get; }
    public string Password { get; } = "pw-" + Guid.NewGuid().ToString("N");

    public Dictionary<string, string> Settings() => new()
    {
        ["DataProtection__CertificatePath"] = Path,
        ["DataProtection__CertificatePassword"] = Password,
    };

    /// <summary>
    /// The settings plus a home folder of its own, as on a separate server: without it, processes of one account would
    /// share the framework's default key folder (~/.aspnet/DataProtection-Keys) and prove nothing about the database.
    /// </summary>
    public Dictionary<string, string> SettingsOnOwnMachine(string machine)
    {
        var home = Directory.CreateDirectory(System.IO.Path.Combine(_dir, "home-" + machine)).FullName;
        var settings = Settings();
        settings["HOME"] = home;
        settings["XDG_DATA_HOME"] = System.IO.Path.Combine(home, ".local", "share");
        return settings;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

[Trait(TestTier.Name, TestTier.Db)]
public class DataProtectionTests
{
    private static HttpClient Client(PortalProcess portal) =>
        new(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(portal.BaseUrl) };

    private static string CookiePairs(HttpResponseMessage response) =>
        string.Join("; ", response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));

    /// <summary>Signin page from <paramref name="first"/>, the form posted to <paramref name="second"/>: the kp.auth cookie it issues.</summary>
    private static async Task<(HttpStatusCode Status, string? AuthCookie)> SignInAcrossAsync(PortalProcess first, PortalProcess second)
    {
        using var a = Client(first);
        var page = await a.GetAsync("/account/signin");
        var token = Regex.Match(await page.Content.ReadAsStringAsync(), "<input[^>]*__RequestVerificationToken[^>]*value=\"([^\"]+)\"").Groups[1].Value;
        using var b = Client(second);
        var post = new HttpRequestMessage(HttpMethod.Post, "/account/dev-signin")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["user"] = "staff", ["returnUrl"] = "/", ["__RequestVerificationToken"] = token }),
        };
        post.Headers.Add("Cookie", CookiePairs(page));
        var response = await b.SendAsync(post);
        var auth = response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies.FirstOrDefault(c => c.StartsWith("kp.auth=")) : null;
        return (response.StatusCode, auth?.Split(';')[0]);
    }

    private static async Task<HttpStatusCode> SessionsAsync(PortalProcess portal, string authCookie)
    {
        using var http = Client(portal);
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/sessions");
        request.Headers.Add("Cookie", authCookie);
        return (await http.SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task TwoInstances_SameDatabaseAndCertificate_AcceptEachOthersAntiforgeryAndSignInCookies()
    {
        using var cert = new TestCertificate();
        await using var db = await TestDatabase.CreateAsync("dpshare");
        await using var first = await PortalProcess.StartAsync(db.ConnectionString, cert.SettingsOnOwnMachine("a"));
        await using var second = await PortalProcess.StartAsync(db.ConnectionString, cert.SettingsOnOwnMachine("b"));

        var (status, auth) = await SignInAcrossAsync(first, second); // antiforgery token of the first, checked by the second

        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.NotNull(auth);
        Assert.Equal(HttpStatusCode.OK, await SessionsAsync(first, auth)); // cookie of the second, read by the first
        Assert.Equal(HttpStatusCode.OK, await SessionsAsync(second, auth));

        // The ring is in PostgreSQL, and no key is stored in the clear.
        await using var ctx = db.CreateContext();
        var keys = await ctx.DataProtectionKeys.Select(k => k.Xml!).ToListAsync();
        var key = Assert.Single(keys);
        Assert.Contains("<encryptedSecret", key);
        Assert.Contains("EncryptedData", key);
        Assert.DoesNotContain("<masterKey", key);
        Assert.DoesNotContain("<value>", key);
    }

    [Fact]
    public async Task Instance_OtherCertificate_CannotReadTheStoredKeys()
    {
        using var cert = new TestCertificate();
        using var other = new TestCertificate();
        await using var db = await TestDatabase.CreateAsync("dpother");
        string? auth;
        await using (var first = await PortalProcess.StartAsync(db.ConnectionString, cert.SettingsOnOwnMachine("a")))
            (_, auth) = await SignInAcrossAsync(first, first);
        Assert.NotNull(auth);

        // Someone with the database (a dump, a backup) but without the certificate: the keys do not open.
        await using var intruder = await PortalProcess.StartAsync(db.ConnectionString, other.SettingsOnOwnMachine("b"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SessionsAsync(intruder, auth));
    }

    [Fact]
    public async Task Start_ProductionWithoutCertificate_StopsNamingTheSetting()
    {
        await using var db = await TestDatabase.CreateAsync("dpnocert");
        var settings = ForwardedHeadersTests.ProductionSettings(certificate: null);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => PortalProcess.StartAsync(db.ConnectionString, settings));

        Assert.Contains("Configuration error", failure.Message);
        Assert.Contains("DataProtection:CertificatePath is required outside Development", failure.Message);
        Assert.DoesNotContain("   at ", failure.Message);
    }

    [Fact]
    public async Task Start_CertificateWithWrongPassword_StopsNamingTheSetting()
    {
        using var cert = new TestCertificate();
        await using var db = await TestDatabase.CreateAsync("dpbadpw");
        var settings = cert.Settings();
        settings["DataProtection__CertificatePassword"] = "wrong";

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => PortalProcess.StartAsync(db.ConnectionString, settings));

        Assert.Contains("DataProtection:CertificatePath cannot be read", failure.Message);
    }
}
