using System.Globalization;

namespace ReSTEM.Core.Metrics;

/// <summary>
/// Turns per-problem outcomes into the reported metrics: pass@1 from greedy decoding, unbiased
/// pass@k (k = 1 is named <c>sampled_pass@1</c>) and maj@k from n samples, each also per difficulty level (<c>pass@1/level-3</c>) and
/// per category where problems have one (<c>pass@1/type-Algebra</c>).
/// </summary>
public static class MetricsCalculator
{
    /// <summary>Greedy pass@1: the share of problems whose single greedy completion is correct, with breakdowns.</summary>
    public static IReadOnlyDictionary<string, double> Greedy(IReadOnlyList<ProblemOutcome> greedy, string prefix = "")
    {
        var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal);
        if (greedy.Count == 0) return metrics;
        foreach (var (suffix, group) in Groups(greedy))
        {
            metrics[$"{prefix}pass@1{suffix}"] = group.Average(o => o.Correct.Count > 0 && o.Correct[0] ? 1.0 : 0.0);
        }
        return metrics;
    }

    /// <summary>
    /// pass@k (unbiased, from every sample) and maj@k (vote over the first k samples) for each k
    /// that every problem has enough samples for, with breakdowns.
    /// </summary>
    public static IReadOnlyDictionary<string, double> Sampled(IReadOnlyList<ProblemOutcome> sampled, IEnumerable<int> ks, string prefix = "")
    {
        var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal);
        if (sampled.Count == 0) return metrics;
        var minN = sampled.Min(o => o.N);
        foreach (var k in ks.Distinct().Order())
        {
            if (k < 1 || k > minN) continue;
            foreach (var (suffix, group) in Groups(sampled))
            {
                // pass@1 is reserved for greedy decoding; the sampled estimate of k = 1 has its own name.
                var name = k == 1 ? "sampled_pass@1" : $"pass@{k}";
                metrics[$"{prefix}{name}{suffix}"] = PassAtK.Mean(group.Select(o => (o.N, o.CorrectCount)), k);
                metrics[$"{prefix}maj@{k}{suffix}"] = group.Average(o => MajorityVote.IsCorrect(o.Answers, o.Correct, k) ? 1.0 : 0.0);
            }
        }
        return metrics;
    }

    /// <summary>The whole set (suffix "") and each difficulty level and category present.</summary>
    private static IEnumerable<(string Suffix, IReadOnlyList<ProblemOutcome> Group)> Groups(IReadOnlyList<ProblemOutcome> outcomes)
    {
        yield return ("", outcomes);
        foreach (var level in outcomes.Where(o => o.Difficulty > 0).GroupBy(o => o.Difficulty).OrderBy(g => g.Key))
        {
            yield return ($"/level-{level.Key.ToString(CultureInfo.InvariantCulture)}", level.ToList());
        }
        var categories = outcomes.Where(o => o.Category is not null).GroupBy(o => o.Category!).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        if (categories.Count > 1)
        {
            foreach (var category in categories)
            {
                yield return ($"/type-{category.Key}", category.ToList());
            }
        }
    }
}
