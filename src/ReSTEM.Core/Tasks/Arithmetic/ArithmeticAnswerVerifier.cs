using System.Globalization;
using ReSTEM.Core.Problems;
using ReSTEM.Core.Verification;

namespace ReSTEM.Core.Tasks.Arithmetic;

/// <summary>
/// Checks the built-in arithmetic task's final line strictly: the completion's last
/// <c>####</c> line must list the same integers as the gold answer, in order
/// (<c>#### 9, 7</c>). Anything else after <c>####</c> on that line makes it wrong; no
/// <c>####</c> at all is <see cref="Verdict.NoAnswer"/>. The extracted answer is normalised
/// (<c>9, 7</c>) so majority voting groups equal answers.
/// </summary>
public sealed class ArithmeticAnswerVerifier : IVerifier
{
    /// <inheritdoc />
    public ValueTask<VerificationResult> VerifyAsync(Problem problem, string completion, CancellationToken cancellationToken)
    {
        var gold = Parse(problem.Answer ?? "")
            ?? throw new ArgumentException($"problem {problem.Id} has no valid gold answer: '{problem.Answer}'");
        var at = completion.LastIndexOf("####", StringComparison.Ordinal);
        if (at < 0) return ValueTask.FromResult(new VerificationResult(Verdict.NoAnswer, "no '####' answer line", null));
        var line = completion[(at + 4)..].Split('\n')[0];
        var answer = Parse(line);
        if (answer is null)
            return ValueTask.FromResult(new VerificationResult(Verdict.NoAnswer, $"'#### {line.Trim()}' is not a list of integers", null));
        var normalised = string.Join(", ", answer);
        return ValueTask.FromResult(answer.SequenceEqual(gold)
            ? VerificationResult.Pass(normalised)
            : new VerificationResult(Verdict.Failed, $"expected {string.Join(", ", gold)}, got {normalised}", normalised));
    }

    /// <summary>The integers of an answer such as <c> 9, 7 </c>, or null when it is not a comma-separated list of integers.</summary>
    public static IReadOnlyList<long>? Parse(string text)
    {
        var parts = text.Split(',');
        var values = new List<long>(parts.Length);
        foreach (var part in parts)
        {
            if (!long.TryParse(part.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)) return null;
            values.Add(value);
        }
        return values;
    }
}
