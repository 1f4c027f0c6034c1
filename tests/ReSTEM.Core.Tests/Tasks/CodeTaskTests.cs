using ReSTEM.Core.Problems;
using ReSTEM.Core.Tasks;
using ReSTEM.Core.Tasks.Code;
using ReSTEM.Core.Verification;

namespace ReSTEM.Core.Tests.Tasks;

/// <summary>The built-in code task's problems: seeded, disjoint, graded, well formed. (Running them is in the sandbox tests.)</summary>
public sealed class CodeTaskTests
{
    /// <summary>A runner that must never be called: these tests only look at the problems.</summary>
    private sealed class NoRunner : IProgramRunner
    {
        public ValueTask<ProgramRunResult> RunAsync(ProgramRun run, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the problem tests run nothing");
    }

    private static CodeTask Task(int seed = 5, int train = 300, int validation = 50, int test = 100) =>
        new(new NoRunner(), new CodeTaskOptions { Seed = seed, TrainSize = train, ValidationSize = validation, TestSize = test });

    [Fact]
    public void It_is_the_code_task()
    {
        var task = Task();
        Assert.Equal("code", task.Name);
        Assert.Equal(TaskKind.Code, task.Kind);
        Assert.NotEmpty(task.StopStrings);
    }

    [Fact]
    public void Splits_have_the_asked_sizes_and_are_disjoint()
    {
        var task = Task();
        Assert.Equal(300, task.Problems(Split.Train).Count);
        Assert.Equal(50, task.Problems(Split.Validation).Count);
        Assert.Equal(100, task.Problems(Split.Test).Count);
        var all = new[] { Split.Train, Split.Validation, Split.Test }.SelectMany(task.Problems).ToList();
        Assert.Equal(all.Count, all.Select(p => p.Id).Distinct().Count());
        Assert.Equal(all.Count, all.Select(p => p.Tests!.EntryPoint).Distinct().Count());
        Assert.Equal(all.Count, all.Select(p => p.Question).Distinct().Count());
    }

    [Fact]
    public void The_same_seed_gives_the_same_problems_and_another_seed_others()
    {
        var a = Task(seed: 11).Problems(Split.Test);
        var b = Task(seed: 11).Problems(Split.Test);
        var c = Task(seed: 12).Problems(Split.Test);
        Assert.Equal(a, b);
        Assert.NotEqual(a.Select(p => p.Question), c.Select(p => p.Question));
    }

    [Fact]
    public void Every_level_gets_a_fifth_of_each_split_and_every_family_appears()
    {
        var task = Task();
        foreach (var split in new[] { Split.Train, Split.Validation, Split.Test })
        {
            var problems = task.Problems(split);
            for (var level = 1; level <= 5; level++)
            {
                Assert.Equal(problems.Count / 5, problems.Count(p => p.Difficulty == level));
            }
        }
        Assert.Equal(25, task.Problems(Split.Train).Select(p => p.Category).Distinct().Count());
    }

    [Fact]
    public void Prompts_are_signature_and_docstring_and_the_reference_is_the_body()
    {
        var task = Task();
        foreach (var problem in task.Problems(Split.Train))
        {
            var prompt = task.FormatPrompt(problem);
            var entry = problem.Tests!.EntryPoint!;
            Assert.StartsWith($"def {entry}(", prompt);
            Assert.EndsWith("    \"\"\"\n", prompt);
            Assert.Contains($">>> {entry}(", prompt);
            var body = task.FormatReference(problem)!;
            Assert.StartsWith("    ", body);
            Assert.EndsWith("\n", body);
            Assert.All(body.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.StartsWith("    ", line));
            // A stop string inside the reference would cut the model's copy of it short.
            Assert.All(task.StopStrings, stop => Assert.DoesNotContain(stop, body));
            Assert.Equal(CodeTestStyle.Function, problem.Tests.Style);
            Assert.True(problem.Tests.PrependQuestion);
            Assert.StartsWith("def check(candidate):\n", problem.Tests.Test);
            Assert.Equal(6, problem.Tests.Test!.Split('\n').Count(l => l.StartsWith("    assert candidate(", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public void A_large_default_task_can_be_generated()
    {
        var task = new CodeTask(new NoRunner());
        Assert.Equal(2000, task.Problems(Split.Train).Count);
        Assert.Equal(200, task.Problems(Split.Validation).Count);
        Assert.Equal(500, task.Problems(Split.Test).Count);
    }

    [Fact]
    public void Options_are_validated()
    {
        Assert.Throws<ArgumentException>(() => new CodeTask(new NoRunner(), new CodeTaskOptions { TrainSize = -1 }));
        Assert.Throws<ArgumentException>(() => new CodeTask(new NoRunner(), new CodeTaskOptions { TrainSize = 0, ValidationSize = 0, TestSize = 0 }));
        Assert.Throws<ArgumentException>(() => new CodeTask(new NoRunner(), new CodeTaskOptions { TestsPerProblem = 0 }));
        Assert.Throws<ArgumentNullException>(() => new CodeTask(null!));
    }

    [Fact]
    public void Example_problem_reads_naturally()
    {
        var problem = Task().Problems(Split.Train).First(p => p.Difficulty == 4);
        Assert.Matches(@"^def \w+\((x|xs|n|s|a, b)\):\n    """"""Return .+\.\n    >>> \w+\(.*\)\n    .+\n    """"""\n$", problem.Question);
    }
}
