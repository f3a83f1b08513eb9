namespace KnowledgePortal.Web.Scim;

/// <summary>"Scim" settings: the provisioning token (the "Secret Token" entered in Entra ID). Unset: /scim refuses everything.</summary>
public sealed class ScimOptions
{
    public const string Section = "Scim";
    public string? Token { get; set; }
}
