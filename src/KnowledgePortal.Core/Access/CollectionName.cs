namespace KnowledgePortal.Core.Access;

/// <summary>A collection as a pick list shows it.</summary>
public sealed record CollectionName(int Id, string Name);
