namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>A file attached to an e-mail message, ingested as a child document of the message.</summary>
/// <param name="FileName">Its name in the message, made unique within it ("report (2).pdf").</param>
public sealed record MailAttachment(string FileName, byte[] Content);
