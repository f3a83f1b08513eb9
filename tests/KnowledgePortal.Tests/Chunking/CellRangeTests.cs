using KnowledgePortal.Core.Ingestion.Chunking;

namespace KnowledgePortal.Tests.Chunking;

public class CellRangeTests
{
    [Theory]
    [InlineData("A5:D5", "A6:D9", "A5:D9")]
    [InlineData("A6:D9", "A5:D5", "A5:D9")]
    [InlineData("B2", "A3", "A2:B3")]
    [InlineData("C7", "C7", "C7")]
    [InlineData("$A$1:$B$2", "c3", "A1:C3")]
    [InlineData("AA10:AB10", "Z11:AC12", "Z10:AC12")]
    [InlineData("D9:A5", "A10:D10", "A5:D10")]
    public void Merge_TwoRanges_BoundingRectangle(string a, string b, string expected)
    {
        Assert.Equal(expected, CellRange.Merge(a, b));
    }

    [Theory]
    [InlineData(null, "B2", "B2")]
    [InlineData("B2", null, "B2")]
    [InlineData("", " A1:B1 ", "A1:B1")]
    [InlineData(null, null, null)]
    public void Merge_NullSide_ReturnsOther(string? a, string? b, string? expected)
    {
        Assert.Equal(expected, CellRange.Merge(a, b));
    }

    [Fact]
    public void Merge_Unparsable_ListsAreas()
    {
        Assert.Equal("A:A,B2", CellRange.Merge("A:A", "B2"));
        Assert.Equal("A:A", CellRange.Merge("A:A", "a:a"));
    }

    [Fact]
    public void Merge_Sequence_FoldsAllRows()
    {
        Assert.Equal("A2:D10", CellRange.Merge(["A2:D2", null, "A3:D3", "A4:C10"]));
        Assert.Null(CellRange.Merge(Array.Empty<string?>()));
    }

    [Theory]
    [InlineData(1, "A")]
    [InlineData(26, "Z")]
    [InlineData(27, "AA")]
    [InlineData(702, "ZZ")]
    [InlineData(703, "AAA")]
    [InlineData(16384, "XFD")]
    public void ColumnName_Number_Letters(int column, string expected)
    {
        Assert.Equal(expected, CellRange.ColumnName(column));
    }

    [Theory]
    [InlineData("A0")]
    [InlineData("5")]
    [InlineData("A")]
    [InlineData("A1:B2:C3")]
    [InlineData("AAAA1")]
    [InlineData("A1B")]
    public void TryParse_Invalid_False(string range)
    {
        Assert.False(CellRange.TryParse(range, out _));
    }
}
