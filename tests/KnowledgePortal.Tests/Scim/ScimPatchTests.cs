using System.Text.Json.Nodes;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Web.Scim;

namespace KnowledgePortal.Tests.Scim;

/// <summary>PatchOp bodies as Entra ID provisioning sends them, and the filters and token comparison of /scim.</summary>
public class ScimPatchTests
{
    private static readonly ProvisionedUserData Alice = new("alice@contoso.com", "oid-1", "Alice", "alice@contoso.com", true);

    private static IReadOnlyList<ScimPatchOperation> Ops(string operations) =>
        ScimPatch.Parse(JsonNode.Parse($$"""{"schemas":["{{ScimPatch.Schema}}"],"Operations":{{operations}}}"""));

    [Fact]
    public void ApplyToUser_ReplaceActiveWithFalseString_Deactivates() =>
        Assert.False(ScimPatch.ApplyToUser(Alice, Ops("""[{"op":"Replace","path":"active","value":"False"}]""")).Active);

    [Fact]
    public void ApplyToUser_ReplaceActiveWithBool_Reactivates() =>
        Assert.True(ScimPatch.ApplyToUser(Alice with { Active = false }, Ops("""[{"op":"replace","path":"active","value":true}]""")).Active);

    [Fact]
    public void ApplyToUser_ValueObjectWithoutPath_AppliesEachAttribute()
    {
        var user = ScimPatch.ApplyToUser(Alice, Ops("""[{"op":"replace","value":{"active":false,"displayName":"Alice B."}}]"""));
        Assert.Equal(Alice with { Active = false, DisplayName = "Alice B." }, user);
    }

    [Fact]
    public void ApplyToUser_ReplaceEmailsAndDisplayName_Changes()
    {
        var user = ScimPatch.ApplyToUser(Alice, Ops("""
            [{"op":"Replace","path":"emails[type eq \"work\"].value","value":"a.b@contoso.com"},
             {"op":"Replace","path":"displayName","value":"Alice Brown"},
             {"op":"Add","path":"title","value":"Engineer"}]
            """));
        Assert.Equal(Alice with { Email = "a.b@contoso.com", DisplayName = "Alice Brown" }, user);
    }

    [Fact]
    public void ApplyToUser_NameOfUserWithoutDisplayName_NamesIt()
    {
        var nameless = Alice with { DisplayName = Alice.UserName };
        var user = ScimPatch.ApplyToUser(nameless, Ops("""[{"op":"replace","path":"name","value":{"givenName":"Alice","familyName":"Brown"}}]"""));
        Assert.Equal("Alice Brown", user.DisplayName);
        Assert.Equal("Alice", ScimPatch.ApplyToUser(Alice, Ops("""[{"op":"replace","path":"name.formatted","value":"Other"}]""")).DisplayName);
    }

    [Fact]
    public void ApplyToUser_ActiveNotBoolean_Throws() =>
        Assert.Equal("invalidValue", Assert.Throws<ScimException>(() =>
            ScimPatch.ApplyToUser(Alice, Ops("""[{"op":"replace","path":"active","value":"maybe"}]"""))).ScimType);

    [Fact]
    public void ToGroupChange_AddMembers_AddsIds()
    {
        var change = ScimPatch.ToGroupChange(Ops("""[{"op":"Add","path":"members","value":[{"value":"12"},{"value":"14"}]}]"""));
        Assert.Equal(new[] { 12, 14 }, change.AddMembers);
        Assert.Empty(change.RemoveMembers);
        Assert.Null(change.ReplaceMembers);
    }

    [Fact]
    public void ToGroupChange_RemoveWithFilteredPath_RemovesThatMember()
    {
        var change = ScimPatch.ToGroupChange(Ops("""[{"op":"Remove","path":"members[value eq \"12\"]"}]"""));
        Assert.Equal(new[] { 12 }, change.RemoveMembers);
        Assert.False(change.RemoveAllMembers);
    }

    [Fact]
    public void ToGroupChange_RemoveMembersWithValues_RemovesThem() =>
        Assert.Equal(new[] { 3 }, ScimPatch.ToGroupChange(Ops("""[{"op":"Remove","path":"members","value":[{"value":"3"}]}]""")).RemoveMembers);

    [Fact]
    public void ToGroupChange_RemoveMembersWithoutValue_RemovesAll() =>
        Assert.True(ScimPatch.ToGroupChange(Ops("""[{"op":"remove","path":"members"}]""")).RemoveAllMembers);

    [Fact]
    public void ToGroupChange_ReplaceDisplayNameAndMembers_Replaces()
    {
        var change = ScimPatch.ToGroupChange(Ops("""
            [{"op":"Replace","path":"displayName","value":"HR readers"},{"op":"replace","path":"members","value":[{"value":"5"}]}]
            """));
        Assert.Equal("HR readers", change.DisplayName);
        Assert.Equal(new[] { 5 }, change.ReplaceMembers);
    }

    [Fact]
    public void ToGroupChange_UnknownPath_Throws() =>
        Assert.Equal("invalidPath", Assert.Throws<ScimException>(() => ScimPatch.ToGroupChange(Ops("""[{"op":"add","path":"owners","value":[]}]"""))).ScimType);

    [Fact]
    public void Parse_NoOperations_Throws() =>
        Assert.Equal(400, Assert.Throws<ScimException>(() => ScimPatch.Parse(JsonNode.Parse("""{"schemas":[]}"""))).Status);

    [Fact]
    public void Parse_UnknownOp_Throws() =>
        Assert.Throws<ScimException>(() => Ops("""[{"op":"move","path":"active"}]"""));

    [Fact]
    public void FilterParse_EqualsForKnownAttribute_ReturnsAttributeAndValue()
    {
        Assert.Equal(("userName", "a\"b@contoso.com"), ScimFilter.Parse("""username eq "a\"b@contoso.com" """, "userName", "externalId"));
        Assert.Equal((null, null), ScimFilter.Parse(null, "userName"));
    }

    [Theory]
    [InlineData("userName co \"a\"")]
    [InlineData("title eq \"x\"")]
    [InlineData("userName eq \"a\" or userName eq \"b\"")]
    public void FilterParse_OtherForms_Throws(string filter) =>
        Assert.Equal("invalidFilter", Assert.Throws<ScimException>(() => ScimFilter.Parse(filter, "userName")).ScimType);

    [Fact]
    public void TokenMatches_OnlyTheConfiguredSecret_Matches()
    {
        Assert.True(ScimAuthenticationHandler.Matches("s3cret-token", "s3cret-token"));
        Assert.False(ScimAuthenticationHandler.Matches("s3cret-tokeN", "s3cret-token"));
        Assert.False(ScimAuthenticationHandler.Matches("", ""));
        Assert.False(ScimAuthenticationHandler.Matches("anything", null));
    }

    [Fact]
    public void ReadUser_EntraCreateBody_ReadsAttributes()
    {
        var user = ScimResources.ReadUser(JsonNode.Parse("""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"externalId":"oid-9","userName":"bob@contoso.com","active":"True",
             "displayName":"Bob","emails":[{"primary":true,"type":"work","value":"bob@contoso.com"}],"name":{"givenName":"Bob"}}
            """));
        Assert.Equal(new ProvisionedUserData("bob@contoso.com", "oid-9", "Bob", "bob@contoso.com", true), user);
    }
}
