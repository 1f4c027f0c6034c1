using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Util;
using ReSTEM.Actors.Sampling;
using ReSTEM.Actors.Writing;
using ReSTEM.Core.Filtering;
using ReSTEM.Core.Problems;
using ReSTEM.Core.Samples;
using ReSTEM.Core.Verification;

namespace ReSTEM.Actors.Iteration;

/// <summary>
/// One pass of the E-step as an Akka.Streams graph: problems are pulled in batches by the
/// samplers, each sample is verified with bounded parallelism, the filter gathers whole problems,
/// and the writer seals them in Parquet parts. Every failed or timed-out call into a stage
/// becomes a value with a warning: its problem is simply not sealed in this pass and is drawn
/// again in the next one, and a write that failed is tried again (the writer skips problems it
/// already wrote, so a retry never stores a row twice). Only a run of sandbox errors in a row
/// (<see cref="SandboxErrorGuard"/>) fails the pass, because then the verifier machinery itself
/// is broken.
/// </summary>
public sealed class EStepGraph
{
    private readonly IEStepStages _stages;
    private readonly EStepGraphSettings _settings;
    private readonly SandboxErrorGuard _sandboxErrors;
    private readonly EStepLoad _load;
    private readonly Action<string> _warn;

    /// <summary>Creates the graph; <paramref name="warn"/> receives one line per lost element (from the stream's threads).</summary>
    public EStepGraph(IEStepStages stages, EStepGraphSettings settings, SandboxErrorGuard sandboxErrors, EStepLoad load, Action<string> warn)
    {
        _stages = stages;
        _settings = settings;
        _sandboxErrors = sandboxErrors;
        _load = load;
        _warn = warn;
    }

    /// <summary>
    /// The pass over <paramref name="unsealed"/>: emits what the writer sealed, completes when every
    /// problem was tried once, fails only when the verifier machinery is broken.
    /// </summary>
    public Source<ProblemsWritten, UniqueKillSwitch> Pass(int iteration, IReadOnlyList<Problem> unsealed)
    {
        var samplers = Math.Max(1, _stages.Samplers);
        var next = 0;
        return Source.From(unsealed)
            .Grouped(Math.Max(1, _settings.ProblemsPerBatch))
            .SelectAsync(samplers, batch => GenerateAsync(next++ % samplers, new GenerateBatch(iteration, batch.ToList())))
            .SelectMany(samples => samples)
            .SelectAsyncUnordered(Math.Max(1, _settings.VerifyParallelism), VerifyAsync)
            .Where(v => v.HasValue)
            .Select(v =>
            {
                var sample = v.Value;
                if (_sandboxErrors.Record(sample.Sample.ProblemId, sample.Result)) throw new InvalidOperationException(_sandboxErrors.LimitMessage());
                return sample;
            })
            // A sandbox_error sample goes to the filter too: it sets its problem aside for this pass.
            .SelectAsync(1, CollectAsync)
            .Where(c => c.HasValue)
            .Select(c => c.Value)
            .GroupedWithin(Math.Max(1, _settings.WriteBatchProblems), _settings.WriteInterval)
            .SelectAsync(1, group => WriteAsync(iteration, group.ToList()))
            .Where(w => w.HasValue)
            .Select(w => w.Value)
            .ViaMaterialized(KillSwitches.Single<ProblemsWritten>(), Keep.Right);
    }

    private async Task<IReadOnlyList<GeneratedSample>> GenerateAsync(int sampler, GenerateBatch batch)
    {
        _load.AddBatches(1);
        try
        {
            switch (await _stages.GenerateAsync(sampler, batch).ConfigureAwait(false))
            {
                case BatchGenerated generated:
                    return generated.Samples;
                case BatchFailed failed:
                    Lost($"a batch of {failed.ProblemIds.Count} problems failed ({failed.Reason}); they will be drawn again", batch.Iteration);
                    return [];
                case var other:
                    Lost($"a batch of {batch.Problems.Count} problems got an unexpected reply ({other.GetType().Name}); they will be drawn again", batch.Iteration);
                    return [];
            }
        }
        catch (Exception e)
        {
            Lost($"a batch of {batch.Problems.Count} problems failed ({Describe(e)}); they will be drawn again", batch.Iteration);
            return [];
        }
        finally
        {
            _load.AddBatches(-1);
        }
    }

    private async Task<Option<VerifiedSample>> VerifyAsync(GeneratedSample sample)
    {
        _load.AddVerifications(1);
        try
        {
            var verified = await _stages.VerifyAsync(sample).ConfigureAwait(false);
            return new VerifiedSample(sample, verified.Result, verified.VerifyMs);
        }
        catch (Exception e)
        {
            Lost($"sample {sample.SampleIndex} of {sample.ProblemId} was not verified ({Describe(e)}); its problem will be drawn again", null);
            return Option<VerifiedSample>.None;
        }
        finally
        {
            _load.AddVerifications(-1);
        }
    }

    private async Task<Option<CompletedProblem>> CollectAsync(VerifiedSample sample)
    {
        try
        {
            var collected = await _stages.CollectAsync(sample).ConfigureAwait(false);
            return collected.Completed is null ? Option<CompletedProblem>.None : collected.Completed;
        }
        catch (Exception e)
        {
            Lost($"sample {sample.Sample.SampleIndex} of {sample.Sample.ProblemId} did not reach the filter ({Describe(e)}); its problem will be drawn again", null);
            return Option<CompletedProblem>.None;
        }
    }

    private async Task<Option<ProblemsWritten>> WriteAsync(int iteration, List<CompletedProblem> completed)
    {
        _load.AddWrites(completed.Count);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await _stages.WriteAsync(new WriteProblems(iteration, completed)).ConfigureAwait(false);
                }
                catch (Exception e) when (attempt < _settings.WriteAttempts)
                {
                    _warn($"iteration {iteration}: writing {completed.Count} completed problems failed ({Describe(e)}); trying again ({attempt + 1} of {_settings.WriteAttempts})");
                }
                catch (Exception e)
                {
                    Lost($"{completed.Count} completed problems could not be written after {attempt} attempts ({Describe(e)}); they stay unsealed and will be drawn again", iteration);
                    return Option<ProblemsWritten>.None;
                }
            }
        }
        finally
        {
            _load.AddWrites(-completed.Count);
        }
    }

    private void Lost(string what, int? iteration)
    {
        _load.AddLost();
        _warn(iteration is null ? what : $"iteration {iteration}: {what}");
    }

    private static string Describe(Exception e) => e.GetBaseException() switch
    {
        Akka.Actor.AskTimeoutException => "no answer in time",
        var b => $"{b.GetType().Name}: {b.Message}",
    };
}

/// <summary>Flow control of the E-step graph.</summary>
/// <param name="ProblemsPerBatch">Problems per sampler batch.</param>
/// <param name="VerifyParallelism">Verifications in flight at once.</param>
/// <param name="WriteBatchProblems">Completed problems gathered into one part at most.</param>
/// <param name="WriteInterval">A part is written at least this often while problems complete.</param>
/// <param name="WriteAttempts">Attempts of one write before its problems are left unsealed for the next pass.</param>
public sealed record EStepGraphSettings(int ProblemsPerBatch, int VerifyParallelism, int WriteBatchProblems, TimeSpan WriteInterval, int WriteAttempts);
