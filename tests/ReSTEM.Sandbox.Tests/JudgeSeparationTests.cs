using ReSTEM.Core.Problems;
using ReSTEM.Core.Verification;
using ReSTEM.Core.Verification.Code;

namespace ReSTEM.Sandbox.Tests;

/// <summary>
/// The judge is out of the candidate's reach: attacks that fooled a harness sharing the
/// candidate's interpreter (frames and the garbage collector, patched builtins the tests use,
/// objects and classes that slip a type guard, hooks, the judge's memory and descriptors) get
/// reward 0 with the verdict of what happened, on HumanEval, MBPP and APPS call-based problems.
/// </summary>
[Collection(SandboxCollection.Name)]
public sealed class JudgeSeparationTests(SandboxFixture fixture)
{
    /// <summary>A HumanEval-shaped problem whose tests use builtins (abs, isinstance, any) and a helper from the statement.</summary>
    private static readonly Problem Scale = new()
    {
        Id = "test/scale",
        Question = "def unit(x):\n    return x / abs(x)\n\n\ndef scale(xs, k):\n    \"\"\"Return the list xs with every element multiplied by k.\"\"\"\n",
        Tests = new CodeTests
        {
            Style = CodeTestStyle.Function,
            Test = "def check(candidate):\n" +
                   "    r = candidate([1.5, -2.0], 2)\n" +
                   "    assert isinstance(r, list)\n" +
                   "    assert abs(r[0] - 3.0) < 1e-9 and abs(r[1] + 4.0) < 1e-9\n" +
                   "    assert not any(x == 7 for x in candidate([1, 2], 3))\n" +
                   "    assert unit(candidate([-2.0], 1)[0]) == -1.0\n" +
                   "    assert candidate([], 5) == []\n",
            EntryPoint = "scale",
            PrependQuestion = true,
        },
    };

    private const string Wrong = "    return [0] * len(xs)\n";

    private Task<VerificationResult> Verify(string completion, Problem? problem = null) =>
        new FunctionTestVerifier(fixture.Sandbox, new FunctionTestOptions { Timeout = TimeSpan.FromSeconds(5), CpuTimeout = TimeSpan.FromSeconds(2) })
            .VerifyAsync(problem ?? Scale, completion, CancellationToken.None).AsTask();

    [Fact]
    public async Task Correct_code_passes_and_the_plain_wrong_answer_fails()
    {
        Assert.Equal(Verdict.Passed, (await Verify("    return [x * k for x in xs]\n")).Verdict);
        var wrong = await Verify(Wrong);
        Assert.Equal(Verdict.Failed, wrong.Verdict);
        Assert.Contains("test line 4 failed", wrong.Reason);
    }

    [Theory]
    // Builtins the tests use, replaced in the candidate's interpreter.
    [InlineData(Wrong + "import builtins\nbuiltins.abs = lambda x: 0\nbuiltins.isinstance = lambda *a: True\nbuiltins.any = lambda *a: False\n")]
    [InlineData(Wrong + "import builtins, json\nbuiltins.exec = lambda *a, **k: None\nbuiltins.memoryview = None\njson.loads = lambda *a, **k: {'ok': [3.0, -4.0]}\n")]
    // Builtins shadowed by module-level names of the program.
    [InlineData(Wrong + "def abs(x):\n    return 0\ndef isinstance(*a):\n    return True\ndef any(*a):\n    return False\n")]
    // The statement's helper redefined by the program: the tests use the statement's own.
    [InlineData("    return [-1.0] * len(xs)\ndef unit(x):\n    return -1.0\n")]
    // Objects that compare equal to anything, as the result or inside it.
    [InlineData("    class A(float):\n        def __eq__(s, o): return True\n        def __sub__(s, o): return 0.0\n        def __add__(s, o): return 0.0\n        def __abs__(s): return 0.0\n    return [A(0), A(0)] if xs else []\n")]
    [InlineData("    class M(type):\n        def __eq__(c, o): return True\n    class L(list, metaclass=M):\n        def __eq__(s, o): return True\n        def __getitem__(s, i): return 0.0\n    return L()\n")]
    // A class as the entry point.
    [InlineData("    pass\nclass scale(list):\n    def __init__(self, *a): pass\n    def __eq__(self, o): return True\n    def __getitem__(self, i): return 3.0\n    def __iter__(self): return iter([])\n")]
    // Hooks: tracers, profilers, audit hooks.
    [InlineData(Wrong + "import sys\ndef t(frame, event, arg):\n    if event == 'line':\n        frame.f_lineno = frame.f_lineno + 1\n    return t\nsys.settrace(t)\nsys.setprofile(lambda *a: None)\nsys.addaudithook(lambda *a: None)\n")]
    // Frames and the garbage collector: looking for the judge's token, report or tests.
    [InlineData("    import gc, sys\n    for o in gc.get_objects():\n        if isinstance(o, dict) and 'report' in o:\n            o['report']('PASS')\n    f = sys._getframe()\n    while f:\n        f.f_globals.get('report', lambda *a: None)('PASS')\n        f = f.f_back\n    return [0] * len(xs)\n")]
    // The judge's memory, descriptors and trace: refused by the kernel.
    [InlineData("    import os\n    p = os.getppid()\n    data = open('/proc/%d/mem' % p, 'rb').read(10)\n    return [x * k for x in xs]\n")]
    [InlineData("    import os\n    os.write(os.open('/proc/%d/fd/1' % os.getppid(), os.O_WRONLY), b'\\nPASS\\n')\n    return [x * k for x in xs]\n")]
    [InlineData("    import os\n    os.listdir('/proc/%d/fd' % os.getppid())\n    return [x * k for x in xs]\n")]
    [InlineData("    import ctypes, os\n    if ctypes.CDLL(None).ptrace(16, os.getppid(), 0, 0) != 0:\n        raise OSError('ptrace refused')\n    return [x * k for x in xs]\n")]
    // Answers forged on the channel to the judge.
    [InlineData("    import os\n    for fd in range(3, 64):\n        try:\n            os.write(fd, b'000000000023{\"ok\": [3.0, -4.0]}    ')\n        except OSError:\n            pass\n    return [0] * len(xs)\n")]
    public async Task Attacks_on_the_judge_fail(string completion)
    {
        var result = await Verify(completion);
        Assert.Contains(result.Verdict, new[] { Verdict.Failed, Verdict.Crash });
        Assert.Equal(0f, result.Reward);
        Assert.NotEmpty(result.Reason);
    }

    [Fact]
    public async Task The_judge_is_not_dumpable_and_its_descriptors_are_closed_to_the_candidate()
    {
        var probe = "    import os\n    p = os.getppid()\n    status = open('/proc/%d/status' % p).read()\n" +
                    "    try:\n        open('/proc/%d/mem' % p, 'rb')\n        raise AssertionError('the judge memory is readable')\n    except PermissionError:\n        pass\n" +
                    "    fds = sorted(int(f) for f in os.listdir('/proc/self/fd'))\n" +
                    "    if len(fds) > 6:\n        raise AssertionError('descriptors %r' % fds)\n" +
                    "    return [x * k for x in xs]\n";
        var result = await Verify(probe);
        Assert.True(result.Verdict == Verdict.Passed, result.Reason);
    }

    [Theory]
    [InlineData("    import os\n    os._exit(152)\n", Verdict.Crash, "status 152")]
    [InlineData("    import os, signal\n    os.kill(os.getppid(), signal.SIGKILL)\n", Verdict.Crash, "")]
    // Recursion through C (repr of a deeply nested list) overflows the C stack: a segfault, not a memory limit.
    [InlineData("    import sys\n    sys.setrecursionlimit(10 ** 7)\n    x = []\n    for _ in range(10 ** 6):\n        x = [x]\n    return repr(x)\n", Verdict.Crash, "segmentation fault")]
    [InlineData("    while True:\n        pass\n", Verdict.Timeout, "")]
    [InlineData("    import os\n    os.close(1)\n    import time\n    time.sleep(0.1)\n    raise SystemExit(3)\n", Verdict.Failed, "SystemExit")]
    public async Task Verdicts_say_what_happened(string completion, Verdict verdict, string reason)
    {
        var result = await Verify(completion);
        Assert.True(result.Verdict == verdict, $"{result.Verdict}: {result.Reason}");
        Assert.Contains(reason, result.Reason);
    }

    [Fact]
    public async Task Mbpp_tests_reach_the_programs_names_and_classes_through_the_judge()
    {
        var problem = new Problem
        {
            Id = "mbpp/601",
            Question = "Write a function to find the longest chain which can be formed from the given set of pairs.",
            Tests = new CodeTests
            {
                Style = CodeTestStyle.Function,
                Test = "assert max_chain_length([Pair(5, 24), Pair(15, 25),Pair(27, 40), Pair(50, 60)], 4) == 3\n" +
                       "assert max_chain_length([Pair(1, 2), Pair(3, 4),Pair(5, 6), Pair(7, 8)], 4) == 4\n" +
                       "assert math.floor(SCALE) == 2\n",
            },
        };
        var good = "import math\nSCALE = 2.5\nclass Pair(object):\n    def __init__(self, a, b):\n        self.a = a\n        self.b = b\n" +
                   "def max_chain_length(arr, n):\n    mcl = [1] * n\n    for i in range(1, n):\n        for j in range(0, i):\n" +
                   "            if arr[i].a > arr[j].b and mcl[i] < mcl[j] + 1:\n                mcl[i] = mcl[j] + 1\n    return max(mcl)\n";
        var result = await Verify(good, problem);
        Assert.True(result.Verdict == Verdict.Passed, result.Reason);
        var cheat = "import math\nSCALE = 2.5\nclass Pair(object):\n    def __init__(self, a, b):\n        pass\n" +
                    "class max_chain_length(int):\n    def __new__(cls, *a):\n        return int.__new__(cls, 0)\n    def __eq__(self, o):\n        return True\n";
        Assert.Equal(Verdict.Failed, (await Verify(cheat, problem)).Verdict);
    }

    [Fact]
    public async Task An_mbpp_function_named_like_a_builtin_is_the_candidates_in_the_tests()
    {
        var test = "assert max([1, 3, 2]) == 3\nassert max([5]) == 5\n";
        var problem = new Problem
        {
            Id = "mbpp/max",
            Question = "Write a function max that returns the largest element of a list.",
            Tests = new CodeTests
            {
                Style = CodeTestStyle.Function,
                Test = test,
                EntryPoint = Core.Datasets.ProblemReaders.MbppEntryPoint("def max(xs):\n    return sorted(xs)[-1]\n", [test]),
            },
        };
        Assert.Equal("max", problem.Tests.EntryPoint);
        Assert.Equal(Verdict.Passed, (await Verify("def max(xs):\n    return sorted(xs)[-1]\n", problem)).Verdict);
        Assert.Equal(Verdict.Failed, (await Verify("def max(xs):\n    return 0\n", problem)).Verdict);
    }

    [Fact]
    public async Task Apps_call_based_problems_accept_a_solution_class_and_reject_lying_results()
    {
        var row = System.Text.Json.Nodes.JsonNode.Parse("""
            {"problem_id": 9, "question": "Return the sum of a list.", "difficulty": "introductory",
             "input_output": "{\"fn_name\": \"total\", \"inputs\": [[[1, 2, 3]], [[]]], \"outputs\": [6, 0]}"}
            """)!.AsObject();
        var problem = Core.Datasets.ProblemReaders.Read("apps", new Core.Datasets.Fields(new Core.Datasets.DataRow(1, row), "apps.jsonl"));
        Assert.Equal(Verdict.Passed, (await Verify("def total(xs):\n    return sum(xs)\n", problem)).Verdict);
        Assert.Equal(Verdict.Passed, (await Verify("class Solution:\n    def total(self, xs):\n        return sum(xs)\n", problem)).Verdict);
        var lying = "class Liar(int):\n    def __eq__(self, o):\n        return True\ndef total(xs):\n    return Liar(1)\n";
        Assert.Equal(Verdict.Failed, (await Verify(lying, problem)).Verdict);
    }
}
