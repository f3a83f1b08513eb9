using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion.Chunking;
using KnowledgePortal.Core.Ingestion.Extraction;
using KnowledgePortal.Core.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Core.Ingestion.Steps;

/// <summary>
/// Cuts the extracted blocks into token-sized chunks and stores them as pending chunks (replacing any a previous attempt
/// left), with their search text; the job counts them.
/// </summary>
internal sealed class ChunkStep(IDbContextFactory<PortalDbContext> dbFactory, ITokenCounter tokens, IOptions<IngestionOptions> options) : IIngestionStep
{
    public string Name => IngestionSteps.Chunk;

    public async Task<IngestionStepResult> RunAsync(IngestionJobContext job, CancellationToken ct)
    {
        var o = options.Value;
        await job.ShowStatusAsync(DocumentStatus.Chunking, ct);
        var extracted = ExtractStep.Output(job.Job);
        var drafts = Chunker.Chunk(extracted.Blocks, new ChunkingOptions { MaxTokens = o.ChunkTokens, OverlapTokens = o.ChunkOverlapTokens }, tokens);
        if (drafts.Count == 0) throw IngestionFailure.Fatal(IngestionMessages.ForKind(ExtractionFailure.Empty, DocumentExtractor.EmptyMessage));

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.PendingChunks.Where(p => p.JobId == job.Job.Id).ExecuteDeleteAsync(ct);
        db.PendingChunks.AddRange(drafts.Select(d => new PendingChunk
        {
            JobId = job.Job.Id, Ordinal = d.Ordinal, Text = d.Text, Context = d.Context,
            Page = d.Locator.Page, Slide = d.Locator.Slide, Sheet = d.Locator.Sheet, CellRange = d.Locator.CellRange,
            HeadingPath = d.Locator.HeadingPath, Paragraph = d.Locator.Paragraph, TokenCount = d.TokenCount, ContentHash = d.ContentHash,
            OcrConfidence = d.OcrConfidence is { } c ? (float)c : null,
            IndexText = SearchText.ToIndexText(d.Text),
            ContextIndexText = d.Context is null ? null : SearchText.ToIndexText(d.Context),
        }));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        // Saved with completed_step by the pipeline; a crash before that runs this step again, which replaces the rows.
        job.Job.ChunksTotal = drafts.Count;
        job.Job.ChunksEmbedded = 0;
        return IngestionStepResult.Completed;
    }
}
