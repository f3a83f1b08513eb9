namespace KnowledgePortal.Core.Domain;

/// <summary>
/// The generation settings a provider profile starts with, named once for the stored profile
/// (<see cref="ProviderProfile"/>) and the settings record configuration and the admin form fill.
/// </summary>
public static class ProviderDefaults
{
    public const float Temperature = 0.1f;
    public const float TopP = 1f;
    public const int MaxOutputTokens = 800;
    public const int ContextWindow = 8192;
}
