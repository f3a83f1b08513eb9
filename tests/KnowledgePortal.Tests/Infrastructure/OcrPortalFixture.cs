namespace KnowledgePortal.Tests.Infrastructure;

/// <summary>
/// A portal started as the demo setup runs it, with OCR on (so the demo's scanned memo is seeded and read), and every
/// recognised page below the low-confidence setting (100), so the preview's flag shows on any scan.
/// </summary>
public sealed class OcrPortalFixture : PortalFixture
{
    protected override IDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Ingestion__OcrEnabled"] = "true",
        ["Ingestion__OcrLowConfidence"] = "100",
    };
}

[CollectionDefinition("portal-ocr")]
public sealed class OcrPortalCollection : ICollectionFixture<OcrPortalFixture>;
