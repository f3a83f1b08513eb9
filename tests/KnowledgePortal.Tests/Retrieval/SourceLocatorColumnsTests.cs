using System.Data;
using KnowledgePortal.Core.Domain;

namespace KnowledgePortal.Tests.Retrieval;

/// <summary>The one mapping between a locator and its chunk columns, read from a real data reader (DataTableReader).</summary>
public class SourceLocatorColumnsTests
{
    private static DataTableReader Reader(params object?[] row)
    {
        var table = new DataTable();
        table.Columns.Add("id", typeof(long));
        foreach (var (name, type) in new[] { ("page", typeof(int)), ("slide", typeof(int)), ("sheet", typeof(string)),
                     ("cell_range", typeof(string)), ("heading_path", typeof(string)), ("paragraph", typeof(int)) })
            table.Columns.Add(name, type);
        table.Rows.Add([7L, .. row.Select(v => v ?? DBNull.Value)]);
        var reader = table.CreateDataReader();
        reader.Read();
        return reader;
    }

    [Fact]
    public void Read_EveryColumnSet_MapsEachToItsPart()
    {
        using var r = Reader(3, 4, "Prices", "A2:D40", "Leave > Annual leave", 12);

        Assert.Equal(new SourceLocator(3, 4, "Prices", "A2:D40", "Leave > Annual leave", 12), SourceLocatorColumns.Read(r, 1));
    }

    [Fact]
    public void Read_NullColumns_LeavesThosePartsUnset()
    {
        using var r = Reader(null, null, "Sheet1", null, null, null);

        var locator = SourceLocatorColumns.Read(r, 1);

        Assert.Equal(new SourceLocator(Sheet: "Sheet1"), locator);
        Assert.Equal("Sheet1", locator.ToDisplay());
    }

    [Fact]
    public void Select_Alias_NamesTheColumnsInReadOrder()
    {
        Assert.Equal("c.page, c.slide, c.sheet, c.cell_range, c.heading_path, c.paragraph", SourceLocatorColumns.Select("c"));
        Assert.Equal(SourceLocatorColumns.Count, SourceLocatorColumns.Select("c").Split(',').Length);
    }
}
