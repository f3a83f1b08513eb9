namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>The attachments of a message that will be indexed, and a note for each one that will not (type, size, count).</summary>
public sealed record MailAttachments(IReadOnlyList<MailAttachment> Indexed, IReadOnlyList<string> Skipped);
