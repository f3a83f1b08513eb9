using System.Security.Claims;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Web.Auth;

namespace KnowledgePortal.Tests.Identity;

public sealed class RoleMappingTests
{
    private static readonly PortalGroup Admins = new() { Id = 7, Name = "Portal admins", GrantsRole = PortalRole.Admin };

    private static UserAccess Resolve(string[] roles, RoleClaimMapping mapping, params GroupMapping[] mappings) =>
        AccessResolver.Resolve(new ExternalIdentity("oidc:1", "u", "U", null, [], roles), mappings, [Admins], [], [1], mapping);

    [Fact]
    public void Resolve_BareAdminRoleNotMapped_NotAdminNorKnowledgeManager()
    {
        var user = Resolve(["Admin", "KnowledgeManager"], RoleClaimMapping.None);

        Assert.False(user.IsAdmin);
        Assert.False(user.IsKnowledgeManager);
    }

    [Fact]
    public void Resolve_RoleListedInConfiguration_Admin()
    {
        var mapping = new RoleClaimMapping(["KnowledgePortal.Admin"], []);

        Assert.True(Resolve(["KnowledgePortal.Admin"], mapping).IsAdmin);
        Assert.False(Resolve(["Admin"], mapping).IsAdmin);
    }

    [Fact]
    public void Resolve_RoleMappedToGroupGrantingAdmin_Admin()
    {
        var user = Resolve(["it-admins"], RoleClaimMapping.None, new GroupMapping { GroupId = 7, Kind = GroupMappingKind.AppRole, Value = "it-admins" });

        Assert.True(user.IsAdmin);
    }

    [Theory]
    [InlineData(null, SignInMode.Development, true)]
    [InlineData(null, null, true)] // the CLI in Development, which never signs anyone in
    [InlineData(null, SignInMode.Oidc, false)]
    [InlineData(null, SignInMode.EntraId, false)]
    [InlineData("Production", SignInMode.Development, false)]
    public void RoleMapping_NothingConfigured_DemoNamesOnlyForLocalDevelopment(string? environment, SignInMode? mode, bool demo)
    {
        var mapping = new SignInOptions { Mode = mode }.RoleMapping(environment is null);

        Assert.Equal(demo ? RoleClaimMapping.Demo : RoleClaimMapping.None, mapping);
    }

    [Fact]
    public void StripIncomingRoles_TokenCarriesPortalRoleClaim_Removed()
    {
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "x"), new Claim(PortalClaims.Role, "Admin")], "oidc"));

        PortalRoleClaimsTransformation.StripIncomingRoles(principal);

        Assert.False(principal.HasClaim(c => c.Type == PortalClaims.Role));
        Assert.True(principal.HasClaim("sub", "x"));
    }

    [Theory]
    [InlineData("common", true)]
    [InlineData("Organizations", true)]
    [InlineData("consumers", true)]
    [InlineData("72f988bf-86f1-41af-91ab-2d7cd011db47", false)]
    public void IsMultiTenant_Authority_Detected(string tenant, bool multi) => Assert.Equal(multi, TenantPolicy.IsMultiTenant(tenant));

    [Fact]
    public void Allows_TokenFromUnlistedTenant_Refused()
    {
        var allowed = new[] { "11111111-1111-1111-1111-111111111111" };
        ClaimsPrincipal From(string tid) => new(new ClaimsIdentity([new Claim("tid", tid)], "jwt"));

        Assert.True(TenantPolicy.Allows(From("11111111-1111-1111-1111-111111111111"), allowed));
        Assert.False(TenantPolicy.Allows(From("22222222-2222-2222-2222-222222222222"), allowed));
        Assert.False(TenantPolicy.Allows(new ClaimsPrincipal(new ClaimsIdentity([], "jwt")), allowed));
        Assert.True(TenantPolicy.Allows(From("anything"), []));
    }
}

public sealed class SessionRevalidationTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void IsFresh_StampWithinBound_TrueAfterBoundFalse()
    {
        var principal = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity([], "oidc"));
        KnowledgePortal.Web.Auth.SessionRevalidation.Stamp(principal, Now);

        Assert.True(KnowledgePortal.Web.Auth.SessionRevalidation.IsFresh(principal, Now.AddMinutes(4), TimeSpan.FromMinutes(5)));
        Assert.False(KnowledgePortal.Web.Auth.SessionRevalidation.IsFresh(principal, Now.AddMinutes(6), TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void Stamp_ProviderSentItsOwnStamp_ReplacedNotBelieved()
    {
        var principal = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim(KnowledgePortal.Web.Auth.SessionRevalidation.StampClaim, "99999999999")], "oidc"));

        KnowledgePortal.Web.Auth.SessionRevalidation.Stamp(principal, Now.AddHours(-1));

        Assert.Single(principal.FindAll(KnowledgePortal.Web.Auth.SessionRevalidation.StampClaim));
        Assert.False(KnowledgePortal.Web.Auth.SessionRevalidation.IsFresh(principal, Now, TimeSpan.FromMinutes(5)));
        Assert.False(KnowledgePortal.Web.Auth.SessionRevalidation.IsFresh(new(new System.Security.Claims.ClaimsIdentity([], "oidc")), Now, TimeSpan.FromMinutes(5)));
    }
}
