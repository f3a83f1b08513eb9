using System.Text;
using KnowledgePortal.Core.Text;
using Microsoft.Extensions.AI;

namespace KnowledgePortal.Core.Ingestion.Embedding;

/// <summary>
/// The built-in, offline embedding model ("kp-hash-384-v1"): signed feature hashing of lexical features into 384
/// dimensions. It needs no model files or network, is deterministic across processes and machines, and gives useful
/// lexical similarity for English and Japanese; a neural model (ONNX or an API) gives better semantic recall.
/// </summary>
/// <remarks>
/// <para>Text is NFKC-normalised and lower-cased, then split into words (space-delimited scripts) and CJK runs
/// (Han, Kana incl. ー, Hangul). Features and weights:</para>
/// <list type="bullet">
/// <item>word unigrams (1.0), adjacent word bigrams (0.7), character 3-grams of each word with boundary markers,
/// <c>&lt;word&gt;</c> (0.35);</item>
/// <item>CJK character unigrams (0.5), bigrams (1.0) and trigrams (0.8) within each run.</item>
/// </list>
/// <para>Each distinct feature contributes <c>weight × (1 + ln tf)</c> to bucket <c>h mod 384</c> with the sign taken
/// from bit 63 of <c>h</c>, where <c>h</c> is 64-bit FNV-1a over the UTF-8 bytes of the type-prefixed feature (never
/// <see cref="string.GetHashCode()"/>, which is randomised per process). The vector is L2-normalised; text without
/// any feature (empty or punctuation only) maps to a fixed placeholder unit vector.</para>
/// <para>Any change to the features, weights or hashing must change <see cref="ModelId"/>, because stored vectors
/// would no longer be comparable. Stateless and thread-safe.</para>
/// </remarks>
public sealed class HashingEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>Model id recorded with every vector.</summary>
    public const string ModelId = "kp-hash-384-v1";

    /// <summary>Vector length.</summary>
    public const int Dimensions = 384;

    /// <summary>Provider name reported in <see cref="EmbeddingGeneratorMetadata"/>.</summary>
    public const string ProviderName = "builtin";

    private const float WordWeight = 1.0f;
    private const float WordBigramWeight = 0.7f;
    private const float CharTrigramWeight = 0.35f;
    private const float CjkUnigramWeight = 0.5f;
    private const float CjkBigramWeight = 1.0f;
    private const float CjkTrigramWeight = 0.8f;

    private static readonly EmbeddingGeneratorMetadata Metadata = new(ProviderName, null, ModelId, Dimensions);

    /// <inheritdoc />
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (options?.Dimensions is { } requested && requested != Dimensions)
            throw new NotSupportedException($"The built-in embedding model '{ModelId}' always produces {Dimensions} dimensions (requested {requested}).");

        var result = new GeneratedEmbeddings<Embedding<float>>();
        var now = DateTimeOffset.UtcNow;
        foreach (var value in values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            result.Add(new Embedding<float>(Embed(value ?? string.Empty)) { ModelId = ModelId, CreatedAt = now });
        }
        return Task.FromResult(result);
    }

    /// <summary>Computes the unit-length vector for one text (synchronously).</summary>
    public static float[] Embed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var features = new Dictionary<ulong, Feature>();
        string? previousWord = null;
        foreach (var (token, isCjk) in CjkText.Tokenize(CjkText.Normalize(text)))
        {
            if (isCjk)
            {
                previousWord = null;
                var runes = token.EnumerateRunes().Select(r => r.ToString()).ToArray();
                for (int i = 0; i < runes.Length; i++)
                {
                    Add(features, 'u', runes[i], CjkUnigramWeight);
                    if (i + 1 < runes.Length) Add(features, 'j', runes[i] + runes[i + 1], CjkBigramWeight);
                    if (i + 2 < runes.Length) Add(features, 'k', runes[i] + runes[i + 1] + runes[i + 2], CjkTrigramWeight);
                }
                continue;
            }

            Add(features, 'w', token, WordWeight);
            if (previousWord is not null) Add(features, 'b', previousWord + " " + token, WordBigramWeight);
            previousWord = token;

            var marked = ("<" + token + ">").EnumerateRunes().Select(r => r.ToString()).ToArray();
            for (int i = 0; i + 2 < marked.Length; i++)
                Add(features, 'c', marked[i] + marked[i + 1] + marked[i + 2], CharTrigramWeight);
        }

        var vector = new float[Dimensions];
        foreach (var (hash, feature) in features)
        {
            float value = feature.Weight * (1f + MathF.Log(feature.Count));
            int bucket = (int)(hash % Dimensions);
            vector[bucket] += (hash >> 63) == 0 ? value : -value;
        }

        if (!TryNormalize(vector))
        {
            Array.Clear(vector);
            ulong h = Fnv1a64("\u0001empty");
            vector[(int)(h % Dimensions)] = 1f;
        }
        return vector;
    }

    private static void Add(Dictionary<ulong, Feature> features, char kind, string value, float weight)
    {
        ulong hash = Fnv1a64(kind + "\u0001" + value);
        features[hash] = features.TryGetValue(hash, out var f) ? f with { Count = f.Count + 1 } : new Feature(weight, 1);
    }

    private static bool TryNormalize(float[] vector)
    {
        double sum = 0;
        foreach (var x in vector) sum += (double)x * x;
        if (sum <= 1e-12) return false;
        float inv = (float)(1.0 / Math.Sqrt(sum));
        for (int i = 0; i < vector.Length; i++) vector[i] *= inv;
        return true;
    }

    /// <summary>64-bit FNV-1a over the UTF-8 bytes of <paramref name="s"/> (stable across processes and platforms).</summary>
    internal static ulong Fnv1a64(string s)
    {
        const ulong offset = 14695981039346656037UL;
        const ulong prime = 1099511628211UL;
        int max = Encoding.UTF8.GetMaxByteCount(s.Length);
        Span<byte> buffer = max <= 512 ? stackalloc byte[max] : new byte[max];
        int n = Encoding.UTF8.GetBytes(s, buffer);
        ulong h = offset;
        foreach (var b in buffer[..n])
        {
            h ^= b;
            h *= prime;
        }
        return h;
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(EmbeddingGeneratorMetadata)) return Metadata;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private readonly record struct Feature(float Weight, int Count);
}
