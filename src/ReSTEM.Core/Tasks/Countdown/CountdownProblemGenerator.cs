using System.Globalization;
using ReSTEM.Core.Problems;

namespace ReSTEM.Core.Tasks.Countdown;

/// <summary>
/// Generates Countdown problems: "<c>use 7 6 3 2 make 23</c>", answered by one expression that
/// uses every given number exactly once with <c>+</c>, <c>-</c> and <c>*</c>, followed by
/// <c>=</c> and the target: <c>(6-3)*7+2=23</c>. The difficulty level is the count of numbers.
/// A problem is drawn by combining the numbers in a random order along a random tree of
/// operations; that expression is the problem's human solution, written the way people write
/// such answers: mostly in one piece, sometimes step by step (<c>6-3=3, 3*7=21, 21+2=23</c>, a
/// share of <see cref="CountdownOptions.StepSolutionShare"/>). Because the verifier checks
/// the whole expression, a sample that passes is a correct solution, never a lucky guess.
/// </summary>
public sealed class CountdownProblemGenerator
{
    /// <summary>After this many draws in a row that repeat known problems (or fall out of range), a level counts as used up.</summary>
    private const int DuplicateDrawsPerLevel = 2000;

    private readonly CountdownOptions _options;

    /// <summary>Creates a generator; <paramref name="options"/> are validated.</summary>
    public CountdownProblemGenerator(CountdownOptions options)
    {
        options.Validate();
        _options = options;
    }

    /// <summary>
    /// Generates the three splits. No two problems of the run share their numbers and target, and
    /// every split has the same mix of levels: each level draws its distinct problems (an even
    /// share of all splits; two numbers from 1..12 give only a few hundred, and the larger levels
    /// make up the difference), then each level's problems are dealt to the splits in proportion
    /// to their sizes. Within a split the levels take turns, so any prefix is mixed the same way.
    /// </summary>
    public IReadOnlyDictionary<Split, IReadOnlyList<Problem>> GenerateSplits()
    {
        (Split Split, int Count)[] splits = [(Split.Test, _options.TestProblems), (Split.Validation, _options.ValidationProblems), (Split.Train, _options.TrainProblems)];
        var total = splits.Sum(s => s.Count);
        var levels = Enumerable.Range(_options.MinNumbers, _options.MaxNumbers - _options.MinNumbers + 1).ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var randoms = levels.ToDictionary(l => l, l => new Random(unchecked((int)(_options.Seed * 7919 + l * 104729))));
        var drawn = levels.ToDictionary(l => l, _ => new List<Problem>());

        // Water-filling: the smallest levels take what they have, the others share the rest evenly.
        var remaining = total;
        var open = new List<int>(levels);
        while (open.Count > 0)
        {
            var share = (remaining + open.Count - 1) / open.Count;
            foreach (var l in open) Draw(randoms[l], l, share, drawn[l], seen);
            var shortLevels = open.Where(l => drawn[l].Count < share).ToList();
            if (shortLevels.Count == 0)
            {
                // Every open level has its share: take exactly what is still needed, largest levels first.
                foreach (var l in open.OrderByDescending(l => l))
                {
                    var take = Math.Min(share, remaining);
                    drawn[l].RemoveRange(take, drawn[l].Count - take);
                    remaining -= take;
                }
                break;
            }
            foreach (var l in shortLevels)
            {
                remaining -= drawn[l].Count;
                open.Remove(l);
            }
        }
        if (remaining > 0)
            throw new InvalidOperationException($"only {seen.Count} distinct Countdown problems exist with these ranges; fewer problems, or widen max-number / max-target / max-numbers");

        // Deal each level's problems to the splits in proportion to the splits' sizes.
        var used = levels.ToDictionary(l => l, _ => 0);
        var result = new Dictionary<Split, IReadOnlyList<Problem>>();
        for (var s = 0; s < splits.Length; s++)
        {
            var (split, count) = splits[s];
            var quota = new Dictionary<int, int>();
            if (s == splits.Length - 1)
            {
                foreach (var l in levels) quota[l] = drawn[l].Count - used[l];
            }
            else
            {
                var exact = levels.ToDictionary(l => l, l => (double)count * drawn[l].Count / total);
                foreach (var l in levels) quota[l] = (int)Math.Floor(exact[l]);
                foreach (var l in levels.OrderByDescending(l => exact[l] - quota[l]).ThenBy(l => l))
                {
                    if (quota.Values.Sum() >= count) break;
                    if (used[l] + quota[l] < drawn[l].Count) quota[l]++;
                }
            }
            var queues = levels.ToDictionary(l => l, l => new Queue<Problem>(drawn[l].Skip(used[l]).Take(quota[l])));
            foreach (var l in levels) used[l] += quota[l];
            var problems = new List<Problem>(count);
            while (queues.Values.Any(q => q.Count > 0))
            {
                foreach (var l in levels)
                {
                    if (queues[l].TryDequeue(out var problem)) problems.Add(problem with { Id = $"countdown-{split.ToName()}-{problems.Count:D5}" });
                }
            }
            result[split] = problems;
        }
        return result;
    }

    /// <summary>Draws distinct new problems of <paramref name="level"/> into <paramref name="into"/> until it holds <paramref name="count"/> or the level runs out.</summary>
    private void Draw(Random random, int level, int count, List<Problem> into, HashSet<string> seen)
    {
        var misses = 0;
        while (into.Count < count && misses < DuplicateDrawsPerLevel)
        {
            var problem = Generate(random, level, "");
            if (problem is not null && seen.Add(Key(problem)))
            {
                into.Add(problem);
                misses = 0;
            }
            else
            {
                misses++;
            }
        }
    }

    /// <summary>
    /// Draws one problem with <paramref name="count"/> numbers, or null when the drawn expression's
    /// value (or a step on the way) falls outside 0..max-target, or the target is 0.
    /// </summary>
    public Problem? Generate(Random random, int count, string id)
    {
        var numbers = Enumerable.Range(0, count).Select(_ => random.Next(1, _options.MaxNumber + 1)).ToList();
        var terms = numbers.Select(n => (Value: (long)n, Text: Text(n), IsSum: false)).ToList();
        var steps = new List<string>();
        while (terms.Count > 1)
        {
            // Combine two neighbours of a shuffled order: every tree shape and order can come out.
            var i = random.Next(terms.Count - 1);
            var (left, right) = (terms[i], terms[i + 1]);
            var op = "+-*"[random.Next(3)];
            var value = op switch { '+' => left.Value + right.Value, '-' => left.Value - right.Value, _ => left.Value * right.Value };
            if (value < 0 || value > _options.MaxTarget) return null;
            steps.Add($"{left.Value}{op}{right.Value}={value}");
            terms[i] = (value, CountdownSolver.Combine(left.Text, left.IsSum, op, right.Text, right.IsSum), op != '*');
            terms.RemoveAt(i + 1);
        }
        var target = terms[0].Value;
        if (target < 1) return null;
        // People mostly write the answer in one piece; some write it step by step.
        var stepByStep = random.NextDouble() < _options.StepSolutionShare;
        // The question lists the numbers in an order of their own, so the answer has to choose.
        var shown = numbers.OrderBy(_ => random.Next()).ToList();
        var targetText = target.ToString(CultureInfo.InvariantCulture);
        return new Problem
        {
            Id = id,
            Question = $"use {string.Join(' ', shown.Select(Text))} make {targetText}",
            Answer = targetText,
            Solution = stepByStep ? string.Join(", ", steps) : $"{terms[0].Text}={targetText}",
            Difficulty = count,
            Category = "countdown",
        };
    }

    /// <summary>The numbers (as a multiset) and target: two questions with the same key are the same problem.</summary>
    private static string Key(Problem problem)
    {
        var (numbers, target) = CountdownTask.Parse(problem);
        return $"{string.Join(' ', numbers.Order())}>{target}";
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
