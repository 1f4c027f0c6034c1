namespace ReSTEM.Core.Tasks.Countdown;

/// <summary>
/// Every way to reach a target from a set of numbers with <c>+</c>, <c>-</c> and <c>*</c>, each
/// number used exactly once: the task's ground truth (whether a problem is solvable, and the
/// distinct correct answers a perfect policy could write). Expressions are written with the
/// fewest parentheses that keep their value, as a person would write them.
/// </summary>
public static class CountdownSolver
{
    /// <summary>The most numbers a problem may give (the search grows factorially).</summary>
    public const int MaxNumbers = 5;

    private enum Shape
    {
        Number,
        Sum,
        Product,
    }

    private readonly record struct Term(long Value, string Text, Shape Shape);

    /// <summary>The distinct expressions (compact text, without <c>=target</c>) that use every number of <paramref name="numbers"/> once and equal <paramref name="target"/>, in a stable order.</summary>
    public static IReadOnlyList<string> Solutions(IReadOnlyList<int> numbers, long target)
    {
        ArgumentNullException.ThrowIfNull(numbers);
        if (numbers.Count is < 1 or > MaxNumbers) throw new ArgumentException($"between 1 and {MaxNumbers} numbers are supported, got {numbers.Count}", nameof(numbers));
        var found = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Search(numbers.Select(n => new Term(n, n.ToString(System.Globalization.CultureInfo.InvariantCulture), Shape.Number)).ToList(), target, found, seen);
        return found;
    }

    /// <summary>
    /// Writes <paramref name="left"/> <paramref name="op"/> <paramref name="right"/> with the
    /// fewest parentheses: a sum inside a product, or on the right of a minus, is bracketed.
    /// </summary>
    public static string Combine(string left, bool leftIsSum, char op, string right, bool rightIsSum)
    {
        var l = op == '*' && leftIsSum ? $"({left})" : left;
        var r = (op == '*' || op == '-') && rightIsSum ? $"({right})" : right;
        return $"{l}{op}{r}";
    }

    private static void Search(List<Term> terms, long target, List<string> found, HashSet<string> seen)
    {
        if (terms.Count == 1)
        {
            if (terms[0].Value == target && seen.Add(terms[0].Text)) found.Add(terms[0].Text);
            return;
        }
        for (var i = 0; i < terms.Count; i++)
        {
            for (var j = 0; j < terms.Count; j++)
            {
                if (i == j) continue;
                var rest = new List<Term>(terms.Count - 1);
                for (var k = 0; k < terms.Count; k++)
                {
                    if (k != i && k != j) rest.Add(terms[k]);
                }
                foreach (var op in "+-*")
                {
                    rest.Add(Apply(terms[i], op, terms[j]));
                    Search(rest, target, found, seen);
                    rest.RemoveAt(rest.Count - 1);
                }
            }
        }
    }

    private static Term Apply(Term left, char op, Term right)
    {
        var value = op switch
        {
            '+' => left.Value + right.Value,
            '-' => left.Value - right.Value,
            _ => left.Value * right.Value,
        };
        var text = Combine(left.Text, left.Shape == Shape.Sum, op, right.Text, right.Shape == Shape.Sum);
        return new Term(value, text, op == '*' ? Shape.Product : Shape.Sum);
    }
}
