using System.Text.RegularExpressions;
using ReSTEM.Core.Problems;
using ReSTEM.Core.Verification.MathAnswers;

namespace ReSTEM.Core.Prompts;

/// <summary>
/// The prompt a dataset task uses when <c>restem.prompt</c> leaves it to the task: the settings
/// of the usual published evaluations (GSM8K's 8-shot chain of thought of Wei et al. 2022, with
/// GSM8K's own <c>#### answer</c> line; MATH's 4-shot Minerva prompt of Lewkowycz et al. 2022;
/// HumanEval's prompt as it is; MBPP's prompt of Austin et al. 2021; APPS's prompt of Hendrycks
/// et al. 2021), a chat wording for instruct models, and how a problem's human solution is
/// written as a completion of that prompt.
/// </summary>
public sealed partial record PromptPreset
{
    /// <summary>The template of raw prompts.</summary>
    public required string RawTemplate { get; init; }

    /// <summary>The template of chat prompts (the user's turn).</summary>
    public required string ChatTemplate { get; init; }

    /// <summary>How many exemplars are shown by default.</summary>
    public int Shots { get; init; }

    /// <summary>The built-in exemplars (answers written as completions of <see cref="RawTemplate"/>).</summary>
    public IReadOnlyList<Exemplar> Exemplars { get; init; } = [];

    /// <summary>Stop strings of raw prompts.</summary>
    public IReadOnlyList<string> RawStop { get; init; } = [];

    /// <summary>Stop strings of chat prompts (besides the model's end-of-turn token).</summary>
    public IReadOnlyList<string> ChatStop { get; init; } = [];

    /// <summary>What goes into the template's <c>{question}</c> for a problem.</summary>
    public required Func<Problem, string> Question { get; init; }

    /// <summary>The problem's human solution as a completion (raw: in the exemplars' form; chat: as the assistant's reply), or null.</summary>
    public required Func<Problem, bool, string?> Reference { get; init; }
}

/// <summary>The built-in prompt of each dataset task.</summary>
public static partial class PromptPresets
{
    /// <summary>The dataset tasks.</summary>
    public static IReadOnlyList<string> Tasks { get; } = ["gsm8k", "math", "humaneval", "mbpp", "apps"];

    /// <summary>The math verifier's rules for a math dataset task (MATH answers are read the Minerva way, falling back to the last box).</summary>
    public static MathVerifierMode MathMode(string task) => task == "math" ? MathVerifierMode.Minerva : MathVerifierMode.Gsm8k;

    /// <summary>The preset of <paramref name="task"/>.</summary>
    /// <exception cref="ArgumentException">Not a dataset task.</exception>
    public static PromptPreset For(string task) => task switch
    {
        "gsm8k" => Gsm8k,
        "math" => Math,
        "humaneval" => HumanEval,
        "mbpp" => Mbpp,
        "apps" => Apps,
        _ => throw new ArgumentException($"'{task}' is not a dataset task ({string.Join(", ", Tasks)})", nameof(task)),
    };

    /// <summary>A GSM8K answer without its calculator annotations (<c>&lt;&lt;48/2=24&gt;&gt;</c>).</summary>
    public static string WithoutCalculatorNotes(string answer) => CalculatorNote().Replace(answer, "");

    private static readonly PromptPreset Gsm8k = new()
    {
        RawTemplate = "Question: {question}\nAnswer:",
        ChatTemplate = "{question}\nSolve it step by step, then give the final answer on a last line of the form \"#### <number>\".",
        Shots = 8,
        Exemplars = Gsm8kChainOfThought(),
        RawStop = ["\nQuestion:"],
        Question = p => p.Question,
        Reference = (p, chat) => p.Solution is null ? null : (chat ? "" : " ") + WithoutCalculatorNotes(p.Solution).Trim(),
    };

    private static readonly PromptPreset Math = new()
    {
        RawTemplate = "Problem:\n{question}\n\nSolution:",
        ChatTemplate = "{question}\nSolve it step by step and put the final answer in \\boxed{}.",
        Shots = 4,
        Exemplars = MinervaFourShot(),
        RawStop = ["\n\nProblem:"],
        Question = p => p.Question,
        Reference = (p, chat) =>
        {
            if (p.Solution is null) return null;
            var solution = p.Solution.Trim();
            if (chat) return solution;
            var boxed = HendrycksMath.ExtractBoxed(solution);
            return "\n" + solution + (boxed is null ? "" : $"\nFinal Answer: The final answer is ${boxed}$. I hope it is correct.");
        },
    };

    private static readonly PromptPreset HumanEval = new()
    {
        RawTemplate = "{question}",
        ChatTemplate = "Complete the following Python function. Reply with the whole function in a ```python code block.\n\n```python\n{question}```",
        RawStop = ["\ndef ", "\nclass ", "\nif ", "\nprint(", "\n#"],
        Question = p => p.Question,
        Reference = (p, chat) => p.Solution is null ? null : chat ? "```python\n" + p.Question + p.Solution.TrimEnd() + "\n```" : p.Solution,
    };

    private static readonly PromptPreset Mbpp = new()
    {
        RawTemplate = "You are an expert Python programmer, and here is your task: {question}\n[BEGIN]\n",
        ChatTemplate = "You are an expert Python programmer, and here is your task: {question}\nReply with the code in a ```python code block.",
        RawStop = ["[DONE]"],
        Question = p => p.Question + " Your code should pass these tests:\n\n" + string.Join("\n", ShownTests(p)),
        Reference = (p, chat) => p.Solution is null ? null : chat ? "```python\n" + p.Solution.Trim() + "\n```" : p.Solution.Trim() + "\n[DONE]",
    };

    private static readonly PromptPreset Apps = new()
    {
        RawTemplate = "QUESTION:\n{question}\nANSWER:\n",
        ChatTemplate = "{question}\nReply with a complete Python 3 program in a ```python code block.",
        RawStop = ["\nQUESTION:"],
        Question = p => p.Question.TrimEnd() + "\n" + (p.Tests?.Style == CodeTestStyle.StdinStdout
            ? "Use Standard Input format"
            : $"Use Call-Based format (write the function {p.Tests?.EntryPoint})"),
        Reference = (p, chat) => p.Solution is null ? null : chat ? "```python\n" + p.Solution.Trim() + "\n```" : p.Solution.TrimEnd() + "\n",
    };

    // MBPP shows the three tests of test_list (the challenge tests, when present, come after them).
    private static IEnumerable<string> ShownTests(Problem p) =>
        (p.Tests?.Test ?? "").Split('\n').Where(l => l.TrimStart().StartsWith("assert", StringComparison.Ordinal)).Take(3);

    private static Exemplar[] Gsm8kChainOfThought() =>
    [
        new("There are 15 trees in the grove. Grove workers will plant trees in the grove today. After they are done, there will be 21 trees. How many trees did the grove workers plant today?",
            " There are 15 trees originally. Then there were 21 trees after some more were planted. So there must have been 21 - 15 = 6.\n#### 6"),
        new("If there are 3 cars in the parking lot and 2 more cars arrive, how many cars are in the parking lot?",
            " There are originally 3 cars. 2 more cars arrive. 3 + 2 = 5.\n#### 5"),
        new("Leah had 32 chocolates and her sister had 42. If they ate 35, how many pieces do they have left in total?",
            " Originally, Leah had 32 chocolates. Her sister had 42. So in total they had 32 + 42 = 74. After eating 35, they had 74 - 35 = 39.\n#### 39"),
        new("Jason had 20 lollipops. He gave Denny some lollipops. Now Jason has 12 lollipops. How many lollipops did Jason give to Denny?",
            " Jason started with 20 lollipops. Then he had 12 after giving some to Denny. So he gave Denny 20 - 12 = 8.\n#### 8"),
        new("Shawn has five toys. For Christmas, he got two toys each from his mom and dad. How many toys does he have now?",
            " Shawn started with 5 toys. If he got 2 toys each from his mom and dad, then that is 4 more toys. 5 + 4 = 9.\n#### 9"),
        new("There were nine computers in the server room. Five more computers were installed each day, from monday to thursday. How many computers are now in the server room?",
            " There were originally 9 computers. For each of 4 days, 5 more computers were added. So 5 * 4 = 20 computers were added. 9 + 20 is 29.\n#### 29"),
        new("Michael had 58 golf balls. On tuesday, he lost 23 golf balls. On wednesday, he lost 2 more. How many golf balls did he have at the end of wednesday?",
            " Michael started with 58 golf balls. After losing 23 on tuesday, he had 58 - 23 = 35. After losing 2 more, he had 35 - 2 = 33 golf balls.\n#### 33"),
        new("Olivia has $23. She bought five bagels for $3 each. How much money does she have left?",
            " Olivia had 23 dollars. 5 bagels for 3 dollars each will be 5 x 3 = 15 dollars. So she has 23 - 15 dollars left. 23 - 15 is 8.\n#### 8"),
    ];

    private static Exemplar[] MinervaFourShot() =>
    [
        new("Find the domain of the expression  $\\frac{\\sqrt{x-2}}{\\sqrt{5-x}}$.}",
            "\nThe expressions inside each square root must be non-negative. Therefore, $x-2 \\ge 0$, so $x\\ge2$, and $5 - x \\ge 0$, so $x \\le 5$. Also, the denominator cannot be equal to zero, so $5-x>0$, which gives $x<5$. Therefore, the domain of the expression is $\\boxed{[2,5)}$.\nFinal Answer: The final answer is $[2,5)$. I hope it is correct."),
        new("If $\\det \\mathbf{A} = 2$ and $\\det \\mathbf{B} = 12,$ then find $\\det (\\mathbf{A} \\mathbf{B}).$",
            "\nWe have that $\\det (\\mathbf{A} \\mathbf{B}) = (\\det \\mathbf{A})(\\det \\mathbf{B}) = (2)(12) = \\boxed{24}.$\nFinal Answer: The final answer is $24$. I hope it is correct."),
        new("Terrell usually lifts two 20-pound weights 12 times. If he uses two 15-pound weights instead, how many times must Terrell lift them in order to lift the same total weight?",
            "\nIf Terrell lifts two 20-pound weights 12 times, he lifts a total of $2\\cdot 12\\cdot20=480$ pounds of weight.  If he lifts two 15-pound weights instead for $n$ times, he will lift a total of $2\\cdot15\\cdot n=30n$ pounds of weight.  Equating this to 480 pounds, we can solve for $n$:\n\\begin{align*}\n30n&=480\\\\\n\\Rightarrow\\qquad n&=480/30=\\boxed{16}\n\\end{align*}\nFinal Answer: The final answer is $16$. I hope it is correct."),
        new("If the system of equations\n\n\\begin{align*}\n6x-4y&=a,\\\\\n6y-9x &=b.\n\\end{align*}has a solution $(x, y)$ where $x$ and $y$ are both nonzero,\nfind $\\frac{a}{b},$ assuming $b$ is nonzero.",
            "\nIf we multiply the first equation by $-\\frac{3}{2}$, we obtain\n\n$$6y-9x=-\\frac{3}{2}a.$$Since we also know that $6y-9x=b$, we have\n\n$$-\\frac{3}{2}a=b\\Rightarrow\\frac{a}{b}=\\boxed{-\\frac{2}{3}}.$$\nFinal Answer: The final answer is $-\\frac{2}{3}$. I hope it is correct."),
    ];

    [GeneratedRegex(@"<<[^<>]*>>", RegexOptions.CultureInvariant)]
    private static partial Regex CalculatorNote();
}
