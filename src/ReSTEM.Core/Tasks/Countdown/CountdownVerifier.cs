using System.Globalization;
using ReSTEM.Core.Problems;
using ReSTEM.Core.Verification;

namespace ReSTEM.Core.Tasks.Countdown;

/// <summary>
/// Checks a Countdown answer whole, in-process. The answer is the first line of the completion:
/// one or more equations separated by commas, each <c>expression=value</c>, written either in one
/// piece (<c>(6-3)*7+2=23</c>) or step by step (<c>6-3=3, 3*7=21, 21+2=23</c>). Every equation's
/// expression (<c>+ - *</c>, parentheses, whole numbers) must have its stated value; it may use
/// the given numbers and the values of earlier equations, each at most once; at the end every
/// given number and every earlier value is used and the last value is the target. A passing
/// sample is therefore a correct solution, not a lucky final number. The extracted answer is the
/// line without spaces, so majority voting groups identical solutions.
/// </summary>
public sealed class CountdownVerifier : IVerifier
{
    /// <summary>More equations than this cannot be a solution of a problem of at most <see cref="CountdownSolver.MaxNumbers"/> numbers.</summary>
    private const int MaxEquations = 16;

    /// <inheritdoc />
    public ValueTask<VerificationResult> VerifyAsync(Problem problem, string completion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(completion);
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<int> numbers;
        long target;
        try
        {
            (numbers, target) = CountdownTask.Parse(problem);
        }
        catch (FormatException e)
        {
            // The problem, not the candidate, is broken: never score it.
            return ValueTask.FromResult(new VerificationResult(Verdict.SandboxError, e.Message, null));
        }
        return ValueTask.FromResult(Check(numbers, target, completion));
    }

    /// <summary>Checks <paramref name="completion"/> against the numbers and target.</summary>
    public static VerificationResult Check(IReadOnlyList<int> numbers, long target, string completion)
    {
        var newline = completion.IndexOf('\n');
        var line = (newline < 0 ? completion : completion[..newline]).Trim();
        if (!line.Contains('=')) return new VerificationResult(Verdict.NoAnswer, "no '=' in the answer line", null);
        var answer = string.Concat(line.Where(c => c != ' '));
        var equations = line.Split(',');
        if (equations.Length > MaxEquations) return new VerificationResult(Verdict.Failed, $"{equations.Length} equations; a solution needs fewer", answer);

        // What may still be used: the given numbers, then each equation's value.
        var available = new List<long>(numbers.Select(n => (long)n));
        long last = 0;
        for (var e = 0; e < equations.Length; e++)
        {
            var equation = equations[e];
            var equals = equation.IndexOf('=');
            if (equals < 0 || equation.IndexOf('=', equals + 1) >= 0)
                return new VerificationResult(e == equations.Length - 1 && equals < 0 ? Verdict.NoAnswer : Verdict.Failed,
                    $"step {e + 1} ('{Shorten(equation.Trim())}') is not one 'expression=value'", answer);
            var valueText = equation[(equals + 1)..].Trim();
            if (!long.TryParse(valueText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var stated))
                return new VerificationResult(Verdict.NoAnswer, $"'{Shorten(valueText)}' after '=' in step {e + 1} is not a whole number", answer);
            if (!CountdownExpression.TryParse(equation[..equals], out var expression, out var error))
                return new VerificationResult(Verdict.Failed, $"step {e + 1} does not parse: {error}", answer);
            foreach (var number in expression!.Numbers)
            {
                if (!available.Remove(number))
                    return new VerificationResult(Verdict.Failed, $"step {e + 1} uses {number}, which is not given or already used", answer);
            }
            if (expression.Value != stated)
                return new VerificationResult(Verdict.Failed, $"{expression.Compact} is {expression.Value}, not {stated}", answer);
            available.Add(stated);
            last = stated;
        }
        if (last != target)
            return new VerificationResult(Verdict.Failed, $"it makes {last}, the target is {target}", answer);
        if (available.Count != 1)
            return new VerificationResult(Verdict.Failed, $"{string.Join(' ', available.Take(available.Count - 1))} left unused", answer);
        return VerificationResult.Pass(answer);
    }

    private static string Shorten(string text) => text.Length <= 20 ? text : text[..20] + "...";
}
