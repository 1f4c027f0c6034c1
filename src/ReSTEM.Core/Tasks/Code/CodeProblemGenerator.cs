using System.Text;
using ReSTEM.Core.Problems;

namespace ReSTEM.Core.Tasks.Code;

/// <summary>
/// Draws the problems of the built-in code task from one seeded stream, so the three splits
/// are disjoint (no function appears twice) and the same seed always gives the same problems.
/// Difficulty cycles 1..5 within every split, so each level has a fifth of each split.
/// </summary>
internal static class CodeProblemGenerator
{
    public static IReadOnlyDictionary<Split, IReadOnlyList<Problem>> Generate(CodeTaskOptions options)
    {
        var random = new Random(options.Seed);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var byLevel = CodeFamilies.All.GroupBy(f => f.Level).ToDictionary(g => g.Key, g => g.ToArray());
        var result = new Dictionary<Split, IReadOnlyList<Problem>>();
        foreach (var (split, size) in new[] { (Split.Train, options.TrainSize), (Split.Validation, options.ValidationSize), (Split.Test, options.TestSize) })
        {
            var problems = new List<Problem>(size);
            for (var i = 0; i < size; i++)
            {
                var level = i % 5 + 1;
                var (family, instance) = DrawUnused(random, byLevel[level], used);
                problems.Add(Build(family, instance, $"code-{split.ToName()}-{i:D5}", random, options.TestsPerProblem));
            }
            result[split] = problems;
        }
        return result;
    }

    private static (CodeFamily Family, CodeFamily.Instance Instance) DrawUnused(Random random, CodeFamily[] families, HashSet<string> used)
    {
        for (var attempt = 0; attempt < 10000; attempt++)
        {
            var family = families[random.Next(families.Length)];
            var instance = family.Make(random);
            if (used.Add(instance.Name))
            {
                return (family, instance);
            }
        }
        throw new InvalidOperationException("the code task ran out of distinct problems; ask for fewer");
    }

    private static Problem Build(CodeFamily family, CodeFamily.Instance instance, string id, Random random, int testCount)
    {
        // Distinct inputs where the family has enough of them; the first is the docstring's example.
        var cases = new List<(object[] Args, object Expected)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var attempt = 0; cases.Count < testCount && attempt < testCount * 20; attempt++)
        {
            var args = instance.Input(random);
            var call = string.Join(", ", args.Select(PythonLiteral.Of));
            if (seen.Add(call))
            {
                cases.Add((args, instance.Expected(args)));
            }
        }
        var example = cases[0];
        var exampleCall = $"{instance.Name}({string.Join(", ", example.Args.Select(PythonLiteral.Of))})";
        var question = new StringBuilder()
            .Append("def ").Append(instance.Name).Append('(').Append(instance.Parameters).Append("):\n")
            .Append("    \"\"\"").Append(instance.Description).Append('\n')
            .Append("    >>> ").Append(exampleCall).Append('\n')
            .Append("    ").Append(PythonLiteral.Of(example.Expected)).Append('\n')
            .Append("    \"\"\"\n")
            .ToString();
        var test = new StringBuilder("def check(candidate):\n");
        foreach (var (args, expected) in cases)
        {
            test.Append("    assert candidate(").Append(string.Join(", ", args.Select(PythonLiteral.Of))).Append(") == ").Append(PythonLiteral.Of(expected)).Append('\n');
        }
        return new Problem
        {
            Id = id,
            Question = question,
            Solution = instance.Body,
            Difficulty = family.Level,
            Category = family.Name,
            Tests = new CodeTests
            {
                Style = CodeTestStyle.Function,
                Test = test.ToString(),
                EntryPoint = instance.Name,
                PrependQuestion = true,
            },
        };
    }
}
