using System.Text.Json.Nodes;
using ReSTEM.Storage.Runs;
using Xunit.Abstractions;

namespace ReSTEM.Host.Tests;

/// <summary>
/// Every configuration in hocon/examples starts on the CPU with small limits and completes: the
/// user's paths, the GPU and the sizes replaced with --set, the rest (task, prompt, chat, sampling
/// settings) as shipped.
/// </summary>
public sealed class ExampleConfigTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string DataDir = Path.Combine(AppContext.BaseDirectory, "Data");
    private readonly string _root = Path.Combine(Path.GetTempPath(), "restem-examples-" + Guid.NewGuid().ToString("N")[..10]);

    private static IEnumerable<string> ExampleNames() =>
        Directory.GetFiles(Path.Combine(ConfigurationTests.RepositoryRoot(), "hocon", "examples"), "*.conf").Select(f => Path.GetFileName(f)).Order();

    public static TheoryData<string> Examples() => new(ExampleNames());

    [Fact]
    public void Every_task_has_an_example()
    {
        var tasks = ExampleNames().Select(e => File.ReadAllText(Path.Combine(ConfigurationTests.RepositoryRoot(), "hocon", "examples", e)))
            .Select(text => text.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("task = ", StringComparison.Ordinal))[7..])
            .ToHashSet();
        Assert.Superset(new HashSet<string> { "gsm8k", "math", "humaneval", "mbpp", "apps" }, tasks);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task An_example_runs_on_the_cpu_with_small_limits(string example)
    {
        var config = Path.Combine(ConfigurationTests.RepositoryRoot(), "hocon", "examples", example);
        var task = File.ReadAllText(config).Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("task = ", StringComparison.Ordinal))[7..];
        Directory.CreateDirectory(_root);
        var (train, test) = Files(task);
        var model = DatasetRunTests.MakeTinyQwen(Path.Combine(_root, "model"));
        var runDir = Path.Combine(_root, "run");
        string[] sets =
        [
            $"restem.model.base={model}", $"restem.data.train={train}", $"restem.data.test={test}", "restem.data.val=0",
            "restem.model.device=cpu", "restem.model.dtype=float32", "restem.iterations=1", "restem.baseline=none",
            "restem.sampling.max-train-problems=3", "restem.evaluation.max-test-problems=3",
            "restem.sampling.samples-per-problem=2", "restem.sampling.max-new-tokens=8", "restem.sampling.max-concurrent-sequences=8",
            "restem.evaluation.samples-per-problem=2", "restem.evaluation.k=[1,2]",
            "restem.training.batch-size=1", "restem.training.gradient-accumulation=1", "restem.training.max-sequence-length=1024",
            "restem.verification.parallelism=2",
        ];
        var (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(8), ["run", "--config", config, "--run-dir", runDir, .. sets.SelectMany(s => new[] { "--set", s })]);
        output.WriteLine(text);
        Assert.Equal(0, code);
        Assert.Contains($"task {task}: 3 train, 0 validation, 3 test problems", text);
        var metrics = JsonNode.Parse(File.ReadAllText(new RunLayout(runDir).Metrics(1)))!;
        Assert.NotNull(metrics);
        Assert.True(File.Exists(new RunLayout(runDir).Eval(1)));
    }

    private (string Train, string Test) Files(string task)
    {
        IReadOnlyList<string> rows = task switch
        {
            "gsm8k" => File.ReadLines(Path.Combine(DataDir, "gsm8k-test.jsonl")).Take(8).ToList(),
            "humaneval" => DatasetRunTests.Lines(Path.Combine(DataDir, "HumanEval.jsonl.gz")).Take(8).ToList(),
            "math" => Enumerable.Range(1, 8).Select(n => new JsonObject
            {
                ["problem"] = $"What is ${n}+{n + 1}$?",
                ["solution"] = $"We add: ${n}+{n + 1}=\\boxed{{{2 * n + 1}}}$.",
                ["level"] = $"Level {1 + n % 5}",
                ["type"] = "Prealgebra",
            }.ToJsonString()).ToList(),
            "mbpp" => Enumerable.Range(1, 8).Select(n => new JsonObject
            {
                ["task_id"] = n,
                ["text"] = $"Write a function to add {n} to a number.",
                ["code"] = $"def add_{n}(x):\n    return x + {n}",
                ["test_list"] = new JsonArray($"assert add_{n}(1) == {1 + n}", $"assert add_{n}(0) == {n}", $"assert add_{n}(-1) == {n - 1}"),
            }.ToJsonString()).ToList(),
            "apps" => Enumerable.Range(1, 8).Select(n => new JsonObject
            {
                ["problem_id"] = n,
                ["question"] = $"Read an integer and print it plus {n}.",
                ["input_output"] = new JsonObject { ["inputs"] = new JsonArray("1\n", "5\n"), ["outputs"] = new JsonArray($"{1 + n}\n", $"{5 + n}\n") }.ToJsonString(),
                ["solutions"] = new JsonArray($"print(int(input()) + {n})").ToJsonString(),
                ["difficulty"] = "introductory",
            }.ToJsonString()).ToList(),
            _ => throw new InvalidOperationException($"no test rows for task {task}"),
        };
        var train = Path.Combine(_root, "train.jsonl");
        var test = Path.Combine(_root, "test.jsonl");
        File.WriteAllLines(train, rows.Take(4));
        File.WriteAllLines(test, rows.Skip(4));
        return (train, test);
    }


    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held: the temp folder is cleaned by the system.
        }
    }
}
