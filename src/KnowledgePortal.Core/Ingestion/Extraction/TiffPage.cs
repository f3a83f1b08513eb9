namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>One page of a <see cref="TiffFile"/>: where its directory and its link to the next one are, and its size.</summary>
internal sealed record TiffPage(long Directory, long NextLink, ImageSize Size);
