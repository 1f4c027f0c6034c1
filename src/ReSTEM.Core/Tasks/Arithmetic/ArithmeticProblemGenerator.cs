using System.Text;
using ReSTEM.Core.Problems;

namespace ReSTEM.Core.Tasks.Arithmetic;

/// <summary>
/// Generates multi-step word problems about two people whose amounts change through a chain of
/// events, with a worked solution that ends in <c>#### a, b</c>. The difficulty level is the
/// number of events. Asking for BOTH final amounts makes a lucky guess unlikely (hundreds of
/// possible answer pairs), which keeps false positives out of the E-step's accepted samples.
/// The worked solution is a scratchpad a small model can follow by copying: every amount it
/// needs follows the most recent "<c>Name has</c>" before it, and every event follows the same
/// words in the question. A state line restates both amounts, each event's line computes the
/// changed amounts and states them, and the answer copies the last state:
/// <code>
/// Ann has 5, Ben has 3
/// Ann gives 2 to Ben: 5-2=3, Ann has 3, 3+2=5, Ben has 5
/// Ann has 3, Ben has 5
/// Ben buys 4: 5+4=9, Ben has 9
/// Ann has 3, Ben has 9
/// #### 3, 9
/// </code>
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
        solution.Append(State(who, amount)).Append('\n');
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
        var (sentence, line) = NextEvent(random, who, amount, item);
        question.Append(' ').Append(sentence);
        solution.Append(line).Append('\n').Append(State(who, amount)).Append('\n');
    }

    /// <summary>The state line: <c>Ann has 3, Ben has 5</c>.</summary>
    private static string State(string[] who, int[] amount) => $"{who[0]} has {Text(amount[0])}, {who[1]} has {Text(amount[1])}";

    /// <summary>
    /// Draws one event that keeps every amount within [0, MaxValue], applies it to
    /// <paramref name="amount"/>, and returns its sentence in the question and its line in the
    /// worked solution. There is always such an event (buying 1 is valid whenever an amount is
    /// below MaxValue, losing 1 when it is above 0), so the retries end.
    /// </summary>
    private (string Sentence, string Line) NextEvent(Random random, string[] who, int[] amount, string item)
    {
        while (true)
        {
            var x = random.Next(2);
            var y = 1 - x;
            var n = random.Next(1, _options.MaxStep + 1);
            var steps = new string?[2];
            string sentence, action;
            switch (random.Next(4))
            {
                case 0 when amount[x] + n <= _options.MaxValue:
                    sentence = $"{who[x]} buys {n} more {item}.";
                    action = $"buys {n}";
                    steps[x] = $"{amount[x]}+{n}={amount[x] + n}";
                    amount[x] += n;
                    break;
                case 1 when amount[x] >= n:
                    sentence = $"{who[x]} loses {n} {item}.";
                    action = $"loses {n}";
                    steps[x] = $"{amount[x]}-{n}={amount[x] - n}";
                    amount[x] -= n;
                    break;
                case 2 when amount[x] >= n && amount[y] + n <= _options.MaxValue:
                    sentence = $"{who[x]} gives {n} {item} to {who[y]}.";
                    action = $"gives {n} to {who[y]}";
                    steps[x] = $"{amount[x]}-{n}={amount[x] - n}";
                    steps[y] = $"{amount[y]}+{n}={amount[y] + n}";
                    amount[x] -= n;
                    amount[y] += n;
                    break;
                case 3 when amount[x] >= 1 && amount[x] * 2 <= _options.MaxValue:
                    sentence = $"{who[x]} doubles the {item}.";
                    action = "doubles";
                    steps[x] = $"{amount[x]}*2={amount[x] * 2}";
                    amount[x] *= 2;
                    break;
                default:
                    continue;
            }
            var changes = Enumerable.Range(0, 2).Where(i => steps[i] is not null).Select(i => $"{steps[i]}, {who[i]} has {Text(amount[i])}");
            return (sentence, $"{who[x]} {action}: {string.Join(", ", changes)}");
        }
    }

    private static string Text(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Lines of a synthetic skills corpus, the built-in base model's "pre-training text", in a
    /// seeded random order, one third of each kind:
    /// arithmetic facts (<c>14+5=19</c>); restating a problem's opening sentence
    /// (<c>Ann has 5 pens and Ben has 3 pens. Ann has 5, Ben has 3</c>); and one event applied to
    /// an explicit state (<c>Ann has 5, Ben has 3. Ann gives 2 pens to Ben. Ann gives 2 to Ben: 5-2=3, Ann has 3, 3+2=5, Ben has 5</c>).
    /// These are the pieces a worked solution is made of, each in isolation; chaining them across
    /// a whole question is what the model still has to learn from human and its own solutions.
    /// </summary>
    public IEnumerable<string> DrillLines(int count, long seed)
    {
        var random = new Random(unchecked((int)(seed * 31 + 17)));
        for (var i = 0; i < count; i++)
        {
            switch (i % 3)
            {
                case 0:
                    yield return ArithmeticFact(random);
                    break;
                case 1:
                {
                    var (who, amount, item) = Opening(random);
                    yield return $"{who[0]} has {amount[0]} {item} and {who[1]} has {amount[1]} {item}. {State(who, amount)}";
                    break;
                }
                default:
                {
                    var (who, amount, item) = Opening(random);
                    var state = State(who, amount) + ".";
                    var (sentence, line) = NextEvent(random, who, amount, item);
                    yield return $"{state} {sentence} {line}";
                    break;
                }
            }
        }
    }

    private string ArithmeticFact(Random random)
    {
        while (true)
        {
            var a = random.Next(0, _options.MaxValue + 1);
            var n = random.Next(1, _options.MaxStep + 1);
            switch (random.Next(3))
            {
                case 0 when a + n <= _options.MaxValue:
                    return $"{a}+{n}={a + n}";
                case 1 when a >= n:
                    return $"{a}-{n}={a - n}";
                case 2 when a * 2 <= _options.MaxValue:
                    return $"{a}*2={a * 2}";
            }
        }
    }

    /// <summary>Two different people, their starting amounts (as anywhere in the task, within MaxValue for a state), and an item.</summary>
    private (string[] Who, int[] Amount, string Item) Opening(Random random)
    {
        var first = random.Next(Names.Length);
        var second = (first + 1 + random.Next(Names.Length - 1)) % Names.Length;
        return ([Names[first], Names[second]], [random.Next(0, _options.MaxValue + 1), random.Next(0, _options.MaxValue + 1)], Items[random.Next(Items.Length)]);
    }
}
