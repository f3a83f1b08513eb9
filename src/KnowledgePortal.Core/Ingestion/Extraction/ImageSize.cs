namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>Pixel dimensions as an image's header states them.</summary>
internal readonly record struct ImageSize(long Width, long Height)
{
    public long Pixels => Width * Height;

    public bool IsEmpty => Width <= 0 || Height <= 0;
}
