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
    [InlineData("+5", "5")]
    [InlineData(".5", "0.5")]
    [InlineData("5.", "5")]
    [InlineData("0.000", "-0")]
    [InlineData("1.5E3", "1500")]
    [InlineData("0012", "12")]
    [InlineData("1e-3", "0.001")]
    [InlineData("nan", "nan")]
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
    [InlineData("12", "12.0001")]
    [InlineData("1e3", "1e4")]
    [InlineData("1e", "1")]
    [InlineData(".", "0")]
    [InlineData("-", "0")]
    [InlineData("1..0", "1")]
    [InlineData("1.0.0", "1")]
    [InlineData("0x10", "16")]
    [InlineData("1,000", "1000")]
    [InlineData("inf", "Infinity")]
    [InlineData("-5", "5")]
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

    [Theory]
    [InlineData("1.0e999999999", "1e999999999", true)]
    [InlineData("1e999999999", "2e999999999", false)]
    [InlineData("1e999999999", "10e999999998", true)]
    [InlineData("1e+999999999", "0.1e1000000000", true)]
    [InlineData("1.0000000001e999999999", "1e999999999", true)]
    [InlineData("1e999999999", "1e999999998", false)]
    [InlineData("-1e999999999", "1e999999999", false)]
    [InlineData("1e-999999999", "0", true)]
    [InlineData("1e-999999999", "2e-999999999", true)]
    [InlineData("1e000000000000000000003", "1000", true)]
    [InlineData("1e9999999999999999999", "1e9999999999999999999", true)]
    [InlineData("1e9999999999999999999", "1e9999999999999999998", false)]
    [InlineData("5e-324", "0", true)]
    [InlineData("1.7976931348623157e308", "1.7976931348623157e308", true)]
    [InlineData("1.7976931348623157e309", "1.7976931348623158e309", true)]
    [InlineData("1.7976931348623157e309", "1.8e309", false)]
    public void Huge_and_tiny_exponents_compare_without_overflow(string actual, string expected, bool matches) =>
        Assert.Equal(matches, StdioOutputComparer.Matches(actual, expected));

    [Theory]
    [InlineData("\u0663", "\u0663", true)] // Arabic-Indic three
    [InlineData("\u0663", "3", false)]
    [InlineData("3", "\u0663", false)]
    [InlineData("\u0663.5", "3.5", false)]
    [InlineData("1\u0663", "13", false)]
    [InlineData("\u06F3", "\u06F3", true)] // Extended Arabic-Indic three (Persian)
    [InlineData("\u0969", "3", false)] // Devanagari three
    [InlineData("\u09E9\u09E6", "30", false)] // Bengali thirty
    [InlineData("\uFF13", "3", false)] // fullwidth three
    [InlineData("\uFF13", "\uFF13", true)]
    [InlineData("\U0001D7D1", "3", false)] // mathematical bold three
    [InlineData("1e\u0663", "1000", false)]
    public void Only_ASCII_digits_make_a_number_and_other_digits_compare_as_text(string actual, string expected, bool matches) =>
        Assert.Equal(matches, StdioOutputComparer.Matches(actual, expected));

    [Fact]
    public void No_digit_of_another_script_is_read_as_a_number()
    {
        var digits = Enumerable.Range(0, char.MaxValue + 1).Select(c => (char)c).Where(c => char.IsDigit(c) && !char.IsAsciiDigit(c)).ToList();
        Assert.True(digits.Count > 300, $"only {digits.Count} non-ASCII decimal digits found");

        foreach (var digit in digits)
        {
            var token = digit.ToString();
            var value = ((int)char.GetNumericValue(digit)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.False(StdioOutputComparer.NumbersEqual(token, token, 1e-6), token);
            Assert.True(StdioOutputComparer.Matches(token, token), token);
            Assert.False(StdioOutputComparer.Matches(token, value), token);
            Assert.False(StdioOutputComparer.Matches("1" + token + ".5", "1" + value + ".5"), token);
        }
    }

    [Theory]
    [InlineData("3", "", true)]
    [InlineData("3", "1", false)]
    [InlineData("0", "", true)]
    [InlineData("-3", "", true)]
    [InlineData("3", "0001", false)]
    public void A_quarter_million_trailing_zeros_compare_as_the_short_number(string whole, string lastDigits, bool exact)
    {
        var padded = whole + "." + new string('0', 250_000) + lastDigits;

        Assert.Equal(exact, StdioOutputComparer.NumbersEqual(padded, whole, 0));
        Assert.Equal(exact, StdioOutputComparer.NumbersEqual(whole, padded, 0));
        // A difference 250,000 places after the point is within any tolerance.
        Assert.True(StdioOutputComparer.Matches(padded, whole));
        Assert.True(StdioOutputComparer.Matches(whole + "\n", padded + "\n"));
        Assert.False(StdioOutputComparer.Matches(padded, whole + "1"));
    }

    [Fact]
    public void Long_numbers_compare_digit_by_digit()
    {
        var digits = string.Concat(Enumerable.Range(0, 50_000).Select(i => (char)('1' + (i % 9))));
        Assert.True(StdioOutputComparer.NumbersEqual(digits, digits + ".000", 0));
        Assert.True(StdioOutputComparer.NumbersEqual("0." + digits, "." + digits + "0", 0));
        Assert.True(StdioOutputComparer.NumbersEqual(digits + "e-3", digits[..^3] + "." + digits[^3..], 0));
        Assert.False(StdioOutputComparer.NumbersEqual(digits, digits[..^1] + "0", 0));
        Assert.False(StdioOutputComparer.NumbersEqual(digits, "-" + digits, 0));
        // Equal in their first 20 digits and within 1e-6 relative: equal with a tolerance, not without.
        Assert.True(StdioOutputComparer.NumbersEqual(digits + ".5", digits + ".25", 1e-6));
        Assert.False(StdioOutputComparer.NumbersEqual(digits + ".5", digits + ".25", 0));
    }

    [Fact]
    public void A_megabyte_of_output_is_compared()
    {
        var lines = Enumerable.Range(0, 100_000).Select(i => $"{i} {i}.50 x{i}").ToList();
        var expected = string.Join("\n", lines);
        var actual = string.Join("\n", lines.Select(l => l.Replace(".50 ", ".5 ", StringComparison.Ordinal)));
        Assert.True(actual.Length > 1_000_000);

        Assert.True(StdioOutputComparer.Matches(actual, expected));
        Assert.Equal("line 100000: expected '99999 99999.50 x99999', got '99999 99999.5 y'",
            StdioOutputComparer.FirstDifference(actual[..actual.LastIndexOf('x')] + "y", expected));
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
