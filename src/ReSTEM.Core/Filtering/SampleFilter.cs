using System.Text;
using ReSTEM.Core.Samples;

namespace ReSTEM.Core.Filtering;

/// <summary>
/// ReST-EM's filter for one problem's verified samples: drop reward 0, drop duplicate
/// completions (compared after <see cref="Normalize"/>), keep at most
/// <c>maxCorrectPerProblem</c>, the first ones in sample-index order so the choice is
/// deterministic and the same on resume.
/// </summary>
public sealed class SampleFilter
{
    private readonly int _maxCorrectPerProblem;

    /// <summary>Creates a filter keeping at most <paramref name="maxCorrectPerProblem"/> samples per problem.</summary>
    public SampleFilter(int maxCorrectPerProblem)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCorrectPerProblem, 1);
        _maxCorrectPerProblem = maxCorrectPerProblem;
    }

    /// <summary>The sample indexes accepted into D_i, in ascending order.</summary>
    public IReadOnlyList<int> Accept(IEnumerable<VerifiedSample> samplesOfOneProblem) =>
        Accept(samplesOfOneProblem.Select(s => (s.Sample.SampleIndex, s.Reward, s.Sample.Completion.Text)));

    /// <summary>The sample indexes accepted, from (index, reward, completion) triples of one problem.</summary>
    public IReadOnlyList<int> Accept(IEnumerable<(int SampleIndex, float Reward, string Completion)> samplesOfOneProblem)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var accepted = new List<int>();
        foreach (var (index, reward, completion) in samplesOfOneProblem.OrderBy(s => s.SampleIndex))
        {
            if (accepted.Count == _maxCorrectPerProblem) break;
            if (reward <= 0) continue;
            if (seen.Add(Normalize(completion))) accepted.Add(index);
        }
        return accepted;
    }

    /// <summary>
    /// The form in which two completions count as the same: leading and trailing white space
    /// removed, every run of white space collapsed to one space.
    /// </summary>
    public static string Normalize(string completion)
    {
        var builder = new StringBuilder(completion.Length);
        var pendingSpace = false;
        foreach (var ch in completion.AsSpan().Trim())
        {
            if (char.IsWhiteSpace(ch))
            {
                pendingSpace = true;
                continue;
            }
            if (pendingSpace) builder.Append(' ');
            pendingSpace = false;
            builder.Append(ch);
        }
        return builder.ToString();
    }
}
