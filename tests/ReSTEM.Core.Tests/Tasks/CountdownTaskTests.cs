using ReSTEM.Core.Problems;
using ReSTEM.Core.Tasks.Countdown;
using ReSTEM.Core.Verification;

namespace ReSTEM.Core.Tests.Tasks;

public sealed class CountdownTaskTests
{
    private static readonly CountdownOptions Small = new() { TrainProblems = 600, ValidationProblems = 50, TestProblems = 150 };

    private static VerificationResult Check(string question, string completion)
    {
        var problem = new Problem { Id = "p", Question = question, Answer = question[(question.LastIndexOf(' ') + 1)..] };
        var pending = new CountdownVerifier().VerifyAsync(problem, completion, CancellationToken.None);
        // The Countdown verifier answers synchronously: it never waits on anything.
        Assert.True(pending.IsCompleted);
        return pending.Result;
    }

    [Theory]
    [InlineData("(6-3)*7+2=23")]
    [InlineData("7*(6-3)+2=23")]
    [InlineData("2+7*(6-3)=23")]
    [InlineData("6*3+7-2=23")]
    [InlineData("6-3=3, 3*7=21, 21+2=23")]
    [InlineData("6 - 3 = 3 , 3 * 7 = 21 , 21 + 2 = 23")]
    [InlineData("7*(6-3)=21, 21+2=23")]
    [InlineData("6*3=18, 7-2=5, 18+5=23")]
    [InlineData("6-3=3, 3*7=21, 2+21=23")]
    [InlineData(" ( 6 - 3 ) * 7 + 2 = 23 ")]
    [InlineData("(6-3)*7+2=23\nanything the stop string would have cut")]
    public void A_correct_expression_over_exactly_the_given_numbers_passes(string completion)
    {
        var result = Check("use 7 6 3 2 make 23", completion);
        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.Equal(1f, result.Reward);
        Assert.DoesNotContain(" ", result.ExtractedAnswer);
    }

    [Theory]
    [InlineData("(6-3)*7+2=24", Verdict.Failed, "is 23, not 24")]
    [InlineData("7*3+2=23", Verdict.Failed, "6 left unused")]
    [InlineData("7*3+2+6-6=23", Verdict.Failed, "uses")]             // uses 6 twice
    [InlineData("(6-3)*7+3=23", Verdict.Failed, "uses")]             // a number not given
    [InlineData("6*3+7-1=23", Verdict.Failed, "uses")]
    [InlineData("(6-3)*7+2 = 22+1", Verdict.NoAnswer, "not a whole number")]
    [InlineData("23", Verdict.NoAnswer, "no '='")]
    [InlineData("", Verdict.NoAnswer, "no '='")]
    [InlineData("(6-3*7+2=23", Verdict.Failed, "not closed")]
    [InlineData("6/3*7+2=23", Verdict.Failed, "parse")]
    [InlineData("-6+3*7+2*2=23", Verdict.Failed, "parse")]
    [InlineData("(6-3)*7+2=23=23", Verdict.Failed, "not one")]
    [InlineData("6-3=3, 3*7=21, 21+2=24", Verdict.Failed, "is 23, not 24")]
    [InlineData("6-3=3, 3*7=21, 21+2=23, 23", Verdict.NoAnswer, "not one")]
    [InlineData("6-3=3, 3*7=21", Verdict.Failed, "target")]
    [InlineData("6-3=3, 3*7=21, 21+3=24, 24-1=23", Verdict.Failed, "uses 3")]
    [InlineData("6-3=3, 7*2=14, 3+14=17, 17+6=23", Verdict.Failed, "uses 6")]
    [InlineData("6-3=2, 2*7=14, 14+2=16", Verdict.Failed, "is 3, not 2")]
    [InlineData("6*3=18, 7-2=5, 18+5=23, 23*1=23", Verdict.Failed, "uses 1")]
    [InlineData("6*3=18, 7+2=9, 18+5=23", Verdict.Failed, "uses 5")]
    [InlineData("6*3=18, 7-2=5, 18+5=23, 5", Verdict.NoAnswer, "not one")]
    public void Anything_else_is_refused_with_a_reason(string completion, Verdict verdict, string reason)
    {
        var result = Check("use 7 6 3 2 make 23", completion);
        Assert.Equal(verdict, result.Verdict);
        Assert.Contains(reason, result.Reason);
        Assert.Equal(0f, result.Reward);
    }

    [Fact]
    public void A_right_claim_with_a_wrong_value_fails()
    {
        var result = Check("use 7 6 3 2 make 23", "(6+3)*7-2=23");
        Assert.Equal(Verdict.Failed, result.Verdict);
        Assert.Contains("is 61, not 23", result.Reason);
    }

    [Fact]
    public void Huge_or_deeply_nested_answers_fail_without_throwing()
    {
        Assert.Equal(Verdict.Failed, Check("use 7 6 3 2 make 23", "9999999999*9999999999=23").Verdict);
        Assert.Equal(Verdict.Failed, Check("use 7 6 3 2 make 23", new string('(', 10_000) + "1" + new string(')', 10_000) + "=23").Verdict);
        Assert.Equal(Verdict.Failed, Check("use 7 6 3 2 make 23", string.Join("*", Enumerable.Repeat("999999999", 10)) + "=23").Verdict);
    }

    [Fact]
    public void A_question_that_is_not_a_countdown_question_is_the_problem_s_fault_not_the_candidate_s()
    {
        var result = Check("make 23 from 7 6 3 2", "(6-3)*7+2=23");
        Assert.Equal(Verdict.SandboxError, result.Verdict);
    }

    [Fact]
    public void Splits_are_deterministic_disjoint_and_held_out_sets_cover_every_level()
    {
        var a = new CountdownTask(Small);
        var b = new CountdownTask(Small);
        Assert.Equal(a.Problems(Split.Train).Select(p => p.Question), b.Problems(Split.Train).Select(p => p.Question));
        Assert.Equal(600, a.Problems(Split.Train).Count);
        Assert.Equal(50, a.Problems(Split.Validation).Count);
        Assert.Equal(150, a.Problems(Split.Test).Count);
        var all = new[] { Split.Train, Split.Validation, Split.Test }.SelectMany(a.Problems).ToList();
        var keys = all.Select(p => CountdownTask.Parse(p)).Select(x => $"{string.Join(' ', x.Numbers.Order())}>{x.Target}").ToList();
        Assert.Equal(all.Count, keys.Distinct().Count());
        Assert.Equal(all.Count, all.Select(p => p.Id).Distinct().Count());
        Assert.Equal([2, 3, 4], a.Problems(Split.Test).Select(p => p.Difficulty).Distinct().Order());
        // Every split has the same mix of levels (to within one problem of rounding), and levels take turns.
        foreach (var split in new[] { Split.Validation, Split.Test })
        {
            var problems = a.Problems(split);
            foreach (var level in new[] { 2, 3, 4 })
            {
                var expected = (double)problems.Count * all.Count(p => p.Difficulty == level) / all.Count;
                Assert.InRange(problems.Count(p => p.Difficulty == level), expected - 1, expected + 1);
            }
            Assert.Equal([2, 3, 4], problems.Take(3).Select(p => p.Difficulty));
        }
    }

    [Fact]
    public async Task Every_human_solution_passes_the_verifier_and_every_problem_is_in_range()
    {
        var task = new CountdownTask(Small);
        var problems = new[] { Split.Train, Split.Validation, Split.Test }.SelectMany(task.Problems).ToList();
        Assert.Equal(800, problems.Count);
        foreach (var problem in problems)
        {
            var (numbers, target) = CountdownTask.Parse(problem);
            Assert.Equal(problem.Difficulty, numbers.Count);
            Assert.All(numbers, n => Assert.InRange(n, 1, Small.MaxNumber));
            Assert.InRange(target, 1, Small.MaxTarget);
            var result = await task.Verifier.VerifyAsync(problem, task.FormatReference(problem)!, CancellationToken.None);
            Assert.True(result.Verdict == Verdict.Passed, $"{problem.Question}: {task.FormatReference(problem)}: {result.Reason}");
        }
    }

    [Fact]
    public async Task Step_by_step_human_solutions_come_in_their_share_and_verify()
    {
        var task = new CountdownTask(Small with { StepSolutionShare = 0.5 });
        var train = task.Problems(Split.Train);
        var steps = train.Where(p => p.Solution!.Contains(", ", StringComparison.Ordinal)).ToList();
        // Two-number problems have a single step either way; the others show the share.
        var multi = train.Where(p => p.Difficulty > 2).ToList();
        Assert.InRange((double)multi.Count(p => p.Solution!.Contains(", ", StringComparison.Ordinal)) / multi.Count, 0.4, 0.6);
        foreach (var problem in steps)
        {
            var result = await task.Verifier.VerifyAsync(problem, problem.Solution!, CancellationToken.None);
            Assert.True(result.Verdict == Verdict.Passed, $"{problem.Question}: {problem.Solution}: {result.Reason}");
            Assert.Equal(problem.Difficulty - 1, problem.Solution!.Split(", ").Length);
        }
        Assert.DoesNotContain(new CountdownTask(Small).Problems(Split.Train), p => p.Solution!.Contains(','));
    }

    [Fact]
    public void The_two_number_level_runs_out_and_the_larger_levels_make_up_the_difference_in_every_split()
    {
        var task = new CountdownTask(new CountdownOptions { TrainProblems = 3000, ValidationProblems = 100, TestProblems = 300 });
        var train = task.Problems(Split.Train);
        Assert.Equal(3000, train.Count);
        var twos = train.Count(p => p.Difficulty == 2);
        Assert.InRange(twos, 100, 250);
        Assert.InRange(train.Count(p => p.Difficulty == 3), 1300, 1500);
        Assert.InRange(train.Count(p => p.Difficulty == 4), 1300, 1500);
        Assert.InRange(task.Problems(Split.Test).Count(p => p.Difficulty == 2), 10, 25);
    }

    [Fact]
    public void Asking_for_more_problems_than_exist_says_so()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new CountdownTask(new CountdownOptions { MinNumbers = 2, MaxNumbers = 2, MaxNumber = 3, MaxTarget = 9, TrainProblems = 100, TestProblems = 10, ValidationProblems = 0 }));
        Assert.Contains("distinct Countdown problems", e.Message);
    }

    [Fact]
    public void The_solver_finds_every_distinct_solution_and_each_one_verifies()
    {
        var solutions = CountdownSolver.Solutions([7, 6, 3, 2], 23);
        Assert.Contains("(6-3)*7+2", solutions);
        Assert.Contains("6*3+7-2", solutions);
        Assert.Equal(solutions.Count, solutions.Distinct().Count());
        Assert.All(solutions, s => Assert.Equal(Verdict.Passed, CountdownVerifier.Check([7, 6, 3, 2], 23, s + "=23").Verdict));
        Assert.Empty(CountdownSolver.Solutions([1, 1], 5));
        Assert.Equal(["2+3", "3+2"], CountdownSolver.Solutions([2, 3], 5).Order());
    }

    [Fact]
    public void Parentheses_are_the_fewest_that_keep_the_value()
    {
        Assert.Equal("(1+2)*3", CountdownSolver.Combine("1+2", true, '*', "3", false));
        Assert.Equal("3*(1+2)", CountdownSolver.Combine("3", false, '*', "1+2", true));
        Assert.Equal("3-(1+2)", CountdownSolver.Combine("3", false, '-', "1+2", true));
        Assert.Equal("3+1-2", CountdownSolver.Combine("3", false, '+', "1-2", true));
        Assert.Equal("1+2-3", CountdownSolver.Combine("1+2", true, '-', "3", false));
        Assert.Equal("3-1*2", CountdownSolver.Combine("3", false, '-', "1*2", false));
    }
}
