using ReSTEM.Core.Verification;
using ReSTEM.Core.Verification.Code;

namespace ReSTEM.Sandbox.Tests;

/// <summary>Real data: HumanEval's canonical solutions pass in the sandbox; empty and truncated completions fail.</summary>
[Collection(SandboxCollection.Name)]
public sealed class HumanEvalTests(SandboxFixture fixture)
{
    private async Task<VerificationResult[]> VerifyAll(Func<Core.Problems.Problem, string> completion)
    {
        var verifier = new FunctionTestVerifier(fixture.Sandbox);
        var tasks = HumanEvalData.Problems.Select(p => verifier.VerifyAsync(p, completion(p), CancellationToken.None).AsTask());
        return await Task.WhenAll(tasks);
    }

    [Fact]
    public async Task All_164_canonical_solutions_pass_three_times_in_a_row()
    {
        Assert.Equal(164, HumanEvalData.Problems.Count);
        for (var round = 1; round <= 3; round++)
        {
            var results = await VerifyAll(p => p.Solution!);
            var failures = HumanEvalData.Problems.Zip(results).Where(x => x.Second.Verdict != Verdict.Passed)
                .Select(x => $"round {round}, {x.First.Id}: {x.Second.Verdict.ToName()} {x.Second.Reason}").ToList();
            Assert.True(failures.Count == 0, string.Join("\n", failures));
        }
    }

    [Fact]
    public async Task Empty_completions_fail_everywhere()
    {
        var results = await VerifyAll(_ => "");
        Assert.All(results, r => Assert.NotEqual(Verdict.Passed, r.Verdict));
        // The prompt alone ends in a docstring: a function without a body does not compile.
        Assert.All(results, r => Assert.Contains(r.Verdict, new[] { Verdict.Crash, Verdict.Failed }));
    }

    [Fact]
    public async Task Truncated_completions_fail_everywhere()
    {
        var results = await VerifyAll(p => p.Solution![..(p.Solution!.Length / 2)]);
        var passed = HumanEvalData.Problems.Zip(results).Where(x => x.Second.Verdict == Verdict.Passed).Select(x => x.First.Id).ToList();
        Assert.True(passed.Count == 0, string.Join(", ", passed));
    }

    [Fact]
    public async Task A_wrong_solution_fails_with_the_failing_test_line()
    {
        var problem = HumanEvalData.Problems[0];
        var verifier = new FunctionTestVerifier(fixture.Sandbox);
        var result = await verifier.VerifyAsync(problem, "    return True\n", CancellationToken.None);
        Assert.Equal(Verdict.Failed, result.Verdict);
        Assert.Contains("assert candidate([1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.05) == False", result.Reason);
        Assert.Equal(0f, result.Reward);
    }
}
