using ReSTEM.Actors.Sampling;
using ReSTEM.Core.Problems;
using ReSTEM.Core.Sampling;

namespace ReSTEM.Actors.Tests;

/// <summary>
/// A stand-in for the model in pipeline tests: each completion is a deterministic function of
/// its seed: the reference solution, the same solution with other white space (a duplicate
/// under normalisation), a second distinct correct solution, or a wrong answer. This makes
/// the filter's dedup and cap observable without depending on what a tiny model learns.
/// </summary>
internal sealed class ScriptedPolicyLoader(IReadOnlyDictionary<string, Problem> problemsByPrompt) : IPolicyLoader
{
    private int _loads;

    public int Loads => _loads;

    public ILoadedPolicy Load(string checkpointDir, string checkpointId)
    {
        Interlocked.Increment(ref _loads);
        return new Loaded(new ScriptedGenerator(problemsByPrompt, checkpointId));
    }

    private sealed class Loaded(ICompletionGenerator generator) : ILoadedPolicy
    {
        public ICompletionGenerator Generator => generator;

        public void Dispose()
        {
        }
    }

    private sealed class ScriptedGenerator(IReadOnlyDictionary<string, Problem> problems, string checkpointId) : ICompletionGenerator
    {
        public string CheckpointId => checkpointId;

        public IReadOnlyList<IReadOnlyList<Completion>> Generate(IReadOnlyList<CompletionRequest> requests, SamplingOptions options, CancellationToken cancellationToken) =>
            requests.Select(r => (IReadOnlyList<Completion>)r.Seeds.Select(seed =>
            {
                var problem = problems[r.Prompt];
                var text = (options.IsGreedy ? 0 : seed % 4) switch
                {
                    0 => problem.Solution!,
                    1 => problem.Solution!.Replace("\n", "\n  "),
                    2 => "Worked out differently.\n" + problem.Solution!,
                    _ => "#### 0, 0",
                };
                return new Completion(text, seed, r.Prompt.Length, text.Length, FinishReason.EndOfSequence);
            }).ToList()).ToList();
    }
}
