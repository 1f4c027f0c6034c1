using ReSTEM.Core.Samples;
using ReSTEM.Core.Verification;

namespace ReSTEM.Core.Filtering;

/// <summary>
/// Gathers each problem's verified samples of one pass as they arrive, in any order, and hands
/// a problem over once all K are in, with the filter's choice of accepted samples. A sample index
/// seen twice is refused (it would be counted twice). A sample that could not be verified
/// (<see cref="Verdict.SandboxError"/>: the verifier machinery failed, not the candidate) has no
/// reward, so its problem cannot be sealed in this pass: the problem is set aside whole and drawn
/// again in a later pass, with a new collector.
/// </summary>
public sealed class ProblemCollector
{
    private readonly int _samplesPerProblem;
    private readonly SampleFilter _filter;
    private readonly Dictionary<string, SortedList<int, VerifiedSample>> _pending = new(StringComparer.Ordinal);
    private readonly HashSet<string> _setAside = new(StringComparer.Ordinal);

    /// <summary>Creates a collector expecting <paramref name="samplesPerProblem"/> samples per problem.</summary>
    public ProblemCollector(int samplesPerProblem, SampleFilter filter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samplesPerProblem, 1);
        _samplesPerProblem = samplesPerProblem;
        _filter = filter;
    }

    /// <summary>Problems with some but not all samples in.</summary>
    public int PendingProblems => _pending.Count;

    /// <summary>Problems set aside in this pass because one of their samples could not be verified.</summary>
    public IReadOnlyCollection<string> SetAside => _setAside;

    /// <summary>
    /// Adds one sample; returns the problem's complete group when this was its last sample,
    /// otherwise null. A <see cref="Verdict.SandboxError"/> sample discards its problem's pending
    /// samples and sets the problem aside: its later samples in this pass are let go too, because
    /// the problem is sampled again whole in a later pass and must not be counted twice.
    /// </summary>
    /// <exception cref="ArgumentException">The sample index is out of range or was already added.</exception>
    public CompletedProblem? Add(VerifiedSample sample)
    {
        var index = sample.Sample.SampleIndex;
        if (index < 0 || index >= _samplesPerProblem)
            throw new ArgumentException($"sample index {index} of {sample.Sample.ProblemId} is outside 0..{_samplesPerProblem - 1}");
        if (_setAside.Contains(sample.Sample.ProblemId)) return null;
        if (sample.Result.Verdict == Verdict.SandboxError)
        {
            Discard(sample.Sample.ProblemId);
            _setAside.Add(sample.Sample.ProblemId);
            return null;
        }
        if (!_pending.TryGetValue(sample.Sample.ProblemId, out var samples))
            _pending[sample.Sample.ProblemId] = samples = [];
        if (!samples.TryAdd(index, sample))
            throw new ArgumentException($"sample {index} of {sample.Sample.ProblemId} arrived twice");
        if (samples.Count < _samplesPerProblem) return null;
        _pending.Remove(sample.Sample.ProblemId);
        var all = samples.Values.ToList();
        return new CompletedProblem(sample.Sample.ProblemId, all, _filter.Accept(all).ToHashSet());
    }

    /// <summary>Forgets the partial samples of <paramref name="problemId"/> (it will be drawn again).</summary>
    public void Discard(string problemId) => _pending.Remove(problemId);
}
