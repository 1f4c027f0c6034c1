using ReSTEM.Core.Problems;
using ReSTEM.Core.Verification;
using ReSTEM.Core.Verification.Code;

namespace ReSTEM.Sandbox.Tests;

/// <summary>
/// Candidates that try to pass without passing: exits before the tests, patched harness
/// pieces, forged reports, objects equal to everything, tracers that skip lines. None passes,
/// each gets the right verdict, and correct code still passes next to the same tricks.
/// </summary>
[Collection(SandboxCollection.Name)]
public sealed class FunctionVerifierAdversarialTests(SandboxFixture fixture)
{
    private static readonly Problem Add = new()
    {
        Id = "test/add",
        Question = "def add(a, b):\n    \"\"\"Return the sum of a and b.\"\"\"\n",
        Tests = new CodeTests
        {
            Style = CodeTestStyle.Function,
            Test = "def check(candidate):\n    assert candidate(1, 2) == 3\n    assert candidate(-5, 5) == 0\n    assert candidate(10, 20) == 30\n",
            EntryPoint = "add",
            PrependQuestion = true,
        },
    };

    private Task<VerificationResult> Verify(string completion, Problem? problem = null) =>
        new FunctionTestVerifier(fixture.Sandbox, new FunctionTestOptions { Timeout = TimeSpan.FromSeconds(4), CpuTimeout = TimeSpan.FromSeconds(2) })
            .VerifyAsync(problem ?? Add, completion, CancellationToken.None).AsTask();

    [Fact]
    public async Task Correct_code_passes()
    {
        var result = await Verify("    return a + b\n");
        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.Equal(1f, result.Reward);
    }

    [Theory]
    [InlineData("    return a + b\nimport os\nos._exit(0)\n")]
    [InlineData("    return a + b\nimport sys\nsys.exit(0)\n")]
    [InlineData("    return a + b\nraise SystemExit(0)\n")]
    [InlineData("    return a + b\nimport os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n")]
    public async Task Exiting_before_the_tests_crashes(string completion)
    {
        var result = await Verify(completion);
        Assert.Equal(Verdict.Crash, result.Verdict);
        Assert.NotEmpty(result.Reason);
    }

    [Theory]
    [InlineData("    import os\n    os._exit(0)\n")]
    [InlineData("    raise SystemExit(0)\n")]
    [InlineData("    import sys\n    sys.exit()\n")]
    public async Task Exiting_during_the_tests_does_not_pass(string completion)
    {
        var result = await Verify(completion);
        Assert.Contains(result.Verdict, new[] { Verdict.Crash, Verdict.Failed });
    }

    [Theory]
    // Overriding check: the test code is run after the program and defines its own check.
    [InlineData("    return 0\ndef check(candidate):\n    pass\n")]
    // Patching the ways a naive harness reports success.
    [InlineData("    return 0\nimport builtins, sys, os\nbuiltins.print = lambda *a, **k: None\nsys.exit = lambda *a: None\nos._exit = lambda *a: None\n")]
    // Forged reports on stdout, in every shape a guesser could try.
    [InlineData("    return 0\nprint('PASS')\nprint('\\n' + '0' * 32 + ' PASS')\nimport sys\nsys.stdout.flush()\n")]
    // Reading the harness input for its token: it has been consumed already.
    [InlineData("    return 0\nimport sys, os\ndata = sys.stdin.read()\nprint(data)\nprint('\\n' + data[:32] + ' PASS')\n")]
    // A tracer that jumps over the assert lines.
    [InlineData("    return 0\nimport sys\ndef tracer(frame, event, arg):\n    if frame.f_code.co_filename == '<test>' and event == 'line':\n        frame.f_lineno = frame.f_lineno + 1\n    return tracer\nsys.settrace(tracer)\n")]
    // Assertions switched off by patching the exception.
    [InlineData("    return 0\nimport builtins\nbuiltins.AssertionError = type('Nope', (Exception,), {})\n")]
    public async Task Tampering_with_the_harness_fails_wrong_code(string completion)
    {
        var result = await Verify(completion);
        Assert.Equal(Verdict.Failed, result.Verdict);
    }

    [Fact]
    public async Task Tampering_does_not_hurt_correct_code()
    {
        var completion = "    return a + b\nimport builtins, sys, os\nbuiltins.print = None\nsys.exit = None\nos.write = None\nos._exit = None\ndef check(candidate):\n    raise RuntimeError\n";
        var result = await Verify(completion);
        Assert.Equal(Verdict.Passed, result.Verdict);
    }

    [Fact]
    public async Task A_main_block_of_the_program_does_not_run_as_in_the_public_harness()
    {
        var result = await Verify("    return a + b\n\n\nif __name__ == '__main__':\n    print(add(int(input()), 1))\n");
        Assert.Equal(Verdict.Passed, result.Verdict);
    }

    [Fact]
    public async Task An_object_equal_to_everything_is_rejected()
    {
        var completion = "    class Anything:\n        def __eq__(self, other):\n            return True\n    return Anything()\n";
        var result = await Verify(completion);
        Assert.Equal(Verdict.Failed, result.Verdict);
        Assert.Contains("test line 2 failed", result.Reason);
        var subclass = "    class Sneaky(int):\n        def __eq__(self, other):\n            return True\n    return Sneaky(0)\n";
        Assert.Equal(Verdict.Failed, (await Verify(subclass)).Verdict);
        var nested = "    class Anything:\n        def __eq__(self, other):\n            return True\n    return [Anything()]\n";
        Assert.Equal(Verdict.Failed, (await Verify(nested)).Verdict);
    }

    [Fact]
    public async Task Plain_subclasses_of_builtins_and_library_types_are_accepted()
    {
        var completion = "    from collections import namedtuple, Counter\n    from fractions import Fraction\n    P = namedtuple('P', 'x')\n    r = [P(1), Counter('ab'), Fraction(1, 2)]\n    return a + b if isinstance(a, int) else r\n";
        var result = await Verify(completion);
        Assert.Equal(Verdict.Passed, result.Verdict);
    }

    [Fact]
    public async Task A_wrong_answer_names_the_failing_line()
    {
        var result = await Verify("    return a - b if a < 0 else a + b\n");
        Assert.Equal(Verdict.Failed, result.Verdict);
        Assert.Contains("test line 3", result.Reason);
        Assert.Contains("candidate(-5, 5) == 0", result.Reason);
    }

    [Fact]
    public async Task An_exception_in_the_function_fails_with_its_type()
    {
        var result = await Verify("    return a + b + None\n");
        Assert.Equal(Verdict.Failed, result.Verdict);
        Assert.Contains("TypeError", result.Reason);
    }

    [Fact]
    public async Task A_syntax_error_crashes()
    {
        var result = await Verify("    return a +\n");
        Assert.Equal(Verdict.Crash, result.Verdict);
        Assert.Contains("does not compile", result.Reason);
    }

    [Fact]
    public async Task A_missing_entry_point_fails()
    {
        var problem = Add with { Tests = Add.Tests! with { PrependQuestion = false } };
        var result = await Verify("def plus(a, b):\n    return a + b\n", problem);
        Assert.Equal(Verdict.Failed, result.Verdict);
        Assert.Contains("'add'", result.Reason);
    }

    [Fact]
    public async Task Infinite_loop_times_out()
    {
        var result = await Verify("    while True:\n        pass\n");
        Assert.Equal(Verdict.Timeout, result.Verdict);
    }

    [Fact]
    public async Task Allocation_beyond_the_limit_is_a_memory_verdict()
    {
        var result = await Verify("    x = bytearray(10 * 2**30)\n    x[-1] = 1\n    return a + b\n");
        Assert.Equal(Verdict.Memory, result.Verdict);
        var eager = await Verify("    x = b'x' * (10 * 2**30)\n    return a + b\n");
        Assert.Equal(Verdict.Memory, eager.Verdict);
    }

    [Fact]
    public async Task Printing_without_end_in_the_function_is_a_timeout()
    {
        // The candidate's output goes nowhere (only the judge writes to the sandbox's output): it is a loop that never returns.
        var result = await Verify("    while True:\n        print('spam' * 1000)\n");
        Assert.Equal(Verdict.Timeout, result.Verdict);
    }

    [Fact]
    public async Task Mbpp_style_asserts_with_setup_code()
    {
        var problem = new Problem
        {
            Id = "mbpp/1",
            Question = "Write a function to sort a list with heapq.",
            Tests = new CodeTests
            {
                Style = CodeTestStyle.Function,
                Setup = "import heapq as hq",
                Test = "assert heap_sort([3, 1, 2]) == [1, 2, 3]\nassert heap_sort([]) == []\n",
                EntryPoint = "heap_sort",
            },
        };
        var good = "def heap_sort(xs):\n    h = list(xs)\n    hq.heapify(h)\n    return [hq.heappop(h) for _ in range(len(h))]\n";
        Assert.Equal(Verdict.Passed, (await Verify(good, problem)).Verdict);
        var bad = "def heap_sort(xs):\n    return xs\n";
        var result = await Verify(bad, problem);
        Assert.Equal(Verdict.Failed, result.Verdict);
        Assert.Contains("heap_sort([3, 1, 2])", result.Reason);
    }

    [Fact]
    public async Task A_broken_test_is_not_blamed_on_the_candidate()
    {
        var problem = Add with { Tests = Add.Tests! with { Test = "def check(candidate:\n" } };
        var result = await Verify("    return a + b\n", problem);
        Assert.Equal(Verdict.SandboxError, result.Verdict);
    }
}
