using Microsoft.Extensions.AI;

namespace KnowledgePortal.Core.Ingestion.Embedding;

/// <summary>Embeds many texts in fixed-size requests.</summary>
public static class BatchingEmbedder
{
    /// <summary>
    /// Embeds <paramref name="texts"/> in order, <paramref name="batchSize"/> per <c>GenerateAsync</c> call, and returns
    /// one vector per text in the same order. Throws <see cref="InvalidOperationException"/> when the generator returns
    /// a different number of embeddings than it was given.
    /// </summary>
    public static async Task<IReadOnlyList<float[]>> EmbedAllAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator,
        IReadOnlyList<string> texts,
        int batchSize,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);

        var vectors = new List<float[]>(texts.Count);
        for (int start = 0; start < texts.Count; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(batchSize, texts.Count - start);
            var batch = new string[count];
            for (int i = 0; i < count; i++) batch[i] = texts[start + i];

            var embeddings = await generator.GenerateAsync(batch, options: null, cancellationToken).ConfigureAwait(false);
            if (embeddings.Count != count)
                throw new InvalidOperationException($"The embedding generator returned {embeddings.Count} vectors for {count} texts.");
            foreach (var embedding in embeddings) vectors.Add(embedding.Vector.ToArray());
        }
        return vectors;
    }
}
