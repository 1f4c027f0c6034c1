using ReSTEM.Core.Verification.Code;

namespace ReSTEM.Core.Tests.Verification;

/// <summary>APPS-style output comparison: lines trimmed, empty lines ignored, numbers as decimals.</summary>
public sealed class StdioOutputComparerTests
{
    [Theory]
    [InlineData("6\n2.00\n", "6\n2.00\n")]
    [InlineData("6   \n  2.00", "6\n2.00\n")]
    [InlineData("6\r\n2.00\r\n", "6\n2.00")]
    [InlineData("6\n\n2.00\n\n\n", "6\n2.00")]
    [InlineData("2.5", "2.50")]
    [InlineData("1e3", "1000")]
    [InlineData("-0", "0")]
    [InlineData("0.3333333", "0.33333333")]
    [InlineData("1 2  3", "1 2 3")]
    [InlineData("YES", "YES")]
    [InlineData("123456789012345678901234567890", "123456789012345678901234567890")]
    public void Matching_outputs(string actual, string expected) =>
        Assert.True(StdioOutputComparer.Matches(actual, expected), StdioOutputComparer.FirstDifference(actual, expected));

    [Theory]
    [InlineData("6\n2.01", "6\n2.00")]
    [InlineData("6", "6\n2.00")]
    [InlineData("6\n2.00\n7", "6\n2.00")]
    [InlineData("yes", "YES")]
    [InlineData("1 2", "1 2 3")]
    [InlineData("12", "1 2")]
    [InlineData("123456789012345678901234567891", "123456789012345678901234567890")]
    [InlineData("0.3", "0.31")]
    [InlineData("10", "10.0001")]
    [InlineData("1.", "1.5")]
    public void Differing_outputs(string actual, string expected) =>
        Assert.False(StdioOutputComparer.Matches(actual, expected));

    [Fact]
    public void Integers_compare_exactly_and_decimals_within_the_tolerance()
    {
        Assert.False(StdioOutputComparer.NumbersEqual("1000000", "1000001", 1e-6));
        Assert.True(StdioOutputComparer.NumbersEqual("1000000.0", "1000000.5", 1e-6));
        Assert.False(StdioOutputComparer.NumbersEqual("2.0001", "2", 0));
        Assert.True(StdioOutputComparer.NumbersEqual("2.000", "2", 0));
        Assert.False(StdioOutputComparer.NumbersEqual("abc", "abc", 1e-6));
    }

    [Fact]
    public void The_first_difference_is_described()
    {
        Assert.Equal("line 2: expected '2.00', got '3'", StdioOutputComparer.FirstDifference("6\n3", "6\n2.00"));
        Assert.Contains("output ended", StdioOutputComparer.FirstDifference("6", "6\n2.00"));
        Assert.Contains("extra output", StdioOutputComparer.FirstDifference("6\n7", "6"));
        Assert.Null(StdioOutputComparer.FirstDifference("6", "6"));
    }
}
