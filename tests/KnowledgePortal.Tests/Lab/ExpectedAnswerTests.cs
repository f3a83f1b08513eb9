using KnowledgePortal.Core.Lab;

namespace KnowledgePortal.Tests.Lab;

public class ExpectedAnswerTests
{
    [Theory]
    [InlineData("Employees get 20 days [1] of paid leave.", "20 days")]
    [InlineData("Employees get 20 DAYS of paid leave.", "20 days")]
    [InlineData("年次有給休暇は２０日です[2]。", "20日")]
    [InlineData("年次有給休暇は 20 日です。", "20日")]
    [InlineData("The answer is ｶﾀｶﾅ.", "カタカナ")]
    public void Matches_VariantsOfTheExpectedAnswer_AreFound(string answer, string expected) =>
        Assert.True(ExpectedAnswer.Matches(answer, [expected]));

    [Theory]
    [InlineData("Employees get 25 days of paid leave.", "20 days")]
    [InlineData("Anything at all.", "")]
    [InlineData("Anything at all.", "   ")]
    public void Matches_AbsentOrEmptyExpectedAnswer_IsNotFound(string answer, string expected) =>
        Assert.False(ExpectedAnswer.Matches(answer, [expected]));

    [Fact]
    public void Matches_AnyOfSeveralAccepted_IsEnough() =>
        Assert.True(ExpectedAnswer.Matches("Twenty days.", ["20 days", "twenty days"]));
}
