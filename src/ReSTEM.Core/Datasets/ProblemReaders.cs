using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ReSTEM.Core.Problems;

namespace ReSTEM.Core.Datasets;

/// <summary>
/// Turns the native records of the public datasets into <see cref="Problem"/>s: GSM8K
/// (<c>question</c>, <c>answer</c>), Hendrycks MATH (<c>problem</c>, <c>solution</c>,
/// <c>level</c>, <c>type</c>), HumanEval (<c>task_id</c>, <c>prompt</c>, <c>test</c>,
/// <c>entry_point</c>), MBPP (<c>task_id</c>, <c>text</c>, <c>code</c>, <c>test_list</c>,
/// <c>test_setup_code</c>), APPS (<c>problem_id</c>, <c>question</c>, <c>input_output</c>,
/// <c>difficulty</c>), and the built-in tasks' own records. A math record may carry <c>gold</c>
/// (a reference solution or a final answer) in place of its native answer field.
/// </summary>
public static class ProblemReaders
{
    /// <summary>Tasks whose records this class reads.</summary>
    public static IReadOnlyList<string> Tasks { get; } = ["gsm8k", "math", "humaneval", "mbpp", "apps", "arithmetic", "code"];

    /// <summary>Whether <paramref name="task"/> is checked by answer (math) rather than by tests (code).</summary>
    public static bool IsMath(string task) => task is "gsm8k" or "math" or "arithmetic";

    /// <summary>Reads one record of <paramref name="task"/>.</summary>
    /// <exception cref="DatasetFormatException">A field is missing or malformed.</exception>
    public static Problem Read(string task, Fields f) => task switch
    {
        "gsm8k" => Gsm8k(f),
        "math" => Math(f),
        "humaneval" or "code" => HumanEval(f, task),
        "mbpp" => Mbpp(f),
        "apps" => Apps(f),
        "arithmetic" => Arithmetic(f),
        _ => throw new ArgumentException($"unknown task '{task}'; known: {string.Join(", ", Tasks)}", nameof(task)),
    };

    /// <summary>
    /// The problem id of a record: its <c>task_id</c>, <c>problem_id</c> or <c>id</c> field, else
    /// a stable hash of its question, so several completions of one question group together.
    /// </summary>
    public static string IdOf(Fields f, string question) =>
        f.FirstString("task_id", "problem_id", "id") ?? "q-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(question)))[..16];

    private static Problem Gsm8k(Fields f)
    {
        var question = f.String("question");
        var gold = f.FirstString("gold", "answer") ?? throw f.Error("answer", "is missing (GSM8K records carry 'answer'; 'gold' may replace it)");
        return new Problem { Id = IdOf(f, question), Question = question, Answer = gold, Solution = f.OptionalString("answer") };
    }

    private static Problem Math(Fields f)
    {
        var question = f.FirstString("problem", "question") ?? throw f.Error("problem", "is missing");
        var gold = f.FirstString("gold", "solution", "answer") ?? throw f.Error("solution", "is missing (MATH records carry 'solution'; 'gold' may replace it)");
        return new Problem
        {
            Id = IdOf(f, question),
            Question = question,
            Answer = gold,
            Solution = f.OptionalString("solution"),
            Difficulty = Level(f.OptionalString("level")),
            Category = f.OptionalString("type"),
        };
    }

    private static Problem Arithmetic(Fields f)
    {
        var question = f.String("question");
        var gold = f.FirstString("gold", "answer") ?? throw f.Error("answer", "is missing");
        return new Problem { Id = IdOf(f, question), Question = question, Answer = gold, Difficulty = f.OptionalInt("difficulty") ?? 0 };
    }

    private static Problem HumanEval(Fields f, string task)
    {
        var prompt = f.String("prompt");
        return new Problem
        {
            Id = f.FirstString("task_id", "problem_id", "id") ?? throw f.Error("task_id", "is missing"),
            Question = prompt,
            Solution = f.OptionalString("canonical_solution"),
            Difficulty = f.OptionalInt("difficulty") ?? 0,
            Category = task == "code" ? f.OptionalString("family") : null,
            Tests = new CodeTests
            {
                Style = CodeTestStyle.Function,
                Test = f.String("test"),
                EntryPoint = f.String("entry_point"),
                PrependQuestion = true,
            },
        };
    }

    private static Problem Mbpp(Fields f)
    {
        var tests = f.StringList("test_list");
        if (tests.Count == 0) throw f.Error("test_list", "holds no test");
        var challenge = f.Has("challenge_test_list") ? f.StringList("challenge_test_list") : [];
        var code = f.OptionalString("code");
        return new Problem
        {
            Id = f.FirstString("task_id", "problem_id", "id") ?? throw f.Error("task_id", "is missing"),
            Question = f.FirstString("text", "prompt") ?? throw f.Error("text", "is missing"),
            Solution = code,
            Tests = new CodeTests
            {
                Style = CodeTestStyle.Function,
                Test = string.Join("\n", tests.Concat(challenge)),
                Setup = f.OptionalString("test_setup_code") ?? "",
                EntryPoint = f.OptionalString("entry_point") ?? MbppEntryPoint(code, tests),
                PrependQuestion = false,
            },
        };
    }

    /// <summary>
    /// The function MBPP's tests call: the first top-level function of the reference solution
    /// whose name the tests use (MBPP rows name none). Known, the judge binds that name to the
    /// candidate's function even where it is also a builtin's name; null when there is no
    /// reference solution or none of its functions is used.
    /// </summary>
    public static string? MbppEntryPoint(string? code, IReadOnlyList<string> tests)
    {
        if (code is null) return null;
        foreach (var line in code.Split('\n'))
        {
            if (!line.StartsWith("def ", StringComparison.Ordinal)) continue;
            var name = new string(line[4..].TrimStart().TakeWhile(c => char.IsLetterOrDigit(c) || c == '_').ToArray());
            if (name.Length > 0 && tests.Any(t => CallsName(t, name))) return name;
        }
        return null;
    }

    private static bool CallsName(string test, string name)
    {
        for (var at = test.IndexOf(name, StringComparison.Ordinal); at >= 0; at = test.IndexOf(name, at + 1, StringComparison.Ordinal))
        {
            var before = at == 0 ? ' ' : test[at - 1];
            var after = test[(at + name.Length)..].TrimStart();
            if (!(char.IsLetterOrDigit(before) || before is '_' or '.') && after.StartsWith('(')) return true;
        }
        return false;
    }

    private static Problem Apps(Fields f)
    {
        var question = f.String("question");
        var io = f.Row.Fields["input_output"] switch
        {
            JsonObject o => o,
            JsonValue v when v.TryGetValue<string>(out var s) => f.ParseJson("input_output", s) as JsonObject ?? throw f.Error("input_output", "is not valid: not an object"),
            _ => throw f.Error("input_output", "is not valid: expected an object or a JSON string"),
        };
        if (io["inputs"] is not JsonArray inputs || io["outputs"] is not JsonArray outputs)
            throw f.Error("input_output", "needs 'inputs' and 'outputs' lists");
        if (inputs.Count != outputs.Count || inputs.Count == 0)
            throw f.Error("input_output", $"has {inputs.Count} inputs and {outputs.Count} outputs; they must be equal in number and not empty");
        var id = f.FirstString("problem_id", "task_id", "id") ?? IdOf(f, question);
        var difficulty = f.OptionalString("difficulty") switch
        {
            "introductory" => 1,
            "interview" => 2,
            "competition" => 3,
            _ => 0,
        };
        var fnName = io["fn_name"] is JsonValue name && name.TryGetValue<string>(out var fn) ? fn : null;
        var tests = fnName is null
            ? new CodeTests
            {
                Style = CodeTestStyle.StdinStdout,
                IoCases = inputs.Zip(outputs).Select((pair, i) => new IoCase(Text(pair.First, f, i), Text(pair.Second, f, i))).ToList(),
            }
            : new CodeTests
            {
                // Call-based APPS problems: the function's result must equal the expected output,
                // or its single element (the public APPS harness accepts both).
                Style = CodeTestStyle.Function,
                EntryPoint = fnName,
                Test = CallBasedCheck(inputs, outputs),
                PrependQuestion = false,
            };
        return new Problem { Id = id, Question = question, Difficulty = difficulty, Category = f.OptionalString("difficulty"), Tests = tests, Solution = FirstSolution(f) };
    }

    // APPS keeps its human solutions in 'solutions': a list of programs, or that list as a JSON string (often empty).
    private static string? FirstSolution(Fields f)
    {
        if (!f.Has("solutions")) return null;
        var list = f.Row.Fields["solutions"] switch
        {
            JsonArray a => a,
            JsonValue v when v.TryGetValue<string>(out var s) => s.Length == 0 ? null : f.ParseJson("solutions", s) as JsonArray ?? throw f.Error("solutions", "is not valid: not a list"),
            _ => throw f.Error("solutions", "is not valid: expected a list or a JSON string"),
        };
        return list?.FirstOrDefault() is JsonValue first && first.TryGetValue<string>(out var program) && program.Trim().Length > 0 ? program : null;
    }

    private static string Text(JsonNode? node, Fields f, int index) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonArray a => string.Join("\n", a.Select(x => x is JsonValue xv && xv.TryGetValue<string>(out var xs) ? xs : x?.ToJsonString() ?? "")),
        null => throw f.Error("input_output", $"case {index} is null"),
        _ => node.ToJsonString(),
    };

    private static string CallBasedCheck(JsonArray inputs, JsonArray outputs)
    {
        var cases = new JsonArray(inputs.Zip(outputs).Select(p => (JsonNode)new JsonArray(p.First?.DeepClone(), p.Second?.DeepClone())).ToArray());
        var literal = JsonSerializer.Serialize(cases.ToJsonString());
        return string.Join("\n",
            "def check(candidate):",
            "    import json",
            $"    cases = json.loads({literal})",
            "    for args, expected in cases:",
            "        if not isinstance(args, list):",
            "            args = [args]",
            "        result = candidate(*args)",
            "        if isinstance(result, tuple):",
            "            result = list(result)",
            "        assert result == expected or (isinstance(expected, list) and len(expected) == 1 and result == expected[0]), f'input {args!r}: expected {expected!r}, got {result!r}'",
            "");
    }

    /// <summary>MATH's "Level 3" (or a bare number) as 3; 0 when absent or unreadable ("Level ?").</summary>
    public static int Level(string? level)
    {
        if (level is null) return 0;
        var digits = new string(level.Where(char.IsAsciiDigit).ToArray());
        return int.TryParse(digits, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;
    }
}
