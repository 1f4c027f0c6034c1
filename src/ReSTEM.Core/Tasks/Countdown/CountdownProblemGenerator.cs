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
    /// <summary>After this many draws in a row that repeat known problems, a level counts as used up.</summary>
    private const int DuplicateDrawsPerLevel = 400;

    private readonly CountdownOptions _options;

    /// <summary>Creates a generator; <paramref name="options"/> are validated.</summary>
    public CountdownProblemGenerator(CountdownOptions options)
    {
        options.Validate();
        _options = options;
    }

    /// <summary>
    /// Generates the three splits, test first, then validation, then train, so the held-out sets
    /// always get the same, even mix of levels. No two problems of the run share their numbers and
    /// target. Levels take turns; a level whose distinct problems run out (two numbers give only a
    /// few hundred) is left out of the rest, so the train pool holds mostly the larger levels.
    /// </summary>
    public IReadOnlyDictionary<Split, IReadOnlyList<Problem>> GenerateSplits()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var levels = Enumerable.Range(_options.MinNumbers, _options.MaxNumbers - _options.MinNumbers + 1).ToList();
        var result = new Dictionary<Split, IReadOnlyList<Problem>>();
        foreach (var (split, count) in new[] { (Split.Test, _options.TestProblems), (Split.Validation, _options.ValidationProblems), (Split.Train, _options.TrainProblems) })
        {
            var random = new Random(unchecked((int)(_options.Seed * 7919 + (int)split * 104729)));
            var problems = new List<Problem>(count);
            var turn = 0;
            while (problems.Count < count)
            {
                if (levels.Count == 0)
                    throw new InvalidOperationException($"only {seen.Count} distinct Countdown problems exist with these ranges; fewer problems, or widen max-number / max-target / max-numbers");
                var level = levels[turn % levels.Count];
                var problem = DrawNew(random, level, $"countdown-{split.ToName()}-{problems.Count:D5}", seen);
                if (problem is null)
                {
                    levels.Remove(level);
                    continue;
                }
                problems.Add(problem);
                turn++;
            }
            result[split] = problems;
        }
        return result;
    }

    private Problem? DrawNew(Random random, int level, string id, HashSet<string> seen)
    {
        for (var attempt = 0; attempt < DuplicateDrawsPerLevel; attempt++)
        {
            var problem = Generate(random, level, id);
            if (problem is not null && seen.Add(Key(problem))) return problem;
        }
        return null;
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
