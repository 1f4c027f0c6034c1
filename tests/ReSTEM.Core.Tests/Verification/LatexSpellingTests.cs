using ReSTEM.Core.Verification;
using ReSTEM.Core.Verification.MathAnswers;

namespace ReSTEM.Core.Tests.Verification;

/// <summary>
/// LaTeX spellings of one answer that the published checkers' test suites (Hendrycks MATH
/// is_equiv, Minerva's normalisation, Math-Verify) treat as equal, and near misses that must
/// stay apart.
/// </summary>
public sealed class LatexSpellingTests
{
    [Theory]
    // Thousands separators.
    [InlineData("1{,}000", "1000")]
    [InlineData("1,000", "1000")]
    [InlineData("1{,}000{,}000", "1000000")]
    [InlineData("-12{,}345.5", "-12345.5")]
    [InlineData("1\\,000", "1000")]
    [InlineData("1\\!000", "1000")]
    [InlineData("1,\\!000", "1000")]
    [InlineData("\\$1{,}000", "1000")]
    // Single-token arguments of \frac and \sqrt.
    [InlineData("\\frac{\\pi}2", "\\frac{\\pi}{2}")]
    [InlineData("\\frac12", "\\frac{1}{2}")]
    [InlineData("\\frac{1}2", "0.5")]
    [InlineData("\\frac1{2}", "1/2")]
    [InlineData("\\frac\\pi2", "\\frac{\\pi}{2}")]
    [InlineData("\\dfrac12", "\\frac{1}{2}")]
    [InlineData("\\tfrac{3}4", "0.75")]
    [InlineData("\\frac{\\sqrt3}2", "\\frac{\\sqrt{3}}{2}")]
    [InlineData("\\sqrt2", "\\sqrt{2}")]
    [InlineData("2\\sqrt3", "2\\sqrt{3}")]
    [InlineData("\\sqrt4", "2")]
    [InlineData("x^{2}+1", "x^2+1")]
    // Sizing and delimiters.
    [InlineData("\\left(1,2\\right)", "(1,2)")]
    [InlineData("\\left[0,\\frac12\\right)", "[0,0.5)")]
    [InlineData("\\left(\\frac12, \\frac{\\pi}3\\right)", "(0.5, \\frac{\\pi}{3})")]
    [InlineData("\\left(-\\infty,0\\right]", "(-\\infty, 0]")]
    [InlineData("\\left\\{1,2\\right\\}", "\\{1,2\\}")]
    [InlineData("\\left|x\\right|", "|x|")]
    [InlineData("\\displaystyle\\frac{2}{3}", "2/3")]
    // Degrees.
    [InlineData("90^\\circ", "90")]
    [InlineData("90^{\\circ}", "90")]
    [InlineData("45°", "45")]
    [InlineData("(30^\\circ, 60^{\\circ})", "(30,60)")]
    // Units in text.
    [InlineData("5\\text{ cm}", "5")]
    [InlineData("5 \\text{cm}^2", "5")]
    [InlineData("20\\text{ dollars}", "20")]
    [InlineData("7\\mbox{ inches}", "7")]
    [InlineData("4\\text{ square units}.", "4")]
    [InlineData("3\\,\\mathrm{m}", "3")]
    // Spacing commands.
    [InlineData("(1,\\,2)", "(1,2)")]
    [InlineData("(1,\\;2)", "(1, 2)")]
    [InlineData("(1,\\:2)", "(1,2)")]
    [InlineData("(1,\\quad 2)", "(1,2)")]
    [InlineData("(1,\\ 2)", "(1,2)")]
    [InlineData("x~+~1", "x+1")]
    [InlineData("x\\!+\\!1", "x + 1")]
    [InlineData("2\\pi r", "2 \\pi  r")]
    // Dollars, percent, final period.
    [InlineData("\\$5", "5")]
    [InlineData("\\$4.50", "4.5")]
    [InlineData("25\\%", "25")]
    [InlineData("x\\%", "x%")]
    [InlineData("\\frac{1}{2}.", "0.5")]
    // Fractions written with a slash.
    [InlineData("\\dfrac{a}{b}", "a/b")]
    [InlineData("\\frac{\\pi}{4}", "\\pi/4")]
    [InlineData("\\frac{3\\pi}{4}", "3\\pi/4")]
    [InlineData("\\frac{1+\\sqrt{5}}{2}", "(1+\\sqrt5)/2")]
    [InlineData("-\\frac{\\sqrt{3}}{2}", "-\\sqrt3/2")]
    [InlineData("1+\\frac{x}{2}", "1 + x/2")]
    [InlineData("0.5", "\\frac{1}{2}")]
    public void Spellings_of_one_answer_are_equivalent(string a, string b)
    {
        Assert.True(MathEquivalence.AreEquivalent(a, b), $"{a} ~ {b}");
        Assert.True(MathEquivalence.AreEquivalent(b, a), $"{b} ~ {a}");
        Assert.Equal(MathEquivalence.Canonical(a), MathEquivalence.Canonical(b));
    }

    [Theory]
    [InlineData("1,000", "1.000")]
    [InlineData("(1,2)", "12")]
    [InlineData("\\frac{1}{2}", "2")]
    [InlineData("10^\\circ", "11")]
    [InlineData("\\frac12", "12")]
    [InlineData("\\frac123", "\\frac{1}{23}")]
    [InlineData("\\frac123", "\\frac{12}{3}")]
    [InlineData("\\sqrt23", "\\sqrt{23}")]
    [InlineData("x^23", "x^{23}")]
    [InlineData("x^2", "x2")]
    [InlineData("12{,}34", "1234")]
    [InlineData("1{,}5", "1.5")]
    [InlineData("1{,}5", "15")]
    [InlineData("5\\text{ million}", "5")]
    [InlineData("5\\text{ or more}", "5")]
    [InlineData("3+2\\text{i}", "3+2")]
    [InlineData("5\\text{ cm}", "50")]
    [InlineData("\\$5", "\\$50")]
    [InlineData("a/bc", "\\frac{a}{bc}")]
    [InlineData("1/2\\pi", "\\frac{1}{2\\pi}")]
    [InlineData("\\sin x/2", "\\sin\\frac{x}{2}")]
    [InlineData("\\frac{\\pi}{2}", "\\frac{2}{\\pi}")]
    [InlineData("\\left[1,2\\right)", "(1,2)")]
    [InlineData("\\left\\{1,2\\right\\}", "(1,2)")]
    [InlineData("\\text{(A)}", "\\text{(B)}")]
    [InlineData("x\\leftarrow 1", "xarrow1")]
    public void Near_misses_stay_apart(string a, string b)
    {
        Assert.False(MathEquivalence.AreEquivalent(a, b), $"{a} !~ {b}");
        Assert.False(MathEquivalence.AreEquivalent(b, a), $"{b} !~ {a}");
    }

    [Theory]
    [InlineData("\\frac\\pi2", "\\frac{\\pi}{2}")]
    [InlineData("1{,}000", "1000")]
    [InlineData("x^{2}", "x^2")]
    [InlineData("2 \\pi  r", "2\\pi r")]
    [InlineData("3\\pi/4", "\\frac{3\\pi}{4}")]
    [InlineData("(1+\\sqrt5)/2", "\\frac{1+\\sqrt{5}}{2}")]
    [InlineData("\\text{ (A) }", "\\text{(A)}")]
    [InlineData("1{,}5", "1{,}5")]
    public void The_spelling_is_one_text_and_stable(string answer, string canonical)
    {
        Assert.Equal(canonical, MathEquivalence.Canonical(answer));
        Assert.Equal(canonical, MathEquivalence.Canonical(canonical));
    }

    [Fact]
    public void The_spelling_of_random_latex_is_stable_and_never_throws()
    {
        string[] pieces =
        [
            "1", "2", "0", "x", ".", ",", "{,}", "{", "}", "(", ")", "[", "]", "/", "-", "+", "^", "_", "\\frac",
            "\\dfrac", "\\sqrt", "\\pi", "\\text{ cm}", "\\text{(A)}", "\\mathrm{m}", "\\left", "\\right", "\\left.",
            " ", "\\,", "\\!", "\\quad", "~", "\\$", "$", "\\%", "^\\circ", "^{\\circ}", "\\cdot", "\\infty", "=", "|", "\\",
        ];
        var random = new Random(11);
        for (var i = 0; i < 20_000; i++)
        {
            var answer = string.Concat(Enumerable.Range(0, random.Next(1, 9)).Select(_ => pieces[random.Next(pieces.Length)]));
            var canonical = MathEquivalence.Canonical(answer);
            Assert.Equal(canonical, MathEquivalence.Canonical(canonical));
            Assert.True(MathEquivalence.AreEquivalent(answer, canonical), answer);
        }
    }

    [Theory]
    [InlineData(MathVerifierMode.Math, "So the total is $\\boxed{1{,}000}$.", "\\boxed{1000}", Verdict.Passed, "1000")]
    [InlineData(MathVerifierMode.Math, "$\\boxed{\\frac{\\pi}2}$", "The angle is $\\boxed{\\frac{\\pi}{2}}$.", Verdict.Passed, "\\frac{\\pi}{2}")]
    [InlineData(MathVerifierMode.Math, "$\\boxed{\\frac\\pi2}$", "\\boxed{\\frac{\\pi}{2}}", Verdict.Passed, "\\frac{\\pi}{2}")]
    [InlineData(MathVerifierMode.Math, "\\boxed{5\\text{ cm}^2}", "\\boxed{5}", Verdict.Passed, "5")]
    [InlineData(MathVerifierMode.Math, "\\boxed{\\$1,\\!000}", "1000", Verdict.Passed, "1000")]
    [InlineData(MathVerifierMode.Math, "\\boxed{1.000}", "\\boxed{1{,}000}", Verdict.Failed, "1")]
    [InlineData(MathVerifierMode.Math, "\\boxed{10^\\circ}", "\\boxed{11^\\circ}", Verdict.Failed, "10")]
    [InlineData(MathVerifierMode.Minerva, "Final Answer: The final answer is $\\frac\\pi2$. I hope it is correct.", "\\boxed{\\pi/2}", Verdict.Passed, "\\frac{\\pi}{2}")]
    [InlineData(MathVerifierMode.Minerva, "Final Answer: The final answer is $1{,}000$. I hope it is correct.", "\\boxed{1000}", Verdict.Passed, "1000")]
    [InlineData(MathVerifierMode.Minerva, "Final Answer: The final answer is $\\frac12$. I hope it is correct.", "\\boxed{2}", Verdict.Failed, "0.5")]
    public void The_verifier_grades_spellings_of_the_gold_as_correct(MathVerifierMode mode, string completion, string gold, Verdict verdict, string extracted)
    {
        var result = MathVerifier.Grade(completion, gold, new MathVerifierOptions { Mode = mode });
        Assert.Equal(verdict, result.Verdict);
        Assert.Equal(extracted, result.ExtractedAnswer);
    }
}
