namespace KnowledgePortal.Web.Components.Shared;

/// <summary>How the admin pages name a known user.</summary>
public static class UserLabel
{
    /// <summary>The display name, followed by the user name in brackets unless the display name already holds it.</summary>
    public static string For(string displayName, string userName) =>
        displayName.Contains(userName, StringComparison.OrdinalIgnoreCase) ? displayName : $"{displayName} ({userName})";
}
