namespace ReSTEM.Core.Metrics;

/// <summary>
/// maj@k: the most frequent final answer among the first k samples of a problem is its
/// prediction. Samples without an answer do not vote; a tie goes to the answer that reached
/// the winning count first (so the result does not depend on dictionary order).
/// </summary>
public static class MajorityVote
{
    /// <summary>
    /// The voted answer over the first <paramref name="k"/> entries, or null when none of them has an answer.
    /// Answers are compared as exact strings: pass the verifier's normalised answers.
    /// </summary>
    public static string? Vote(IReadOnlyList<string?> answers, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        string? best = null;
        var bestCount = 0;
        for (var i = 0; i < Math.Min(k, answers.Count); i++)
        {
            var answer = answers[i];
            if (answer is null) continue;
            var count = counts[answer] = counts.GetValueOrDefault(answer) + 1;
            if (count > bestCount)
            {
                best = answer;
                bestCount = count;
            }
        }
        return best;
    }

    /// <summary>
    /// Whether the majority answer over the first <paramref name="k"/> samples is correct, given
    /// each sample's answer and whether that sample was verified correct. Correctness of the voted
    /// answer is taken from a sample that gave it (equal normalised answers are equally correct).
    /// </summary>
    public static bool IsCorrect(IReadOnlyList<string?> answers, IReadOnlyList<bool> correct, int k)
    {
        if (answers.Count != correct.Count) throw new ArgumentException("answers and correct must have the same length");
        var voted = Vote(answers, k);
        if (voted is null) return false;
        for (var i = 0; i < Math.Min(k, answers.Count); i++)
        {
            if (answers[i] == voted) return correct[i];
        }
        return false;
    }
}
