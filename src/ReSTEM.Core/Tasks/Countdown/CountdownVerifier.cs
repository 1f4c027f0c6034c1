using System.Globalization;
using ReSTEM.Core.Problems;
using ReSTEM.Core.Verification;

namespace ReSTEM.Core.Tasks.Countdown;

/// <summary>
/// Checks a Countdown answer whole, in-process: the first line of the completion must be
/// <c>expression=target</c>, the expression must use exactly the given numbers (each once, as a
/// multiset) with <c>+ - *</c> and parentheses, and its value must equal the target. A passing
/// sample is therefore a correct solution, not a lucky final number. The extracted answer is the
/// line without spaces, so majority voting groups identical solutions.
/// </summary>
public sealed class CountdownVerifier : IVerifier
{
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
        var equals = line.LastIndexOf('=');
        if (equals < 0) return new VerificationResult(Verdict.NoAnswer, "no '=' in the answer line", null);
        var claimedText = line[(equals + 1)..].Trim();
        if (!long.TryParse(claimedText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var claimed))
            return new VerificationResult(Verdict.NoAnswer, $"'{Shorten(claimedText)}' after '=' is not a whole number", null);
        var answer = string.Concat(line.Where(c => c != ' '));
        if (!CountdownExpression.TryParse(line[..equals], out var expression, out var error))
            return new VerificationResult(Verdict.Failed, $"the expression does not parse: {error}", answer);
        if (claimed != target)
            return new VerificationResult(Verdict.Failed, $"it makes {claimed}, the target is {target}", answer);
        var used = expression!.Numbers.Order().ToList();
        var given = numbers.Select(n => (long)n).Order().ToList();
        if (!used.SequenceEqual(given))
            return new VerificationResult(Verdict.Failed, $"it uses {string.Join(' ', used)}, the problem gives {string.Join(' ', given)}", answer);
        if (expression.Value != target)
            return new VerificationResult(Verdict.Failed, $"{expression.Compact} is {expression.Value}, not {target}", answer);
        return VerificationResult.Pass(answer);
    }

    private static string Shorten(string text) => text.Length <= 20 ? text : text[..20] + "...";
}
