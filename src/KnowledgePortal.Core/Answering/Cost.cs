namespace KnowledgePortal.Core.Answering;

/// <summary>Price of one model call.</summary>
public static class Cost
{
    private const decimal TokensPerMillion = 1_000_000m;

    /// <summary>
    /// Cost of a call from its token counts and the per-million-token prices,
    /// rounded to 6 decimals (midpoint away from zero).
    /// </summary>
    public static decimal Compute(int inputTokens, int outputTokens, decimal inputPricePerMillion, decimal outputPricePerMillion)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(outputTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(inputPricePerMillion);
        ArgumentOutOfRangeException.ThrowIfNegative(outputPricePerMillion);

        var raw = (inputTokens * inputPricePerMillion + outputTokens * outputPricePerMillion) / TokensPerMillion;
        return Math.Round(raw, 6, MidpointRounding.AwayFromZero);
    }
}
