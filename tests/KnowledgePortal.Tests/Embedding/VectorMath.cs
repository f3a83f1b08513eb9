namespace KnowledgePortal.Tests.Embedding;

internal static class VectorMath
{
    public static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += (double)a[i] * b[i];
        return sum;
    }

    public static double Norm(ReadOnlySpan<float> a) => Math.Sqrt(Dot(a, a));
}
