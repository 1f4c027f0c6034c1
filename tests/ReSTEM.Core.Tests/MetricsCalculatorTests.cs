using ReSTEM.Core.Metrics;

namespace ReSTEM.Core.Tests;

public sealed class MetricsCalculatorTests
{
    private static ProblemOutcome Outcome(string id, int level, params (string? Answer, bool Correct)[] samples) =>
        new(id, level, null, samples.Select(s => s.Answer).ToList(), samples.Select(s => s.Correct).ToList());

    [Fact]
    public void Greedy_pass_at_1_is_the_share_of_correct_first_completions_per_level()
    {
        var metrics = MetricsCalculator.Greedy([Outcome("a", 1, ("1", true)), Outcome("b", 1, ("2", false)), Outcome("c", 2, ("3", true))]);
        Assert.Equal(2.0 / 3, metrics["pass@1"], 12);
        Assert.Equal(0.5, metrics["pass@1/level-1"], 12);
        Assert.Equal(1.0, metrics["pass@1/level-2"], 12);
    }

    [Fact]
    public void Sampled_metrics_match_a_hand_computed_example()
    {
        // Problem a: 4 samples, 2 correct (answer 5 correct, 6 wrong); majority of the first 4 is "6" (2 votes, first to reach 2).
        // Problem b: 4 samples, 1 correct; majority "9" (correct) with 1 vote each -> first answer wins: "9".
        var outcomes = new[]
        {
            Outcome("a", 1, ("6", false), ("5", true), ("6", false), ("5", true)),
            Outcome("b", 1, ("9", true), ("8", false), (null, false), ("7", false)),
        };
        var metrics = MetricsCalculator.Sampled(outcomes, [1, 2, 4]);
        Assert.Equal((0.5 + 0.25) / 2, metrics["sampled_pass@1"], 12);
        Assert.Equal(((1 - 1.0 / 6) + 0.5) / 2, metrics["pass@2"], 12);
        Assert.Equal(1.0, metrics["pass@4"], 12);
        Assert.Equal(0.5, metrics["maj@1"], 12);
        Assert.Equal(0.5, metrics["maj@4"], 12);
        Assert.False(metrics.ContainsKey("pass@1"));
    }

    [Fact]
    public void Ks_larger_than_the_sample_count_are_skipped()
    {
        var metrics = MetricsCalculator.Sampled([Outcome("a", 0, ("1", true), ("2", false))], [1, 2, 8]);
        Assert.False(metrics.ContainsKey("pass@8"));
        Assert.True(metrics.ContainsKey("pass@2"));
    }
}
