using KnowledgePortal.Core.Domain;

namespace KnowledgePortal.Core.Ingestion;

/// <summary>
/// How far a job is, in percent, from what the pipeline saves as it goes (<see cref="IngestionJob.CompletedStep"/>
/// and <see cref="IngestionJob.ChunksEmbedded"/>, written after every embedding batch). Pure.
/// </summary>
/// <remarks>
/// Each step has a share of the bar by the time it takes: reading the file is a fifth, chunking little, embedding most
/// (it advances batch by batch; reading advances page by page when pages are recognised by OCR), and persisting — one transaction that inserts every chunk with its search vector and
/// term statistics — a sixth. So the bar reaches 100 only when the document is searchable, never while the
/// chunks are still being written.
/// </remarks>
public static class IngestionProgress
{
    public const double ExtractShare = 20, ChunkShare = 5, EmbedShare = 58, PersistShare = 17;

    public static double Percent(JobStatus status, string completedStep, int chunksTotal, int chunksEmbedded, int ocrPagesDone = 0, int ocrPagesTotal = 0)
    {
        if (status == JobStatus.Succeeded) return 100;
        return completedStep switch
        {
            IngestionSteps.None when ocrPagesTotal > 0 => ExtractShare * Math.Clamp((double)ocrPagesDone / ocrPagesTotal, 0, 1),
            IngestionSteps.Extract => ExtractShare,
            IngestionSteps.Chunk => ExtractShare + ChunkShare + EmbedShare * (chunksTotal <= 0 ? 0 : Math.Clamp((double)chunksEmbedded / chunksTotal, 0, 1)),
            IngestionSteps.Embed => ExtractShare + ChunkShare + EmbedShare,
            IngestionSteps.Persist => 100,
            _ => 0,
        };
    }
}
