using ReSTEM.Core.Verification;

namespace ReSTEM.Core.Metrics;

/// <summary>
/// Accumulates graded completions, in input order, into the summary of a grading job: verdict
/// counts, pass@1, and where several completions share a problem, unbiased pass@k for
/// k = 1, 5, 10, 20, 50, 100, ... up to the smallest n, and maj@k for math tasks, with
/// per-difficulty and per-category breakdowns.
/// </summary>
public sealed class GradeTally
{
    private readonly Dictionary<string, Entry> _problems = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _verdicts = VerdictNames.All.ToDictionary(v => v, _ => 0L, StringComparer.Ordinal);
    private long _rows;
    private long _passed;
    private long _unverified;

    /// <summary>Rows added.</summary>
    public long Rows => _rows;

    /// <summary>Rows that passed.</summary>
    public long Passed => _passed;

    /// <summary>Rows that could not be verified (verdict <c>sandbox_error</c>).</summary>
    public long Unverified => _unverified;

    /// <summary>Adds one graded completion.</summary>
    public void Add(string problemId, int difficulty, string? category, VerificationResult result)
    {
        _rows++;
        if (result.Verdict == Verdict.Passed) _passed++;
        if (result.Verdict == Verdict.SandboxError) _unverified++;
        _verdicts[result.Verdict.ToName()]++;
        if (!_problems.TryGetValue(problemId, out var entry)) _problems[problemId] = entry = new Entry(difficulty, category);
        entry.Answers.Add(result.ExtractedAnswer);
        entry.Correct.Add(result.Verdict == Verdict.Passed);
    }

    /// <summary>The summary; <paramref name="majority"/> adds maj@k (math tasks, whose answers can be voted on).</summary>
    public GradeSummary Summarize(bool majority)
    {
        var outcomes = _problems.Select(kv => new ProblemOutcome(kv.Key, kv.Value.Difficulty, kv.Value.Category, kv.Value.Answers, kv.Value.Correct)).ToList();
        var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal);
        if (outcomes.Count > 0)
        {
            var minN = outcomes.Min(o => o.N);
            var ks = KValues(minN).ToList();
            // pass@1 over every completion: the mean over problems of c/n (the unbiased estimate for k = 1).
            foreach (var (key, value) in MetricsCalculator.Sampled(outcomes, ks))
            {
                if (!majority && key.StartsWith("maj@", StringComparison.Ordinal)) continue;
                var name = key.StartsWith("sampled_pass@1", StringComparison.Ordinal) ? "pass@1" + key["sampled_pass@1".Length..] : key;
                if (minN == 1 && name.StartsWith("maj@", StringComparison.Ordinal)) continue;
                metrics[name] = value;
            }
        }
        return new GradeSummary(_rows, _problems.Count, _passed, _rows - _passed - _unverified, _unverified, _verdicts.Where(kv => kv.Value > 0).ToDictionary(), metrics);
    }

    /// <summary>1, 5, 10, 20, 50, 100, 200, 500, ... up to <paramref name="n"/>, and n itself.</summary>
    public static IEnumerable<int> KValues(int n)
    {
        var ks = new SortedSet<int>();
        for (var scale = 1; scale <= n; scale *= 10)
        {
            foreach (var m in new[] { 1, 2, 5 })
            {
                var k = m * scale;
                if (k <= n && (k == 1 || k >= 5)) ks.Add(k);
            }
        }
        if (n >= 1) ks.Add(n);
        return ks;
    }

    private sealed record Entry(int Difficulty, string? Category)
    {
        public List<string?> Answers { get; } = [];

        public List<bool> Correct { get; } = [];
    }
}
