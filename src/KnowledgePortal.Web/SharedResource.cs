namespace KnowledgePortal.Web;

/// <summary>Marker for the UI string resources (Resources/SharedResource.resx and .ja.resx).</summary>
public sealed class SharedResource;
