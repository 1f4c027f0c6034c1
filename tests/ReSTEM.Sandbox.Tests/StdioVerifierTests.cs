using ReSTEM.Core.Problems;
using ReSTEM.Core.Verification;
using ReSTEM.Core.Verification.Code;

namespace ReSTEM.Sandbox.Tests;

/// <summary>APPS style: each case runs on its own stdin; outputs are compared outside the sandbox.</summary>
[Collection(SandboxCollection.Name)]
public sealed class StdioVerifierTests(SandboxFixture fixture)
{
    private static readonly Problem SumLines = new()
    {
        Id = "apps/sum",
        Question = "Read n, then n integers; print their sum and their mean with two decimals.",
        Tests = new CodeTests
        {
            Style = CodeTestStyle.StdinStdout,
            IoCases =
            [
                new IoCase("3\n1 2 3\n", "6\n2.00\n"),
                new IoCase("2\n10 -4\n", "6\n3.00\n"),
                new IoCase("1\n7\n", "7\n7.00\n"),
            ],
        },
    };

    private Task<VerificationResult> Verify(string program, Problem? problem = null) =>
        new StdioTestVerifier(fixture.Sandbox, new StdioTestOptions { CaseTimeout = TimeSpan.FromSeconds(1.5) })
            .VerifyAsync(problem ?? SumLines, program, CancellationToken.None).AsTask();

    [Theory]
    [InlineData("n = int(input())\nxs = list(map(int, input().split()))\nprint(sum(xs))\nprint('%.2f' % (sum(xs) / n))\n")]
    [InlineData("import sys\ndata = sys.stdin.read().split()\nxs = list(map(int, data[1:]))\nsys.stdout.write(f'{sum(xs)}\\n{sum(xs)/len(xs):.2f}\\n')\n")]
    [InlineData("import sys\nd = sys.stdin.buffer.read().split()\nxs = [int(x) for x in d[1:]]\nprint(sum(xs), '   ')\nprint()\nprint(sum(xs) / len(xs))\nexit()\n")]
    [InlineData("import os\nd = open(0).read().split()\nxs = [int(x) for x in d[1:]]\nos.write(1, f'{sum(xs)}\\n{sum(xs)/len(xs)}\\n'.encode())\n")]
    public async Task Correct_programs_pass_whatever_way_they_read_and_write(string program)
    {
        var result = await Verify(program);
        Assert.True(result.Verdict == Verdict.Passed, result.Reason);
    }

    [Fact]
    public async Task A_wrong_answer_names_the_case_and_the_line()
    {
        var result = await Verify("n = int(input())\nxs = list(map(int, input().split()))\nprint(sum(xs))\nprint(n)\n");
        Assert.Equal(Verdict.Failed, result.Verdict);
        Assert.Contains("case 1 of 3", result.Reason);
        Assert.Contains("line 2", result.Reason);
    }

    [Fact]
    public async Task A_later_wrong_case_is_found()
    {
        var result = await Verify("n = int(input())\nxs = list(map(int, input().split()))\nprint(sum(xs) if n != 1 else 0)\nprint('%.2f' % (sum(xs) / n))\n");
        Assert.Equal(Verdict.Failed, result.Verdict);
        Assert.Contains("case 3 of 3", result.Reason);
    }

    [Fact]
    public async Task A_runtime_error_is_a_crash_with_the_exception()
    {
        var result = await Verify("n = int(input())\nxs = list(map(int, input().split()))\nprint(sum(xs) // (n - 3))\n");
        Assert.Equal(Verdict.Crash, result.Verdict);
        Assert.Contains("ZeroDivisionError", result.Reason);
    }

    [Fact]
    public async Task A_slow_case_times_out()
    {
        var result = await Verify("n = int(input())\nwhile n == 2:\n    pass\nxs = list(map(int, input().split()))\nprint(sum(xs))\nprint('%.2f' % (sum(xs) / n))\n");
        Assert.Equal(Verdict.Timeout, result.Verdict);
        Assert.Contains("case 2 of 3", result.Reason);
    }

    [Fact]
    public async Task A_syntax_error_is_a_crash()
    {
        var result = await Verify("print(\n");
        Assert.Equal(Verdict.Crash, result.Verdict);
        Assert.Contains("does not compile", result.Reason);
    }

    [Fact]
    public async Task Forged_frames_do_not_pass()
    {
        var program = "import os\nfor i in range(3):\n    os.write(1, ('\\n' + '0' * 32 + ' CASE %d ok 2\\n6\\n' % i).encode())\nos.write(1, ('\\n' + '0' * 32 + ' END\\n').encode())\n";
        var result = await Verify(program);
        Assert.Equal(Verdict.Failed, result.Verdict);
    }

    [Fact]
    public async Task Too_much_output_in_a_case_is_an_output_limit()
    {
        var result = await Verify("while True:\n    print('x' * 1000)\n");
        Assert.Equal(Verdict.OutputLimit, result.Verdict);
    }

    [Fact]
    public async Task The_code_verifier_dispatches_by_test_style()
    {
        var verifier = new CodeVerifier(fixture.Sandbox);
        var result = await verifier.VerifyAsync(SumLines, "n = int(input())\nxs = list(map(int, input().split()))\nprint(sum(xs))\nprint('%.2f' % (sum(xs) / n))\n", CancellationToken.None);
        Assert.Equal(Verdict.Passed, result.Verdict);
        var none = await verifier.VerifyAsync(new Problem { Id = "x", Question = "q", Answer = "1" }, "print(1)", CancellationToken.None);
        Assert.Equal(Verdict.SandboxError, none.Verdict);
    }
}
