using ReSTEM.Core.Problems;
using ReSTEM.Core.Verification;
using ReSTEM.Core.Verification.MathAnswers;

namespace ReSTEM.Core.Tests.Verification;

/// <summary>The math verifier per mode: extraction, gold handling, verdicts and the canonical extracted answer.</summary>
public sealed class MathVerifierTests
{
    private static VerificationResult Verify(MathVerifierMode mode, string completion, string gold, bool fallback = false) =>
        MathVerifier.Grade(completion, gold, new MathVerifierOptions { Mode = mode, LastNumberFallback = fallback });

    [Theory]
    [InlineData("She pays 3 * 4 = 12.\n#### 12", "#### 12", Verdict.Passed, "12")]
    [InlineData("#### 1,200", "1200", Verdict.Passed, "1200")]
    [InlineData("#### 12.0", "12", Verdict.Passed, "12")]
    [InlineData("#### 13", "#### 12", Verdict.Failed, "13")]
    [InlineData("The answer is 12.", "12", Verdict.NoAnswer, null)]
    [InlineData("#### $12", "12", Verdict.NoAnswer, null)]
    [InlineData("#### 12 #### 13", "12", Verdict.Passed, "12")]
    public void Gsm8k_mode(string completion, string gold, Verdict verdict, string? extracted)
    {
        var result = Verify(MathVerifierMode.Gsm8k, completion, gold);
        Assert.Equal(verdict, result.Verdict);
        Assert.Equal(extracted, result.ExtractedAnswer);
    }

    [Theory]
    [InlineData("so she pays $1,200.", "1200", Verdict.Passed, "1200")]
    [InlineData("It costs 5 dollars, so 10 in total...", "10", Verdict.Passed, "10")]
    [InlineData("between 3 and 4", "3", Verdict.Failed, "4")]
    [InlineData("no numbers at all", "3", Verdict.NoAnswer, null)]
    [InlineData("#### 7 and then 9", "7", Verdict.Passed, "7")]
    public void Gsm8k_mode_with_the_last_number_fallback(string completion, string gold, Verdict verdict, string? extracted)
    {
        var result = Verify(MathVerifierMode.Gsm8k, completion, gold, fallback: true);
        Assert.Equal(verdict, result.Verdict);
        Assert.Equal(extracted, result.ExtractedAnswer);
    }

    [Theory]
    [InlineData("12 + 5 = 17\n#### 17", "#### 17", Verdict.Passed, "17")]
    [InlineData("#### 7, 12", "#### 7, 12", Verdict.Passed, "7, 12")]
    [InlineData("#### 7,12", "7, 12", Verdict.Passed, "7, 12")]
    [InlineData("#### 12, 7", "#### 7, 12", Verdict.Failed, "12, 7")]
    [InlineData("#### 7", "#### 7, 12", Verdict.Failed, "7")]
    [InlineData("#### 7, 12, 1", "#### 7, 12", Verdict.Failed, "7, 12, 1")]
    [InlineData("#### 7 apples", "#### 7", Verdict.NoAnswer, null)]
    [InlineData("#### seven", "#### 7", Verdict.NoAnswer, null)]
    [InlineData("the answer is 7", "#### 7", Verdict.NoAnswer, null)]
    [InlineData("#### -3.5\nmore text", "#### -3.50", Verdict.Passed, "-3.5")]
    [InlineData("####7", "7", Verdict.Passed, "7")]
    public void Builtin_strict_mode_checks_every_answer_in_order(string completion, string gold, Verdict verdict, string? extracted)
    {
        var result = Verify(MathVerifierMode.Builtin, completion, gold);
        Assert.Equal(verdict, result.Verdict);
        Assert.Equal(extracted, result.ExtractedAnswer);
    }

    [Theory]
    [InlineData("Thus $x = \\boxed{\\frac{1}{2}}$.", "The answer is $\\boxed{\\dfrac12}$.", Verdict.Passed, "0.5")]
    [InlineData("\\boxed{0.5}", "\\boxed{\\frac{1}{2}}", Verdict.Passed, "0.5")]
    [InlineData("\\boxed{2/4}", "\\frac{1}{2}", Verdict.Passed, "0.5")]
    [InlineData("\\boxed{10\\%}", "\\boxed{10}", Verdict.Passed, "10")]
    [InlineData("\\boxed{(1,2)}", "\\boxed{(1, 2)}", Verdict.Passed, "(1,2)")]
    [InlineData("\\boxed{[2,5)}", "[2,5)", Verdict.Passed, "[2,5)")]
    [InlineData("\\boxed{x^2+1}", "\\boxed{x^2 + 1}", Verdict.Passed, "x^2+1")]
    [InlineData("\\boxed{3}", "\\boxed{4}", Verdict.Failed, "3")]
    [InlineData("\\fbox{7}", "7", Verdict.Passed, "7")]
    [InlineData("The answer is 7.", "7", Verdict.NoAnswer, null)]
    [InlineData("\\boxed{90^\\circ}", "\\boxed{90}", Verdict.Passed, "90")]
    [InlineData("\\boxed{\\text{(A)}}", "\\boxed{\\text{(A)}}", Verdict.Passed, "\\text{(A)}")]
    public void Math_mode(string completion, string gold, Verdict verdict, string? extracted)
    {
        var result = Verify(MathVerifierMode.Math, completion, gold);
        Assert.Equal(verdict, result.Verdict);
        Assert.Equal(extracted, result.ExtractedAnswer);
    }

    [Theory]
    [InlineData("Final Answer: The final answer is $24$. I hope it is correct.", "\\boxed{24}", Verdict.Passed, "24")]
    [InlineData("Final Answer: The final answer is $-\\frac{2}{3}$. I hope it is correct.", "$-\\dfrac{2}{3}$", Verdict.Passed, "-2/3")]
    [InlineData("Final Answer: The final answer is 16 pounds. I hope it is correct.", "\\boxed{16}", Verdict.Passed, "16")]
    [InlineData("Final Answer: The final answer is $100,000$. I hope it is correct.", "100000", Verdict.Passed, "100000")]
    [InlineData("The answer is \\boxed{5}.", "5", Verdict.Passed, "5")]
    [InlineData("Final Answer: The final answer is $7$. I hope it is correct.", "\\boxed{8}", Verdict.Failed, "7")]
    [InlineData("I do not know.", "8", Verdict.NoAnswer, null)]
    public void Minerva_mode(string completion, string gold, Verdict verdict, string? extracted)
    {
        var result = Verify(MathVerifierMode.Minerva, completion, gold);
        Assert.Equal(verdict, result.Verdict);
        Assert.Equal(extracted, result.ExtractedAnswer);
    }

    [Fact]
    public void Static_extraction_works_without_a_problem()
    {
        Assert.Equal("72", MathVerifier.ExtractAnswer("...\n#### 72", MathVerifierMode.Gsm8k));
        Assert.Null(MathVerifier.ExtractAnswer("72", MathVerifierMode.Gsm8k));
        Assert.Equal("72", MathVerifier.ExtractAnswer("so 72", MathVerifierMode.Gsm8k, lastNumberFallback: true));
        Assert.Null(MathVerifier.ExtractAnswer("so 72", MathVerifierMode.Builtin, lastNumberFallback: true));
        Assert.Equal("0.5", MathVerifier.ExtractAnswer("$\\boxed{\\frac12}$", MathVerifierMode.Math));
        Assert.Equal("0.5", MathVerifier.ExtractGold("We get \\boxed{\\frac{1}{2}}.", MathVerifierMode.Math));
        Assert.Equal("18", MathVerifier.ExtractGold("Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs.\n#### 18", MathVerifierMode.Gsm8k));
        Assert.Equal("18", MathVerifier.ExtractGold("18", MathVerifierMode.Gsm8k));
        Assert.True(MathVerifier.AreEquivalent("\\frac{1}{2}", "0.5", MathVerifierMode.Math));
        Assert.False(MathVerifier.AreEquivalent("7, 12", "12, 7", MathVerifierMode.Builtin));
        var graded = MathVerifier.Grade("#### 5", "#### 5", new MathVerifierOptions { Mode = MathVerifierMode.Builtin });
        Assert.Equal(Verdict.Passed, graded.Verdict);
        Assert.Equal(1f, graded.Reward);
    }

    [Fact]
    public void Majority_voting_can_group_by_the_extracted_answer()
    {
        var completions = new[] { "\\boxed{\\frac{1}{2}}", "\\boxed{0.5}", "\\boxed{2/4}", "\\boxed{\\dfrac{1}{2}}", "\\boxed{3}" };
        var groups = completions.Select(c => MathVerifier.ExtractAnswer(c, MathVerifierMode.Math)).GroupBy(a => a).OrderByDescending(g => g.Count()).ToList();
        Assert.Equal("0.5", groups[0].Key);
        Assert.Equal(4, groups[0].Count());
    }

    [Fact]
    public async Task A_problem_without_gold_is_not_blamed_on_the_completion()
    {
        var result = await new MathVerifier().VerifyAsync(new Problem { Id = "p", Question = "q" }, "#### 1", CancellationToken.None);
        Assert.Equal(Verdict.SandboxError, result.Verdict);
        var solutionOnly = await new MathVerifier().VerifyAsync(new Problem { Id = "p", Question = "q", Solution = "2 + 2 = 4\n#### 4" }, "#### 4", CancellationToken.None);
        Assert.Equal(Verdict.Passed, solutionOnly.Verdict);
    }

    [Fact]
    public void Options_are_validated()
    {
        Assert.Throws<ArgumentException>(() => new MathVerifier(new MathVerifierOptions { FloatTolerance = -1 }));
        Assert.Throws<ArgumentException>(() => new MathVerifier(new MathVerifierOptions { Mode = MathVerifierMode.Builtin, LastNumberFallback = true }));
        Assert.Throws<ArgumentException>(() => new MathVerifier(new MathVerifierOptions { Mode = (MathVerifierMode)42 }));
    }
}
