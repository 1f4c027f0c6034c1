using CsCheck;
using ReSTEM.Core.Filtering;

namespace ReSTEM.Core.Tests;

public sealed class SampleFilterTests
{
    [Fact]
    public void Filter_should_drop_wrong_and_duplicate_samples_and_cap_per_problem()
    {
        var filter = new SampleFilter(2);
        var accepted = filter.Accept(new[]
        {
            (0, 0f, "wrong"),
            (1, 1f, "a =  1\n#### 1"),
            (2, 1f, " a = 1 #### 1 "),
            (3, 1f, "b = 1\n#### 1"),
            (4, 1f, "c = 1\n#### 1"),
        });
        Assert.Equal([1, 3], accepted);
    }

    [Fact]
    public void Filter_is_independent_of_arrival_order() =>
        Gen.Int[0, 1].Select(r => (float)r).Array[1, 20].Sample(rewards =>
        {
            var samples = rewards.Select((r, i) => (i, r, $"text {i % 5}")).ToArray();
            var shuffled = samples.Reverse().ToArray();
            var filter = new SampleFilter(3);
            return filter.Accept(samples).SequenceEqual(filter.Accept(shuffled));
        });

    [Theory]
    [InlineData("  a\t b\n\nc  ", "a b c")]
    [InlineData("", "")]
    [InlineData("x", "x")]
    public void Normalize_collapses_white_space(string input, string expected) =>
        Assert.Equal(expected, SampleFilter.Normalize(input));
}
