using System.Numerics;
using ReSTEM.Core.Verification.MathAnswers;

namespace ReSTEM.Core.Tests.Verification;

/// <summary>The equivalence layer beyond string equality, and its canonical forms.</summary>
public sealed class MathEquivalenceTests
{
    [Theory]
    [InlineData("1/2", "0.5")]
    [InlineData("\\frac{1}{2}", "0.50")]
    [InlineData("\\dfrac{2}{4}", "1/2")]
    [InlineData("\\tfrac{3}{6}", ".5")]
    [InlineData("-\\frac{1}{2}", "\\frac{-1}{2}")]
    [InlineData("-0.5", "-1/2")]
    [InlineData("50\\%", "50")]
    [InlineData("12%", "12")]
    [InlineData("\\sqrt{16}", "4")]
    [InlineData("\\sqrt{\\frac{1}{4}}", "0.5")]
    [InlineData("\\frac{\\sqrt{9}}{2}", "1.5")]
    [InlineData("72", "72.0")]
    [InlineData("72", "72.")]
    [InlineData("007", "7")]
    [InlineData("1,000", "1000")]
    [InlineData("1,234,567.5", "1234567.5")]
    [InlineData("(1, 2)", "(1,2)")]
    [InlineData("(1/2, 3)", "(0.5, \\frac{6}{2})")]
    [InlineData("[2,5)", "[2, 5)")]
    [InlineData("(-\\infty, 3]", "(-\\infty,3]")]
    [InlineData("7, 12", "7,12")]
    [InlineData("(3)", "3")]
    [InlineData("0.3333333", "\\frac{1}{3}")]
    [InlineData("3.14159265", "3.1415926")]
    [InlineData("$5$", "5")]
    [InlineData("\\left(1,2\\right)", "(1,2)")]
    [InlineData("x+1", "x + 1")]
    public void Equivalent_answers(string a, string b)
    {
        Assert.True(MathEquivalence.AreEquivalent(a, b), $"{a} ~ {b}");
        Assert.True(MathEquivalence.AreEquivalent(b, a), $"{b} ~ {a}");
    }

    [Theory]
    [InlineData("1/3", "0.333")]
    [InlineData("1/3", "0.33")]
    [InlineData("2", "3")]
    [InlineData("10, 4, -2", "4, 10, -2")]
    [InlineData("(1, 2)", "[1, 2]")]
    [InlineData("(1, 2)", "1, 2")]
    [InlineData("[2,5)", "[2,5]")]
    [InlineData("(1,2,3)", "(1,2)")]
    [InlineData("\\infty", "-\\infty")]
    [InlineData("\\sqrt{2}", "1.41421356")]
    [InlineData("50\\%", "0.5")]
    [InlineData("\\frac{1}{0}", "0")]
    [InlineData("x+1", "1+x")]
    [InlineData("72", "720")]
    [InlineData("-5", "5")]
    public void Inequivalent_answers(string a, string b)
    {
        Assert.False(MathEquivalence.AreEquivalent(a, b), $"{a} !~ {b}");
        Assert.False(MathEquivalence.AreEquivalent(b, a), $"{b} !~ {a}");
    }

    [Theory]
    [InlineData("\\frac{2}{4}", "0.5")]
    [InlineData("-\\dfrac{6}{4}", "-1.5")]
    [InlineData("1/3", "1/3")]
    [InlineData("\\frac{-2}{6}", "-1/3")]
    [InlineData("72.000", "72")]
    [InlineData("1,000", "1000")]
    [InlineData("(0.5, 2/4)", "(0.5,0.5)")]
    [InlineData("7 , 12", "7, 12")]
    [InlineData("\\sqrt{2}", "\\sqrt{2}")]
    [InlineData("-0", "0")]
    public void Canonical_forms(string answer, string canonical) =>
        Assert.Equal(canonical, MathEquivalence.Canonical(answer));

    [Fact]
    public void Equal_canonical_forms_are_equivalent_for_generated_answers()
    {
        var forms = new Func<int, int, string>[]
        {
            (p, q) => $"\\frac{{{p}}}{{{q}}}",
            (p, q) => $"{p}/{q}",
            (p, q) => $"\\dfrac{{{p * 2}}}{{{q * 2}}}",
            (p, q) => q == 1 ? $"{p}" : $"{p}/{q}",
        };
        var random = new Random(7);
        for (var i = 0; i < 300; i++)
        {
            var p = random.Next(-50, 50);
            var q = random.Next(1, 20);
            var a = forms[random.Next(forms.Length)](p, q);
            var b = forms[random.Next(forms.Length)](p, q);
            Assert.Equal(MathEquivalence.Canonical(a), MathEquivalence.Canonical(b));
            Assert.True(MathEquivalence.AreEquivalent(a, b));
        }
    }

    [Fact]
    public void Rationals_are_exact_and_canonical()
    {
        Assert.True(Rational.TryParseDecimal("0.1", out var tenth));
        Assert.Equal(new Rational(1, 10), tenth);
        Assert.True(Rational.TryParseDecimal("-2.50e2", out var big));
        Assert.Equal(Rational.FromInteger(-250), big);
        Assert.True(Rational.TryParseDecimal("123456789012345678901234567890", out var huge));
        Assert.Equal(BigInteger.Parse("123456789012345678901234567890"), huge.Numerator);
        Assert.False(Rational.TryParseDecimal("1.2.3", out _));
        Assert.False(Rational.TryParseDecimal("", out _));
        Assert.False(Rational.TryParseDecimal("e5", out _));
        Assert.Equal("-0.125", new Rational(-1, 8).ToString());
        Assert.Equal("2/3", new Rational(4, 6).ToString());
        Assert.Equal("-2/3", new Rational(2, -3).ToString());
        Assert.True(new Rational(9, 4).TrySqrt(out var root));
        Assert.Equal(new Rational(3, 2), root);
        Assert.False(new Rational(2, 1).TrySqrt(out _));
        Assert.Throws<DivideByZeroException>(() => new Rational(1, 0));
        Assert.Equal(default, new Rational(0, 5));
        Assert.Equal(0.1, tenth.ToDouble(), 15);
    }
}
