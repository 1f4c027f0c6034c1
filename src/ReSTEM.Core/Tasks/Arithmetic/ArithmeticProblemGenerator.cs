using System.Text;
using ReSTEM.Core.Problems;

namespace ReSTEM.Core.Tasks.Arithmetic;

/// <summary>
/// Generates multi-step word problems about two people whose amounts change through a chain of
/// events, with a worked solution that writes one small calculation per line and ends in
/// <c>#### a, b</c>. The difficulty level is the number of events. Asking for BOTH final
/// amounts makes a lucky guess unlikely (hundreds of possible answer pairs), which keeps false
/// positives out of the E-step's accepted samples.
/// </summary>
public sealed class ArithmeticProblemGenerator
{
    private static readonly string[] Names =
        ["Ann", "Ben", "Cal", "Dee", "Eva", "Fin", "Gus", "Ivy", "Jon", "Kim", "Leo", "Mia", "Ned", "Oli", "Pam", "Rex", "Sam", "Tom", "Uma", "Zoe"];

    private static readonly string[] Items = ["apples", "pens", "coins", "cards", "books", "shells", "stamps", "marbles"];

    private readonly ArithmeticOptions _options;

    /// <summary>Creates a generator; <paramref name="options"/> are validated.</summary>
    public ArithmeticProblemGenerator(ArithmeticOptions options)
    {
        options.Validate();
        _options = options;
    }

    /// <summary>
    /// Generates the three splits. Splits are disjoint: no question text appears in two splits.
    /// Difficulty levels cycle through the configured range so every level is equally present.
    /// </summary>
    public IReadOnlyDictionary<Split, IReadOnlyList<Problem>> GenerateSplits()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new Dictionary<Split, IReadOnlyList<Problem>>();
        var counts = new[] { (Split.Train, _options.TrainProblems), (Split.Validation, _options.ValidationProblems), (Split.Test, _options.TestProblems) };
        foreach (var (split, count) in counts)
        {
            var random = new Random(unchecked((int)(_options.Seed * 7919 + (int)split * 104729)));
            var problems = new List<Problem>(count);
            var attempts = 0;
            while (problems.Count < count)
            {
                if (++attempts > count * 50)
                    throw new InvalidOperationException($"could not generate {count} distinct {split.ToName()} problems with these ranges; widen max-start / max-step");
                var level = _options.MinDifficulty + problems.Count % (_options.MaxDifficulty - _options.MinDifficulty + 1);
                var problem = Generate(random, level, $"arith-{split.ToName()}-{problems.Count:D5}");
                if (seen.Add(problem.Question)) problems.Add(problem);
            }
            result[split] = problems;
        }
        return result;
    }

    /// <summary>Generates one problem of the given difficulty level from <paramref name="random"/>.</summary>
    public Problem Generate(Random random, int level, string id)
    {
        var first = random.Next(Names.Length);
        var second = (first + 1 + random.Next(Names.Length - 1)) % Names.Length;
        string[] who = [Names[first], Names[second]];
        var item = Items[random.Next(Items.Length)];
        int[] amount = [random.Next(1, _options.MaxStart + 1), random.Next(1, _options.MaxStart + 1)];

        var question = new StringBuilder();
        question.Append($"{who[0]} has {amount[0]} {item} and {who[1]} has {amount[1]} {item}.");
        var solution = new StringBuilder();
        for (var e = 0; e < level; e++)
        {
            AppendEvent(random, who, amount, item, question, solution);
        }
        question.Append($" How many {item} do {who[0]} and {who[1]} have now?");
        var answer = $"{amount[0]}, {amount[1]}";
        solution.Append($"#### {answer}");
        return new Problem
        {
            Id = id,
            Question = question.ToString(),
            Answer = answer,
            Solution = solution.ToString(),
            Difficulty = level,
            Category = "arithmetic",
        };
    }

    private void AppendEvent(Random random, string[] who, int[] amount, string item, StringBuilder question, StringBuilder solution)
    {
        // Retry until an event keeps every amount within [0, MaxValue]; there is always one
        // (buying 1 is valid whenever the amount is below MaxValue, losing 1 when it is above 0).
        while (true)
        {
            var x = random.Next(2);
            var y = 1 - x;
            var n = random.Next(1, _options.MaxStep + 1);
            switch (random.Next(4))
            {
                case 0 when amount[x] + n <= _options.MaxValue:
                    question.Append($" {who[x]} buys {n} more {item}.");
                    solution.Append($"{who[x]}: {amount[x]}+{n}={amount[x] + n}\n");
                    amount[x] += n;
                    return;
                case 1 when amount[x] >= n:
                    question.Append($" {who[x]} loses {n} {item}.");
                    solution.Append($"{who[x]}: {amount[x]}-{n}={amount[x] - n}\n");
                    amount[x] -= n;
                    return;
                case 2 when amount[x] >= n && amount[y] + n <= _options.MaxValue:
                    question.Append($" {who[x]} gives {n} {item} to {who[y]}.");
                    solution.Append($"{who[x]}: {amount[x]}-{n}={amount[x] - n}\n");
                    solution.Append($"{who[y]}: {amount[y]}+{n}={amount[y] + n}\n");
                    amount[x] -= n;
                    amount[y] += n;
                    return;
                case 3 when amount[x] >= 1 && amount[x] * 2 <= _options.MaxValue:
                    question.Append($" {who[x]} doubles the {item}.");
                    solution.Append($"{who[x]}: {amount[x]}*2={amount[x] * 2}\n");
                    amount[x] *= 2;
                    return;
            }
        }
    }

    /// <summary>
    /// Lines of packed arithmetic facts (<c>14+5=19</c>) covering the operations the problems
    /// use, in a seeded random order. A tiny model pre-trained on these learns the small-number
    /// arithmetic that the word problems then only have to chain.
    /// </summary>
    public IEnumerable<string> DrillLines(int count, long seed)
    {
        var random = new Random(unchecked((int)(seed * 31 + 17)));
        for (var i = 0; i < count; i++)
        {
            var a = random.Next(0, _options.MaxValue + 1);
            var n = random.Next(1, _options.MaxStep + 1);
            switch (random.Next(3))
            {
                case 0 when a + n <= _options.MaxValue:
                    yield return $"{a}+{n}={a + n}";
                    break;
                case 1 when a >= n:
                    yield return $"{a}-{n}={a - n}";
                    break;
                case 2 when a * 2 <= _options.MaxValue:
                    yield return $"{a}*2={a * 2}";
                    break;
                default:
                    i--;
                    break;
            }
        }
    }
}
