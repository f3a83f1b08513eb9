using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Web.Auth;

namespace KnowledgePortal.Tests.Tokens;

/// <summary>The token format, its hash and its lifetime rules; the principal a token gives and which scheme reads a request.</summary>
public class ApiTokenRulesTests
{
    [Fact]
    public void Generate_Always_KptPrefixAnd32RandomBytesInBase64Url()
    {
        var tokens = Enumerable.Range(0, 200).Select(_ => ApiTokenRules.Generate()).ToList();

        Assert.All(tokens, t =>
        {
            Assert.StartsWith("kpt_", t);
            Assert.Equal(ApiTokenRules.TokenLength, t.Length);
            Assert.True(ApiTokenRules.IsWellFormed(t), t);
            var base64 = t[4..].Replace('-', '+').Replace('_', '/') + "=";
            Assert.Equal(32, Convert.FromBase64String(base64).Length);
        });
        Assert.Equal(tokens.Count, tokens.Distinct().Count());
    }

    [Fact]
    public void Hash_Token_IsSha256OfTheWholeStringAndDiffersPerToken()
    {
        var token = ApiTokenRules.Generate();

        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(token)), ApiTokenRules.Hash(token));
        Assert.Equal(ApiTokenRules.Hash(token), ApiTokenRules.Hash(token));
        Assert.NotEqual(ApiTokenRules.Hash(token), ApiTokenRules.Hash(token[..^1] + (token[^1] == 'A' ? 'B' : 'A')));
    }

    [Fact]
    public void Prefix_Token_FirstTwelveCharacters()
    {
        var token = ApiTokenRules.Generate();

        Assert.Equal(token[..12], ApiTokenRules.Prefix(token));
        Assert.StartsWith("kpt_", ApiTokenRules.Prefix(token));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("kpt_short")]
    [InlineData("xyz_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("kpt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("kpt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")]
    [InlineData("kpt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void IsWellFormed_NotAToken_False(string? token) => Assert.False(ApiTokenRules.IsWellFormed(token));

    [Theory]
    [InlineData(1, 90, true)]
    [InlineData(90, 90, true)]
    [InlineData(0, 90, false)]
    [InlineData(-5, 90, false)]
    [InlineData(91, 90, false)]
    [InlineData(365, 365, true)]
    public void CheckDays_Lifetime_AllowedFromOneDayToTheMaximum(int days, int maxDays, bool allowed) =>
        Assert.Equal(allowed, ApiTokenRules.CheckDays(days, maxDays) is null);

    [Fact]
    public void IsExpired_AtTheExpiryInstant_Expired()
    {
        var created = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var expires = ApiTokenRules.ExpiresAt(created, 30);

        Assert.Equal(created.AddDays(30), expires);
        Assert.False(ApiTokenRules.IsExpired(expires, expires.AddTicks(-1)));
        Assert.True(ApiTokenRules.IsExpired(expires, expires));
        Assert.True(ApiTokenRules.IsExpired(expires, expires.AddDays(1)));
    }

    [Fact]
    public void ShouldRecordUse_WithinAMinuteOfTheLastWrite_False()
    {
        var now = DateTimeOffset.UtcNow;

        Assert.True(ApiTokenRules.ShouldRecordUse(null, now));
        Assert.False(ApiTokenRules.ShouldRecordUse(now.AddSeconds(-59), now));
        Assert.True(ApiTokenRules.ShouldRecordUse(now.AddMinutes(-1), now));
    }

    [Theory]
    [InlineData("search,ask", "search,ask")]
    [InlineData("ask search", "search,ask")]
    [InlineData(" ASK ", "ask")]
    [InlineData("search,search", "search")]
    public void Parse_KnownScopes_CanonicalOrder(string given, string expected) =>
        Assert.Equal(expected.Split(','), ApiTokenScopes.Parse([given]));

    [Theory]
    [InlineData("")]
    [InlineData("admin")]
    [InlineData("search,admin")]
    public void Parse_NoneOrUnknownScope_Null(string given) => Assert.Null(ApiTokenScopes.Parse([given]));

    private static readonly SignInOptions Options = new() { GroupsClaim = "groups", RolesClaim = "roles" };

    private static ApiTokenHolder Holder(params string[] scopes) => new(Guid.NewGuid(), scopes, 7, "dev:hr", "hr", "Tanaka Ken", "hr@demo.local",
        ["Staff", "HR"], ["KnowledgeManager"], DateTimeOffset.UtcNow);

    [Fact]
    public void For_TokenHolder_GivesTheSameIdentityAsTheSessionOfThatPerson()
    {
        // The Development sign-in's principal of the same person (AuthenticationSetup.MapPortalAccountEndpoints).
        var session = new ClaimsPrincipal(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, "dev:hr"), new Claim(ClaimTypes.Name, "Tanaka Ken"), new Claim("name", "Tanaka Ken"),
            new Claim(PortalClaims.UserName, "hr"), new Claim(ClaimTypes.Email, "hr@demo.local"),
            new Claim("groups", "Staff"), new Claim("groups", "HR"), new Claim("roles", "KnowledgeManager"),
        ], "DevelopmentSignIn", ClaimTypes.Name, "roles"));

        var fromToken = PortalClaims.ToExternalIdentity(ApiTokenPrincipal.For(Holder(ApiTokenScopes.Search), Options), "groups", "roles");
        var fromSession = PortalClaims.ToExternalIdentity(session, "groups", "roles");

        Assert.Equal(fromSession with { Groups = [], Roles = [] }, fromToken with { Groups = [], Roles = [] });
        Assert.Equal(fromSession.Groups, fromToken.Groups);
        Assert.Equal(fromSession.Roles, fromToken.Roles);
        Assert.Null(fromToken.GroupResolutionProblem);
    }

    [Fact]
    public void Allows_TokenPrincipal_OnlyItsScopes_OtherPrincipalsEverything()
    {
        var token = ApiTokenPrincipal.For(Holder(ApiTokenScopes.Search), Options);
        var session = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "dev:hr"), new Claim(ApiTokenPrincipal.ScopeClaim, "ask")], "Cookies"));

        Assert.True(ApiTokenPrincipal.IsToken(token));
        Assert.True(ApiTokenPrincipal.Allows(token, ApiTokenScopes.Search));
        Assert.False(ApiTokenPrincipal.Allows(token, ApiTokenScopes.Ask));
        Assert.False(ApiTokenPrincipal.IsToken(session));
        Assert.True(ApiTokenPrincipal.Allows(session, ApiTokenScopes.Ask));
        Assert.NotNull(ApiTokenPrincipal.TokenId(token));
    }

    [Theory]
    [InlineData(null, true, true, "Cookies")]
    [InlineData(null, true, false, "ApiToken")]
    [InlineData("Bearer kpt_abc", true, true, "ApiToken")]
    [InlineData("Bearer eyJhbGciOi.x.y", true, true, "Bearer")]
    [InlineData("Bearer eyJhbGciOi.x.y", false, true, "ApiToken")]
    [InlineData("Basic dXNlcjpwdw==", true, true, "Cookies")]
    public void Select_Request_OneSchemeByWhatItCarries(string? authorization, bool acceptsJwt, bool cookieFallback, string scheme)
    {
        var context = new DefaultHttpContext();
        if (authorization is not null) context.Request.Headers.Authorization = authorization;

        Assert.Equal(scheme, PortalSchemes.Select(context, acceptsJwt, cookieFallback));
    }
}
