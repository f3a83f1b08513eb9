namespace KnowledgePortal.Tests;

public class SmokeTests
{
    [Fact]
    public void Build_Succeeds_True() => Assert.True(true);
}
