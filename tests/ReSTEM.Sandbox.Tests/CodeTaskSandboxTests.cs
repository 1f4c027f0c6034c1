using ReSTEM.Core.Problems;
using ReSTEM.Core.Tasks.Code;
using ReSTEM.Core.Verification;

namespace ReSTEM.Sandbox.Tests;

/// <summary>The built-in code task in the real sandbox: human references pass, wrong bodies fail.</summary>
[Collection(SandboxCollection.Name)]
public sealed class CodeTaskSandboxTests(SandboxFixture fixture)
{
    private CodeTask NewTask() => new(fixture.Sandbox, new CodeTaskOptions { Seed = 99, TrainSize = 50, ValidationSize = 25, TestSize = 25 });

    [Fact]
    public async Task Every_reference_solution_passes_its_tests()
    {
        var task = NewTask();
        var problems = new[] { Split.Train, Split.Validation, Split.Test }.SelectMany(task.Problems).ToList();
        Assert.Equal(25, problems.Select(p => p.Category).Distinct().Count());
        var results = await Task.WhenAll(problems.Select(p => task.Verifier.VerifyAsync(p, task.FormatReference(p)!, CancellationToken.None).AsTask()));
        var failures = problems.Zip(results).Where(x => x.Second.Verdict != Verdict.Passed)
            .Select(x => $"{x.First.Id} {x.First.Category}: {x.Second.Verdict.ToName()} {x.Second.Reason}").ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task Wrong_or_missing_bodies_fail()
    {
        var task = NewTask();
        var problems = task.Problems(Split.Test);
        var wrong = await Task.WhenAll(problems.Select(p => task.Verifier.VerifyAsync(p, "    return None\n", CancellationToken.None).AsTask()));
        Assert.All(wrong, r => Assert.Equal(Verdict.Failed, r.Verdict));
        // The docstring alone is a valid body that returns None.
        var empty = await Task.WhenAll(problems.Take(10).Select(p => task.Verifier.VerifyAsync(p, "", CancellationToken.None).AsTask()));
        Assert.All(empty, r => Assert.Equal(Verdict.Failed, r.Verdict));
        var broken = await Task.WhenAll(problems.Take(10).Select(p => task.Verifier.VerifyAsync(p, "    return (\n", CancellationToken.None).AsTask()));
        Assert.All(broken, r => Assert.Equal(Verdict.Crash, r.Verdict));
    }

    [Fact]
    public async Task Another_problems_reference_fails_here()
    {
        var task = NewTask();
        var problems = task.Problems(Split.Train);
        var results = await Task.WhenAll(problems.Select((p, i) =>
            task.Verifier.VerifyAsync(p, task.FormatReference(problems[(i + 5) % problems.Count])!, CancellationToken.None).AsTask()));
        Assert.All(results, r => Assert.NotEqual(Verdict.Passed, r.Verdict));
    }
}
