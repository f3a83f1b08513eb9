using System.Globalization;
using KnowledgePortal.Core.Lab;

namespace KnowledgePortal.Tests.Lab;

public class MillisecondsTests
{
    [Theory]
    [InlineData(null, "–")]
    [InlineData(0.0, "<0.1 ms")]
    [InlineData(0.04, "<0.1 ms")]
    [InlineData(0.42, "0.4 ms")]
    [InlineData(9.46, "9.5 ms")]
    [InlineData(42.4, "42 ms")]
    [InlineData(1234.0, "1,234 ms")]
    public void Format_Duration_ReadableAndNeverZero(double? milliseconds, string expected)
    {
        Assert.Equal(expected, Milliseconds.Format(milliseconds, CultureInfo.InvariantCulture));
    }
}
