using CsCheck;
using ReSTEM.Core.Metrics;

namespace ReSTEM.Core.Tests;

public sealed class PassAtKTests
{
    private static double Binomial(int n, int k)
    {
        if (k < 0 || k > n) return 0;
        var r = 1.0;
        for (var i = 1; i <= k; i++) r = r * (n - k + i) / i;
        return r;
    }

    [Theory]
    [InlineData(10, 0, 1, 0.0)]
    [InlineData(10, 10, 5, 1.0)]
    [InlineData(10, 3, 1, 0.3)]
    [InlineData(5, 1, 5, 1.0)]
    [InlineData(4, 2, 2, 1 - 1.0 / 6)]
    public void Estimate_matches_hand_computed_values(int n, int c, int k, double expected) =>
        Assert.Equal(expected, PassAtK.Estimate(n, c, k), 12);

    [Fact]
    public void Estimate_equals_the_binomial_formula_everywhere() =>
        Gen.Int[1, 40].SelectMany(n => Gen.Int[0, n].SelectMany(c => Gen.Int[1, n].Select(k => (n, c, k))))
            .Sample(t => Math.Abs(PassAtK.Estimate(t.n, t.c, t.k) - (1 - Binomial(t.n - t.c, t.k) / Binomial(t.n, t.k))) < 1e-9);

    [Fact]
    public void Estimate_rejects_impossible_counts()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PassAtK.Estimate(5, 6, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => PassAtK.Estimate(5, 1, 6));
        Assert.Throws<ArgumentOutOfRangeException>(() => PassAtK.Estimate(0, 0, 1));
    }

    [Fact]
    public void Majority_vote_ignores_missing_answers_and_breaks_ties_by_first_reach()
    {
        Assert.Equal("7", MajorityVote.Vote(["7", null, "8", "7", "8"], 5));
        Assert.Equal("8", MajorityVote.Vote(["7", "8", "8", "7"], 4));
        Assert.Null(MajorityVote.Vote([null, null], 2));
        Assert.Equal("7", MajorityVote.Vote(["7", "8", "8"], 1));
    }

    [Fact]
    public void Majority_is_correct_when_the_voted_answer_was_verified_correct()
    {
        Assert.True(MajorityVote.IsCorrect(["1", "2", "2"], [false, true, true], 3));
        Assert.False(MajorityVote.IsCorrect(["1", "2", "2"], [false, true, true], 1));
        Assert.False(MajorityVote.IsCorrect([null, null], [false, false], 2));
    }
}
