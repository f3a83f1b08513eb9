namespace KnowledgePortal.Core.Access;

/// <summary>A document as a pick list shows it: its title and its collection's name.</summary>
public sealed record DocumentName(Guid Id, string Title, string Collection);
