using System.Text.Json.Nodes;
using ReSTEM.Core.Datasets;
using ReSTEM.Core.Problems;
using ReSTEM.Core.Prompts;
using ReSTEM.Core.Tasks.Datasets;
using ReSTEM.Core.Verification;
using ReSTEM.Core.Verification.Code;
using ReSTEM.Core.Verification.MathAnswers;

namespace ReSTEM.Core.Tests.Tasks;

public sealed class DatasetTaskTests
{
    private static IReadOnlyList<Problem> Gsm8k(int count) =>
        File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Data", "gsm8k-test.jsonl"))
            .Take(count)
            .Select((line, i) => ProblemReaders.Read("gsm8k", new Fields(new DataRow(i + 1, (JsonObject)JsonNode.Parse(line)!), "gsm8k-test.jsonl")))
            .ToList();

    private static DatasetTask Task(string name, IReadOnlyList<Problem> train, PromptBuilder builder, IVerifier verifier, IReadOnlyList<string>? stop = null) =>
        new(name, new Dictionary<Split, IReadOnlyList<Problem>> { [Split.Train] = train, [Split.Validation] = [], [Split.Test] = train },
            PromptPresets.For(name), builder, stop ?? PromptPresets.For(name).RawStop, verifier);

    private static PromptBuilder Raw(string task, int shots) =>
        new(PromptPresets.For(task).RawTemplate, PromptPresets.For(task).Exemplars.Take(shots).ToList(), "\n\n", ChatFormat.None, null, null);

    [Fact]
    public void The_gsm8k_eight_shot_prompt_ends_with_the_question_after_eight_worked_exemplars()
    {
        var problems = Gsm8k(3);
        var task = Task("gsm8k", problems, Raw("gsm8k", 8), new MathVerifier(MathVerifierMode.Gsm8k));
        var prompt = task.FormatPrompt(problems[0]);
        Assert.Equal(9, prompt.Split("Question: ").Length - 1);
        Assert.Equal(8, prompt.Split("\n#### ").Length - 1);
        Assert.EndsWith("Question: " + problems[0].Question + "\nAnswer:", prompt);
        Assert.StartsWith("Question: There are 15 trees in the grove.", prompt);
        // The stop string ends a completion where the model starts the next exemplar.
        Assert.Contains("\nQuestion:", task.StopStrings);
    }

    [Fact]
    public async Task Every_gsm8k_human_solution_written_as_a_completion_passes_the_verifier_and_has_no_calculator_notes()
    {
        var problems = Gsm8k(200);
        var verifier = new MathVerifier(MathVerifierMode.Gsm8k);
        var task = Task("gsm8k", problems, Raw("gsm8k", 8), verifier);
        Assert.Equal(200, problems.Count);
        foreach (var p in problems)
        {
            var reference = task.FormatReference(p)!;
            Assert.StartsWith(" ", reference);
            Assert.DoesNotContain("<<", reference);
            var result = await verifier.VerifyAsync(p, reference, CancellationToken.None);
            Assert.True(result.Verdict == Verdict.Passed, $"{p.Id}: {result.Reason}");
            // A wrong final number fails.
            var wrong = reference[..reference.LastIndexOf("####", StringComparison.Ordinal)] + "#### 123456789";
            Assert.Equal(Verdict.Failed, (await verifier.VerifyAsync(p, wrong, CancellationToken.None)).Verdict);
        }
    }

    [Fact]
    public async Task A_math_human_solution_gets_the_minerva_final_answer_line_and_passes_the_minerva_verifier()
    {
        var problem = new Problem
        {
            Id = "m1",
            Question = "What is $\\frac{1}{2}+\\frac{1}{3}$?",
            Answer = "We add: $\\frac{1}{2}+\\frac{1}{3}=\\boxed{\\frac{5}{6}}$.",
            Solution = "We add: $\\frac{1}{2}+\\frac{1}{3}=\\boxed{\\frac{5}{6}}$.",
            Difficulty = 2,
        };
        var verifier = new MathVerifier(PromptPresets.MathMode("math"));
        var task = Task("math", [problem], Raw("math", 4), verifier);
        var prompt = task.FormatPrompt(problem);
        Assert.Equal(5, prompt.Split("Problem:\n").Length - 1);
        Assert.Equal(4, prompt.Split("I hope it is correct.").Length - 1);
        Assert.EndsWith("Problem:\n" + problem.Question + "\n\nSolution:", prompt);
        var reference = task.FormatReference(problem)!;
        Assert.EndsWith("Final Answer: The final answer is $\\frac{5}{6}$. I hope it is correct.", reference);
        Assert.Equal(Verdict.Passed, (await verifier.VerifyAsync(problem, reference, CancellationToken.None)).Verdict);
        Assert.Equal(Verdict.Failed, (await verifier.VerifyAsync(problem, "\nFinal Answer: The final answer is $\\frac{1}{6}$. I hope it is correct.", CancellationToken.None)).Verdict);
    }

    [Fact]
    public void A_chat_prompt_puts_each_exemplar_in_a_user_and_an_assistant_turn_and_ends_with_the_assistant_header()
    {
        var problems = Gsm8k(1);
        var preset = PromptPresets.For("gsm8k");
        var builder = new PromptBuilder(preset.ChatTemplate, preset.Exemplars.Take(2).ToList(), "\n\n", ChatFormat.ChatMl, null,
            "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.");
        var task = Task("gsm8k", problems, builder, new MathVerifier(MathVerifierMode.Gsm8k), preset.ChatStop);
        var prompt = task.FormatPrompt(problems[0]);
        Assert.StartsWith("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n<|im_start|>user\nThere are 15 trees", prompt);
        Assert.Equal(3, prompt.Split("<|im_start|>user\n").Length - 1);
        Assert.Equal(3, prompt.Split("<|im_start|>assistant\n").Length - 1);
        Assert.Contains("<|im_start|>assistant\nThere are 15 trees originally.", prompt);
        Assert.EndsWith(problems[0].Question + "\nSolve it step by step, then give the final answer on a last line of the form \"#### <number>\".<|im_end|>\n<|im_start|>assistant\n", prompt);
        // A chat reply has no leading space; the model's end of turn ends it, not a stop string.
        Assert.False(task.FormatReference(problems[0])!.StartsWith(' '));
        Assert.Empty(task.StopStrings);
    }

    [Fact]
    public void A_configured_template_and_inline_exemplars_replace_the_preset()
    {
        var builder = new PromptBuilder("Q: {question}\nA:", [new Exemplar("1+1?", " 2"), new Exemplar("2+2?", " 4")], "\n###\n", ChatFormat.None, null, null);
        Assert.Equal("Q: 1+1?\nA: 2\n###\nQ: 2+2?\nA: 4\n###\nQ: 3+3?\nA:", builder.Build("3+3?"));
        Assert.Throws<ArgumentException>(() => new PromptBuilder("no slot", [], "\n", ChatFormat.None, null, null));
        Assert.Throws<ArgumentException>(() => new PromptOptions { Template = "no slot" }.Validate());
    }

    [Fact]
    public void Mbpp_shows_its_three_tests_and_apps_names_its_format()
    {
        var mbpp = new Problem
        {
            Id = "2",
            Question = "Write a function to find the shared elements from the given two lists.",
            Solution = "def similar_elements(a, b):\n  return tuple(set(a) & set(b))",
            Tests = new CodeTests { Style = CodeTestStyle.Function, Test = "assert f(1)==1\nassert f(2)==2\nassert f(3)==3\nassert f(4)==4", EntryPoint = "f" },
        };
        var prompt = Raw("mbpp", 0).Build(PromptPresets.For("mbpp").Question(mbpp));
        Assert.Contains("Your code should pass these tests:\n\nassert f(1)==1\nassert f(2)==2\nassert f(3)==3\n[BEGIN]\n", prompt);
        Assert.DoesNotContain("f(4)", prompt);
        Assert.EndsWith("\n[DONE]", PromptPresets.For("mbpp").Reference(mbpp, false));

        var apps = new Problem { Id = "9", Question = "Print the sum of two numbers.", Tests = new CodeTests { Style = CodeTestStyle.StdinStdout, IoCases = [new IoCase("1 2\n", "3\n")] } };
        Assert.Equal("QUESTION:\nPrint the sum of two numbers.\nUse Standard Input format\nANSWER:\n", Raw("apps", 0).Build(PromptPresets.For("apps").Question(apps)));
    }

    [Fact]
    public void Too_long_prompts_are_skipped_and_counted_or_refused_never_cut()
    {
        var problems = Gsm8k(20);
        var splits = new Dictionary<Split, IReadOnlyList<Problem>> { [Split.Train] = problems.Take(15).ToList(), [Split.Validation] = [], [Split.Test] = problems.Skip(15).ToList() };
        static int Words(string s) => s.Split(' ').Length;
        var limit = problems.Select(p => Words(p.Question)).Order().ElementAt(10);
        var (kept, skipped) = PromptLengthFilter.Apply(splits, p => p.Question, Words, limit, TooLongPrompt.Skip);
        var expectedSkipped = problems.Count(p => Words(p.Question) > limit);
        Assert.InRange(expectedSkipped, 1, 19);
        Assert.Equal(expectedSkipped, skipped.Count);
        Assert.Equal(20, kept.Values.Sum(v => v.Count) + skipped.Count);
        Assert.All(kept.Values.SelectMany(v => v), p => Assert.True(Words(p.Question) <= limit));
        Assert.All(skipped, s => Assert.True(s.PromptTokens > limit));
        var refused = Assert.Throws<PromptTooLongException>(() => PromptLengthFilter.Apply(splits, p => p.Question, Words, limit, TooLongPrompt.Error));
        Assert.Contains("restem.prompt.max-tokens", refused.Message);
    }

    [Fact]
    public async Task A_chat_code_reply_is_checked_on_the_code_inside_its_fence()
    {
        Assert.Equal("def f():\n    return 1\n", FencedCode.Extract("Here it is:\n```python\ndef f():\n    return 1\n```\nDone."));
        Assert.Equal("x = 1\n", FencedCode.Extract("```\nx = 1\n"));
        Assert.Equal("plain", FencedCode.Extract("plain"));
        var seen = new List<string>();
        var verifier = new FencedCodeVerifier(new RecordingVerifier(seen));
        var humanEval = new Problem { Id = "h", Question = "def f():\n    \"\"\"one\"\"\"\n", Tests = new CodeTests { Style = CodeTestStyle.Function, Test = "", EntryPoint = "f", PrependQuestion = true } };
        await verifier.VerifyAsync(humanEval, "```python\ndef f():\n    return 1\n```", CancellationToken.None);
        Assert.Equal(["\ndef f():\n    return 1\n"], seen);
    }

    [Fact]
    public void Apps_rows_keep_their_first_human_solution()
    {
        var row = (JsonObject)JsonNode.Parse("""{"problem_id": 5, "question": "Echo", "input_output": "{\"inputs\": [\"a\\n\"], \"outputs\": [\"a\\n\"]}", "solutions": "[\"print(input())\", \"x=input()\\nprint(x)\"]", "difficulty": "introductory"}""")!;
        var problem = ProblemReaders.Read("apps", new Fields(new DataRow(1, row), "apps.jsonl"));
        Assert.Equal("print(input())", problem.Solution);
        Assert.Equal(1, problem.Difficulty);
        var none = (JsonObject)JsonNode.Parse("""{"problem_id": 6, "question": "Echo", "input_output": "{\"inputs\": [\"a\\n\"], \"outputs\": [\"a\\n\"]}", "solutions": ""}""")!;
        Assert.Null(ProblemReaders.Read("apps", new Fields(new DataRow(2, none), "apps.jsonl")).Solution);
    }

    private sealed class RecordingVerifier(List<string> seen) : IVerifier
    {
        public ValueTask<VerificationResult> VerifyAsync(Problem problem, string completion, CancellationToken cancellationToken)
        {
            seen.Add(completion);
            return ValueTask.FromResult(VerificationResult.Pass(null));
        }
    }
}
