namespace KnowledgePortal.Tests.Infrastructure;

/// <summary>
/// The xUnit trait that sorts test classes by what they need: <c>[Trait(TestTier.Name, TestTier.Db)]</c> for PostgreSQL,
/// <c>[Trait(TestTier.Name, TestTier.Browser)]</c> for Chromium (and usually the portal process and PostgreSQL too).
/// Classes without it are pure. `./portal test --fast` runs only those; TestTierTests keeps the traits true.
/// </summary>
public static class TestTier
{
    public const string Name = "Tier";
    public const string Db = "Db";
    public const string Browser = "Browser";
}
