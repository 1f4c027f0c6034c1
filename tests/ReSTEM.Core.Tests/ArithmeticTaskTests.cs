using System.Text.RegularExpressions;
using ReSTEM.Core.Problems;
using ReSTEM.Core.Tasks.Arithmetic;

namespace ReSTEM.Core.Tests;

public sealed partial class ArithmeticTaskTests
{
    private static readonly ArithmeticOptions Small = new() { TrainProblems = 300, ValidationProblems = 50, TestProblems = 100 };

    [Fact]
    public void Splits_are_deterministic_disjoint_and_cover_every_level()
    {
        var a = new ArithmeticProblemGenerator(Small).GenerateSplits();
        var b = new ArithmeticProblemGenerator(Small).GenerateSplits();
        Assert.Equal(a[Split.Train].Select(p => p.Question), b[Split.Train].Select(p => p.Question));
        Assert.Equal(300, a[Split.Train].Count);
        Assert.Equal(50, a[Split.Validation].Count);
        Assert.Equal(100, a[Split.Test].Count);
        var all = a.Values.SelectMany(p => p).ToList();
        Assert.Equal(all.Count, all.Select(p => p.Question).Distinct().Count());
        Assert.Equal(all.Count, all.Select(p => p.Id).Distinct().Count());
        Assert.Equal([1, 2, 3, 4, 5], a[Split.Test].Select(p => p.Difficulty).Distinct().Order());
    }

    [Fact]
    public void Worked_solutions_are_arithmetically_right_and_each_amount_follows_the_latest_has()
    {
        foreach (var problem in new ArithmeticProblemGenerator(Small).GenerateSplits()[Split.Train])
        {
            var lines = problem.Solution!.Split('\n');
            Assert.Equal($"#### {problem.Answer}", lines[^1]);
            var state = StateLine().Match(lines[0]);
            Assert.True(state.Success, lines[0]);
            var names = new[] { state.Groups[1].Value, state.Groups[3].Value };
            var values = new Dictionary<string, int> { [names[0]] = int.Parse(state.Groups[2].Value), [names[1]] = int.Parse(state.Groups[4].Value) };
            Assert.StartsWith($"{names[0]} has {values[names[0]]} ", problem.Question);
            var events = 0;
            for (var l = 1; l < lines.Length - 1; l += 2)
            {
                var e = EventLine().Match(lines[l]);
                Assert.True(e.Success, lines[l]);
                events++;
                foreach (Match change in Change().Matches(e.Groups[2].Value))
                {
                    var (x, op, y, z, who, stated) = (int.Parse(change.Groups[1].Value), change.Groups[2].Value, int.Parse(change.Groups[3].Value),
                        int.Parse(change.Groups[4].Value), change.Groups[5].Value, int.Parse(change.Groups[6].Value));
                    Assert.Equal(values[who], x);
                    Assert.Equal(op switch { "+" => x + y, "-" => x - y, _ => x * y }, z);
                    Assert.Equal(z, stated);
                    Assert.InRange(z, 0, Small.MaxValue);
                    values[who] = z;
                }
                var after = StateLine().Match(lines[l + 1]);
                Assert.True(after.Success, lines[l + 1]);
                Assert.Equal(values[names[0]], int.Parse(after.Groups[2].Value));
                Assert.Equal(values[names[1]], int.Parse(after.Groups[4].Value));
            }
            Assert.Equal($"{values[names[0]]}, {values[names[1]]}", problem.Answer);
            Assert.Equal(problem.Difficulty, events);
            Assert.Equal(problem.Difficulty, problem.Question.Split('.').Length - 2);
        }
    }

    [Fact]
    public void A_whole_example_fits_the_built_in_models_default_context()
    {
        // restem.model.builtin.max-positions (704) must hold BOS + prompt + worked solution + EOS.
        var task = new ArithmeticTask(new ArithmeticOptions { TrainProblems = 2000, ValidationProblems = 200, TestProblems = 500 }, new ReSTEM.Core.Verification.MathAnswers.MathVerifier());
        var longest = new[] { Split.Train, Split.Validation, Split.Test }.SelectMany(task.Problems).Max(p => task.FormatPrompt(p).Length + task.FormatReference(p)!.Length + 2);
        Assert.InRange(longest, 1, 704);
    }

    [Fact]
    public void Answers_are_hard_to_guess()
    {
        var test = new ArithmeticProblemGenerator(Small with { TestProblems = 1000 }).GenerateSplits()[Split.Test];
        var distinct = test.Select(p => p.Answer).Distinct().Count();
        // No single answer may be common enough that guessing it solves many problems.
        var mostCommon = test.GroupBy(p => p.Answer).Max(g => g.Count());
        Assert.True(distinct > 500, $"only {distinct} distinct answers in 1000 problems");
        Assert.True(mostCommon <= 10, $"one answer covers {mostCommon} of 1000 problems");
    }

    [Fact]
    public void Drill_lines_are_correct_facts_restatements_and_steps()
    {
        var lines = new ArithmeticProblemGenerator(Small).DrillLines(600, 3).ToList();
        Assert.Equal(600, lines.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            Assert.DoesNotContain('\n', line);
            switch (i % 3)
            {
                case 0:
                    var m = DrillLine().Match(line);
                    Assert.True(m.Success, line);
                    var (x, op, y, z) = (int.Parse(m.Groups[1].Value), m.Groups[2].Value, int.Parse(m.Groups[3].Value), int.Parse(m.Groups[4].Value));
                    Assert.Equal(op switch { "+" => x + y, "-" => x - y, _ => x * y }, z);
                    break;
                case 1:
                    var r = Restatement().Match(line);
                    Assert.True(r.Success, line);
                    Assert.Equal((r.Groups[1].Value, r.Groups[2].Value, r.Groups[3].Value, r.Groups[4].Value), (r.Groups[5].Value, r.Groups[6].Value, r.Groups[7].Value, r.Groups[8].Value));
                    break;
                default:
                    var s = StateStep().Match(line);
                    Assert.True(s.Success, line);
                    var state = new Dictionary<string, int> { [s.Groups[1].Value] = int.Parse(s.Groups[2].Value), [s.Groups[3].Value] = int.Parse(s.Groups[4].Value) };
                    var step = EventLine().Match(s.Groups[5].Value);
                    Assert.True(step.Success, s.Groups[5].Value);
                    foreach (Match change in Change().Matches(step.Groups[2].Value))
                    {
                        Assert.Equal(state[change.Groups[5].Value], int.Parse(change.Groups[1].Value));
                    }
                    break;
            }
        }
    }

    [Fact]
    public void Options_out_of_range_are_refused_by_name()
    {
        var e = Assert.Throws<ArgumentException>(() => new ArithmeticProblemGenerator(Small with { MaxDifficulty = 6 }));
        Assert.Contains("difficulty", e.Message);
    }

    [GeneratedRegex(@"^([A-Z][a-z]+) has (\d+), ([A-Z][a-z]+) has (\d+)$")]
    private static partial Regex StateLine();

    [GeneratedRegex(@"^([A-Z][a-z]+) (?:buys \d+|loses \d+|gives \d+ to [A-Z][a-z]+|doubles): (.+)$")]
    private static partial Regex EventLine();

    [GeneratedRegex(@"(\d+)([+\-*])(\d+)=(\d+), ([A-Z][a-z]+) has (\d+)")]
    private static partial Regex Change();

    [GeneratedRegex(@"^(\d+)([+\-*])(\d+)=(\d+)$")]
    private static partial Regex DrillLine();

    [GeneratedRegex(@"^([A-Z][a-z]+) has (\d+) [a-z]+ and ([A-Z][a-z]+) has (\d+) [a-z]+\. ([A-Z][a-z]+) has (\d+), ([A-Z][a-z]+) has (\d+)$")]
    private static partial Regex Restatement();

    [GeneratedRegex(@"^([A-Z][a-z]+) has (\d+), ([A-Z][a-z]+) has (\d+)\. [^.]+\. (.+)$")]
    private static partial Regex StateStep();
}
