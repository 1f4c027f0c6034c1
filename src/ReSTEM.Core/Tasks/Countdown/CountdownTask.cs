using System.Globalization;
using System.Text.RegularExpressions;
using ReSTEM.Core.Problems;
using ReSTEM.Core.Verification;

namespace ReSTEM.Core.Tasks.Countdown;

/// <summary>
/// The built-in Countdown task (<c>restem.task = countdown</c>): generated and seeded, no
/// download. The model sees "<c>use 7 6 3 2 make 23</c>" and a newline, and answers with one line:
/// an expression over exactly the given numbers, <c>=</c>, and the target (<c>(6-3)*7+2=23</c>),
/// or the same in steps (<c>6-3=3, 3*7=21, 21+2=23</c>); see <see cref="CountdownVerifier"/>.
/// </summary>
public sealed partial class CountdownTask : ITask
{
    /// <summary>The task's configuration name.</summary>
    public const string TaskName = "countdown";

    private readonly IReadOnlyDictionary<Split, IReadOnlyList<Problem>> _splits;

    /// <summary>Generates the task's problems from <paramref name="options"/>.</summary>
    public CountdownTask(CountdownOptions options)
    {
        Generator = new CountdownProblemGenerator(options);
        _splits = Generator.GenerateSplits();
    }

    /// <summary>The generator behind the splits.</summary>
    public CountdownProblemGenerator Generator { get; }

    /// <inheritdoc />
    public string Name => TaskName;

    /// <inheritdoc />
    public TaskKind Kind => TaskKind.Math;

    /// <inheritdoc />
    public IVerifier Verifier { get; } = new CountdownVerifier();

    /// <inheritdoc />
    public IReadOnlyList<string> StopStrings { get; } = ["\n"];

    /// <inheritdoc />
    public IReadOnlyList<Problem> Problems(Split split) => _splits[split];

    /// <inheritdoc />
    public string FormatPrompt(Problem problem) => problem.Question + "\n";

    /// <inheritdoc />
    public string? FormatReference(Problem problem) => problem.Solution;

    /// <summary>The numbers and target of a problem's question (<c>use 7 6 3 2 make 23</c>).</summary>
    /// <exception cref="FormatException">The question is not a Countdown question.</exception>
    public static (IReadOnlyList<int> Numbers, long Target) Parse(Problem problem)
    {
        var match = QuestionPattern().Match(problem.Question);
        if (!match.Success) throw new FormatException($"{problem.Id}: '{problem.Question}' is not a Countdown question ('use 7 6 3 2 make 23')");
        var numbers = match.Groups["numbers"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(n => int.Parse(n, NumberStyles.None, CultureInfo.InvariantCulture)).ToList();
        return (numbers, long.Parse(match.Groups["target"].Value, NumberStyles.None, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"^use (?<numbers>(?:[0-9]{1,6} )+)make (?<target>[0-9]{1,9})$", RegexOptions.CultureInvariant)]
    private static partial Regex QuestionPattern();
}
