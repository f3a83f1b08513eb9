using System.Data.Common;

namespace KnowledgePortal.Core.Domain;

/// <summary>
/// The one mapping between a <see cref="SourceLocator"/> and the chunk columns that hold it: every SQL read of a
/// locator selects <see cref="Select"/> and reads it back with <see cref="Read"/>, so a new locator column is added here once.
/// </summary>
public static class SourceLocatorColumns
{
    /// <summary>Number of columns <see cref="Select"/> names.</summary>
    public const int Count = 6;

    /// <summary>The locator's columns of the chunk table aliased <paramref name="alias"/>, in the order <see cref="Read"/> expects.</summary>
    public static string Select(string alias) =>
        $"{alias}.page, {alias}.slide, {alias}.sheet, {alias}.cell_range, {alias}.heading_path, {alias}.paragraph";

    /// <summary>The locator from the <see cref="Count"/> columns starting at ordinal <paramref name="first"/> (NULL: not set).</summary>
    public static SourceLocator Read(DbDataReader r, int first) => new(
        Page: r.IsDBNull(first) ? null : r.GetInt32(first),
        Slide: r.IsDBNull(first + 1) ? null : r.GetInt32(first + 1),
        Sheet: r.IsDBNull(first + 2) ? null : r.GetString(first + 2),
        CellRange: r.IsDBNull(first + 3) ? null : r.GetString(first + 3),
        HeadingPath: r.IsDBNull(first + 4) ? null : r.GetString(first + 4),
        Paragraph: r.IsDBNull(first + 5) ? null : r.GetInt32(first + 5));
}
