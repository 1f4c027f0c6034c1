using ReSTEM.Core.Verification.MathAnswers;

namespace ReSTEM.Core.Tests.Verification;

/// <summary>Our ports give what the public harnesses give, case by case.</summary>
public sealed class PublicHarnessTableTests
{
    public static TheoryData<string, string?> Gsm8kCases => HarnessCases.Pairs("gsm8k_extract", "text", "expected");
    public static TheoryData<string, string?, string?> BoxCases => HarnessCases.Boxes();
    public static TheoryData<string, string?> StripCases => HarnessCases.Pairs("strip_string", "text", "expected");
    public static TheoryData<string, string, bool> EquivCases => HarnessCases.Equivalences();
    public static TheoryData<string, string?> NormalizeCases => HarnessCases.Pairs("normalize_final_answer", "text", "expected");
    public static TheoryData<string, string?> FinalAnswerCases => HarnessCases.Pairs("get_unnormalized_answer", "text", "expected");

    [Theory]
    [MemberData(nameof(Gsm8kCases))]
    public void Gsm8k_extract_answer_matches_the_original(string text, string? expected) =>
        Assert.Equal(expected, Gsm8kAnswer.Extract(text));

    [Theory]
    [MemberData(nameof(BoxCases))]
    public void Last_boxed_and_remove_boxed_match_the_harness(string text, string? last, string? content)
    {
        Assert.Equal(last, HendrycksMath.LastBoxedOnlyString(text));
        var removed = HendrycksMath.RemoveBoxed(HendrycksMath.LastBoxedOnlyString(text));
        if (last != null && last.StartsWith("\\fbox{", StringComparison.Ordinal))
        {
            // The harness's remove_boxed only opens \boxed; we open \fbox too.
            Assert.Null(content);
            Assert.Equal(last["\\fbox{".Length..^1], removed);
        }
        else
        {
            Assert.Equal(content, removed);
        }
    }

    [Theory]
    [MemberData(nameof(StripCases))]
    public void Strip_string_matches_the_original(string text, string? expected)
    {
        var ok = HendrycksMath.TryStripString(text, out var stripped);
        Assert.Equal(expected != null, ok);
        if (expected != null)
        {
            Assert.Equal(expected, stripped);
        }
    }

    [Theory]
    [MemberData(nameof(EquivCases))]
    public void Is_equiv_matches_the_original(string a, string b, bool expected) =>
        Assert.Equal(expected, HendrycksMath.IsEquiv(a, b));

    [Theory]
    [MemberData(nameof(NormalizeCases))]
    public void Normalize_final_answer_matches_minerva(string text, string? expected) =>
        Assert.Equal(expected, MinervaMath.NormalizeFinalAnswer(text));

    [Theory]
    [MemberData(nameof(FinalAnswerCases))]
    public void Get_unnormalized_answer_matches_minerva(string text, string? expected) =>
        Assert.Equal(expected, MinervaMath.GetUnnormalizedAnswer(text));

    [Fact]
    public void The_tables_are_large_enough() =>
        Assert.True(Gsm8kCases.Count + BoxCases.Count + StripCases.Count + EquivCases.Count + NormalizeCases.Count + FinalAnswerCases.Count >= 150);

    [Fact]
    public void Is_equiv_of_nulls_follows_the_original()
    {
        Assert.True(HendrycksMath.IsEquiv(null, null));
        Assert.False(HendrycksMath.IsEquiv("1", null));
        Assert.False(HendrycksMath.IsEquiv(null, "1"));
    }

    [Fact]
    public void Minerva_lists_are_the_published_ones()
    {
        Assert.Equal(10, MinervaMath.Substitutions.Count);
        Assert.Equal(("an ", ""), MinervaMath.Substitutions[0]);
        Assert.Equal(("\\text{m}", "\\text{}"), MinervaMath.Substitutions[^1]);
        Assert.Equal(42, MinervaMath.RemovedExpressions.Count);
        Assert.Equal("square", MinervaMath.RemovedExpressions[0]);
        Assert.Equal("\\dots", MinervaMath.RemovedExpressions[^1]);
    }
}
