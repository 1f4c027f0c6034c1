using ReSTEM.Actors.Verification;
using ReSTEM.Core.Problems;
using ReSTEM.Core.Sampling;
using ReSTEM.Core.Tasks;
using ReSTEM.Core.Verification;
using ReSTEM.Storage.Rows;

namespace ReSTEM.Actors.Evaluation;

/// <summary>
/// Scores a policy on held-out problems: greedy decoding for pass@1 and n sampled completions
/// for pass@k and maj@k. Generation runs chunk by chunk on the calling thread's generator while
/// the previous chunk is verified through the shared verifier pool. A completion the verifier
/// machinery could not score (<see cref="Verdict.SandboxError"/> after the pool's retries) fails
/// the evaluation: counting it as incorrect would report a metric the policy did not earn.
/// </summary>
public sealed class PolicyEvaluator
{
    private const int ProblemsPerChunk = 64;

    private readonly ITask _task;
    private readonly IVerificationService _verification;
    private readonly SamplingOptions _decoding;

    /// <summary>Creates an evaluator; <paramref name="decoding"/> supplies max-new-tokens and top-k/top-p of sampled evaluation.</summary>
    public PolicyEvaluator(ITask task, IVerificationService verification, SamplingOptions decoding)
    {
        _task = task;
        _verification = verification;
        _decoding = decoding with { Stop = decoding.Stop.Concat(task.StopStrings).Distinct().ToArray() };
    }

    /// <summary>
    /// Generates <paramref name="samplesPerProblem"/> completions per problem (greedy when
    /// <paramref name="temperature"/> is 0: one completion) and verifies them.
    /// </summary>
    /// <param name="generator">The policy.</param>
    /// <param name="problems">Problems to score.</param>
    /// <param name="samplesPerProblem">n.</param>
    /// <param name="temperature">0 for greedy.</param>
    /// <param name="seed">Root seed of the sampled completions.</param>
    /// <param name="progress">Receives (problems done, problems total).</param>
    /// <param name="cancellationToken">Stops between chunks.</param>
    /// <exception cref="InvalidOperationException">A completion could not be verified (sandbox_error after its retries).</exception>
    public async Task<IReadOnlyList<ScoredProblem>> ScoreAsync(
        ICompletionGenerator generator,
        IReadOnlyList<Problem> problems,
        int samplesPerProblem,
        double temperature,
        long seed,
        IProgress<(int Done, int Total)>? progress,
        CancellationToken cancellationToken)
    {
        var greedy = temperature <= 0;
        var n = greedy ? 1 : samplesPerProblem;
        var options = _decoding with { Temperature = greedy ? 0 : temperature };
        var pending = new List<Task<ScoredProblem>>(problems.Count);
        using var gate = new SemaphoreSlim(Math.Max(1, _verification.Parallelism));
        var done = 0;
        void Report() => progress?.Report((Interlocked.Increment(ref done), problems.Count));
        for (var start = 0; start < problems.Count; start += ProblemsPerChunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var chunk = problems.Skip(start).Take(ProblemsPerChunk).ToList();
            var requests = chunk.Select(p => new CompletionRequest(
                _task.FormatPrompt(p), SampleSeeds.ForProblem(seed, 0, p.Id, n, greedy ? "eval-greedy" : "eval"))).ToList();
            // Generation blocks its thread; the verifications of the previous chunk run meanwhile.
            var completions = await Task.Factory.StartNew(
                () => generator.Generate(requests, options, cancellationToken),
                cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
            for (var i = 0; i < chunk.Count; i++)
            {
                pending.Add(VerifyProblemAsync(chunk[i], completions[i], gate, Report, cancellationToken));
            }
        }
        return await Task.WhenAll(pending).ConfigureAwait(false);
    }

    private async Task<ScoredProblem> VerifyProblemAsync(
        Problem problem, IReadOnlyList<Completion> completions, SemaphoreSlim gate, Action reportDone, CancellationToken cancellationToken)
    {
        var verdicts = await Task.WhenAll(completions.Select(async c =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var verified = await _verification.VerifyAsync(problem, c.Text, cancellationToken).ConfigureAwait(false);
                if (verified.Result.Verdict == Verdict.SandboxError)
                    throw new InvalidOperationException($"{problem.Id} could not be verified, so the evaluation has no honest score for it: {verified.Result.Reason}");
                return verified;
            }
            finally
            {
                gate.Release();
            }
        })).ConfigureAwait(false);
        reportDone();
        return new ScoredProblem(problem, completions, verdicts);
    }

    /// <summary>The evaluation rows of scored problems, as stored in eval.parquet.</summary>
    public static IEnumerable<EvalRow> ToRows(IEnumerable<ScoredProblem> scored, int iteration, Split split, string mode, string checkpointId) =>
        scored.Select(s => new EvalRow
        {
            Iteration = iteration,
            Split = split.ToName(),
            ProblemId = s.Problem.Id,
            Difficulty = s.Problem.Difficulty,
            Mode = mode,
            N = s.Completions.Count,
            Correct = s.Verdicts.Count(v => v.Result.Reward > 0),
            Answers = s.Verdicts.Select(v => v.Result.ExtractedAnswer ?? "").ToList(),
            Rewards = s.Verdicts.Select(v => v.Result.Reward).ToList(),
            Completions = s.Completions.Select(c => c.Text).ToList(),
            CheckpointId = checkpointId,
        });
}
