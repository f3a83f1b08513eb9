namespace KnowledgePortal.Core.Domain;

/// <summary>
/// A directory group pushed by SCIM provisioning (Entra ID). <see cref="ClaimValue"/> is what a <see cref="GroupMapping"/>
/// of kind ExternalGroup matches: the group's object id (SCIM externalId), as in the groups claim of a sign-in.
/// </summary>
public class ProvisionedGroup
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    /// <summary>The directory's id of the group (Entra object id); null when the provisioning sends none.</summary>
    public string? ExternalId { get; set; }
    public required string DisplayName { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public List<ProvisionedMembership> Members { get; set; } = [];

    /// <summary>The claim value this group stands for: its external id, else its display name.</summary>
    public string ClaimValue => ExternalId ?? DisplayName;
}

/// <summary>A provisioned user's membership of a provisioned group.</summary>
public class ProvisionedMembership
{
    public Guid GroupId { get; set; }
    public int UserId { get; set; }
    public PortalUser? User { get; set; }
}
