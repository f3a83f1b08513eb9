using System.Reflection;
using KnowledgePortal.Tests.Infrastructure;
using static KnowledgePortal.Tests.Infrastructure.TestTierScan;

namespace KnowledgePortal.Tests.Foundation;

/// <summary>
/// Keeps the tier traits true (see <see cref="TestTier"/>): a test class that needs PostgreSQL or Chromium carries exactly
/// the matching trait, and a pure class none, so `./portal test --fast` runs every pure test and nothing else.
/// </summary>
public class TestTierTests
{
    private static IEnumerable<Type> TestClasses() => TestTierScan.TestAssembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false }
        && t.GetMethods().Any(m => m.GetCustomAttributes<FactAttribute>(true).Any()));

    private static string[] DeclaredTiers(Type t) => t.GetCustomAttributesData()
        .Where(a => a.AttributeType == typeof(TraitAttribute) && (string?)a.ConstructorArguments[0].Value == TestTier.Name)
        .Select(a => (string)a.ConstructorArguments[1].Value!).ToArray();

    [Fact]
    public void TestClasses_NeedingDatabaseOrBrowser_CarryTheirTier()
    {
        var wrong = TestClasses()
            .Select(t => (Class: t.FullName, Expected: Expected(Required(t)), Declared: string.Join(",", DeclaredTiers(t))))
            .Where(x => (x.Expected ?? "") != x.Declared)
            .Select(x => $"{x.Class}: needs [{x.Expected ?? "none"}], declares [{x.Declared}]")
            .Order().ToList();
        Assert.True(wrong.Count == 0, "Tier traits out of date:\n" + string.Join("\n", wrong));
    }

    // The scan itself, on known shapes, so a scan that finds nothing cannot pass the guard above by accident.
    [Fact]
    public void Required_PureClass_NeedsNothing() => Assert.Equal(Needs.None, Required(typeof(TierProbes.Pure)));

    [Fact]
    public void Required_DatabaseInAsyncMethod_NeedsDb() => Assert.Equal(Needs.Db, Required(typeof(TierProbes.DbProbe)));

    [Fact]
    public void Required_FixtureWithBrowser_NeedsBrowserAndDb() => Assert.Equal(Needs.Db | Needs.Browser, Required(typeof(TierProbes.FixtureProbe)));

    [Fact]
    public void Required_HelperCallingTestServices_NeedsDb() => Assert.Equal(Needs.Db, Required(typeof(TierProbes.HelperProbe)));

    [Fact]
    public void Required_OnlyFreePort_NeedsNothing() => Assert.Equal(Needs.None, Required(typeof(TierProbes.FreePortProbe)));
}

/// <summary>Known shapes for the scan (not test classes: their nested code would be scanned with the test class).</summary>
public static class TierProbes
{
    public sealed class Pure
    {
        public static int Run() => new[] { 3, 1, 2 }.Order().First();
    }

    public sealed class DbProbe
    {
        public static async Task RunAsync()
        {
            await using var db = await TestDatabase.CreateAsync("probe");
        }
    }

    public sealed class FixtureProbe(PortalFixture fixture)
    {
        public string Url => fixture.ToString()!;
    }

    public static class Helper
    {
        public static Task<TestServices> StartAsync() => TestServices.StartAsync("probe");
    }

    public sealed class HelperProbe
    {
        public static Task RunAsync() => Task.Run(async () => await Helper.StartAsync());
    }

    public sealed class FreePortProbe
    {
        public static int Port() => PortalProcess.FreePort();
    }
}
