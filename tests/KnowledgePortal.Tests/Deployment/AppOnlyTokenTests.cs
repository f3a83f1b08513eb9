using System.Security.Claims;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Web.Auth;
using KnowledgePortal.Web.Hosting;

namespace KnowledgePortal.Tests.Deployment;

/// <summary>Client-credentials (app-only) tokens are attributed to, and budgeted by, the calling app's client id.</summary>
public class AppOnlyTokenTests
{
    private static ClaimsPrincipal Token(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "AuthenticationTypes.Federation"));

    // Entra v2 app-only tokens as Microsoft.Identity.Web sees them: no user name, sub == oid, no scp.
    private static ClaimsPrincipal App(string clientId, string servicePrincipalId, bool withIdtyp = true) => withIdtyp
        ? Token(("azp", clientId), ("oid", servicePrincipalId), ("sub", servicePrincipalId), ("idtyp", "app"), ("roles", "Ask"))
        : Token(("appid", clientId), ("oid", servicePrincipalId), ("sub", servicePrincipalId), ("roles", "Ask"));

    private static UserAccess Access(ClaimsPrincipal principal) =>
        AccessResolver.Resolve(PortalClaims.ToExternalIdentity(principal, "groups", "roles"), [], [], [], [], RoleClaimMapping.None);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ToExternalIdentity_AppOnlyToken_AttributedByClientId(bool withIdtyp)
    {
        var identity = PortalClaims.ToExternalIdentity(App("client-a", "sp-1", withIdtyp), "groups", "roles");

        Assert.Equal("app:client-a", identity.Subject);
        Assert.Equal("app:client-a", identity.UserName);
        Assert.Contains("client-a", identity.DisplayName);
    }

    [Fact]
    public void ToExternalIdentity_DelegatedUserToken_StaysTheUser()
    {
        // A user's token for the same client: it has scp, and its pairwise sub differs from the oid.
        var user = Token(("azp", "client-a"), ("oid", "user-oid"), ("sub", "pairwise"), ("scp", "access_as_user"),
            ("preferred_username", "alice@contoso.example"), ("idtyp", "user"));
        var noIdtyp = Token(("azp", "client-a"), ("oid", "user-oid"), ("sub", "pairwise"), ("scp", "access_as_user"));

        Assert.Equal("user-oid", PortalClaims.ToExternalIdentity(user, "groups", "roles").Subject);
        Assert.Equal("alice@contoso.example", PortalClaims.ToExternalIdentity(user, "groups", "roles").UserName);
        Assert.Null(PortalClaims.AppClientId(noIdtyp));
    }

    [Fact]
    public void TryAsk_TwoAppClients_EachHasItsOwnBudget()
    {
        // Before: the API limiter keyed callers by preferred_username or name, which app tokens lack, so every app
        // (and every user without one) shared the "anonymous" budget.
        var limiter = new UserRateLimiter(asksPerMinute: 1, uploadsPerMinute: 1);
        var appA = Access(App("client-a", "sp-1"));
        var appB = Access(App("client-b", "sp-2"));
        var appAInOtherTenant = Access(App("client-a", "sp-9"));

        Assert.True(limiter.TryAsk(appA));
        Assert.False(limiter.TryAsk(appA));
        Assert.False(limiter.TryAsk(appAInOtherTenant)); // same app, same budget
        Assert.True(limiter.TryAsk(appB));
    }

    [Fact]
    public void TryAsk_Anonymous_IsRefused() =>
        Assert.False(new UserRateLimiter(10, 10).TryAsk(UserAccess.Anonymous));
}
