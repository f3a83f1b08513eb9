using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Ingestion;

namespace KnowledgePortal.Tests.Ingestion;

public class IngestionProgressTests
{
    [Fact]
    public void Percent_StepsInOrder_RiseMonotonicallyAndReach100OnlyWhenSearchable()
    {
        var sequence = new[]
        {
            IngestionProgress.Percent(JobStatus.Queued, "none", 0, 0),
            IngestionProgress.Percent(JobStatus.Running, "extract", 0, 0),
            IngestionProgress.Percent(JobStatus.Running, "chunk", 1000, 0),
            IngestionProgress.Percent(JobStatus.Running, "chunk", 1000, 64),
            IngestionProgress.Percent(JobStatus.Running, "chunk", 1000, 999),
            IngestionProgress.Percent(JobStatus.Running, "embed", 1000, 1000),
            IngestionProgress.Percent(JobStatus.Succeeded, "persist", 1000, 1000),
        };

        Assert.Equal(sequence.Order(), sequence);
        Assert.Equal(sequence.Length, sequence.Distinct().Count());
        Assert.Equal(0, sequence[0]);
        Assert.Equal(100, sequence[^1]);
        Assert.All(sequence[..^1], p => Assert.True(p < 100, $"{p} before the chunks are saved"));
    }

    [Fact]
    public void Percent_AllChunksEmbedded_StillLeavesTheSavingShare()
    {
        // The reported bug: 100 % at the end of embedding, then half a minute of "Embedding" while the chunks were written.
        Assert.Equal(100 - IngestionProgress.PersistShare, IngestionProgress.Percent(JobStatus.Running, "chunk", 2000, 2000));
    }

    [Fact]
    public void Percent_EmbeddingBatch_AdvancesByItsShareOfTheChunks()
    {
        var before = IngestionProgress.Percent(JobStatus.Running, "chunk", 640, 64);
        var after = IngestionProgress.Percent(JobStatus.Running, "chunk", 640, 128);

        Assert.Equal(IngestionProgress.EmbedShare / 10, after - before, 6);
    }

    [Fact]
    public void Percent_ShareConstants_AddUpTo100()
    {
        Assert.Equal(100, IngestionProgress.ExtractShare + IngestionProgress.ChunkShare + IngestionProgress.EmbedShare + IngestionProgress.PersistShare);
    }
}
