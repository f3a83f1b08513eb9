using System.Text.RegularExpressions;
using KnowledgePortal.Tests.Infrastructure;

namespace KnowledgePortal.Tests.Foundation;

/// <summary>
/// Pages hold UI state only: what they show is read by Core services, where the access rules live. A component that
/// opens a DbContext or a raw command would write its own copy of a rule (the Documents page once did).
/// </summary>
public partial class PagesReadThroughCoreTests
{
    private static readonly string Components = Path.Combine(RepoPaths.Root, "src", "KnowledgePortal.Web", "Components");

    [Fact]
    public void Components_NoFileQueriesTheDatabaseDirectly()
    {
        var files = Directory.EnumerateFiles(Components, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
            .ToList();
        Assert.Contains(files, f => f.EndsWith("AskPage.razor", StringComparison.Ordinal)); // the scan looks where the pages are

        var offenders = files
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetRelativePath(Components, f), Line: i + 1, Text: line)))
            .Where(l => DatabaseAccess().IsMatch(l.Text))
            .Select(l => $"{l.File}:{l.Line}: {l.Text.Trim()}")
            .ToList();

        Assert.True(offenders.Count == 0, "Pages must read through a Core service (Library, AccessAdministration, InsightsQueries, ModelLab):\n"
                                          + string.Join("\n", offenders));
    }

    [Theory]
    [InlineData("@inject IDbContextFactory<PortalDbContext> DbFactory")]
    [InlineData("        await using var db = await DbFactory.CreateDbContextAsync();")]
    [InlineData("@using Microsoft.EntityFrameworkCore")]
    [InlineData("    [Inject] private NpgsqlDataSource Data { get; set; } = default!;")]
    public void DatabaseAccess_LineOfAPageThatQueries_Matches(string line) => Assert.Matches(DatabaseAccess(), line);

    [Theory]
    [InlineData("@inject DocumentLibrary Library")]
    [InlineData("        _collections = await Library.ReadableCollectionsAsync(user);")]
    public void DatabaseAccess_LineThatCallsCore_DoesNotMatch(string line) => Assert.DoesNotMatch(DatabaseAccess(), line);

    [GeneratedRegex(@"\b(PortalDbContext|IDbContextFactory|CreateDbContext(Async)?|DbContext|NpgsqlDataSource|NpgsqlCommand|NpgsqlConnection|Microsoft\.EntityFrameworkCore)\b")]
    private static partial Regex DatabaseAccess();
}
