using ReSTEM.Core.Options;
using ReSTEM.Storage.Runs;

namespace ReSTEM.Actors.Iteration;

/// <summary>
/// What a run does next, read from its manifest alone: the base model (built or taken as it is),
/// its evaluation, the SFT baseline when asked for, then each iteration's E-step, M-step and
/// evaluation in turn, and the end (all iterations, or an early stop when validation pass@1 stops
/// improving). Because the manifest is the only input, a run carried on after any stop takes up
/// exactly where its last durable step left it.
/// </summary>
public sealed class IterationPlan
{
    private const string StopKey = "val_pass@1";

    private readonly RunOptions _options;

    /// <summary>Creates the plan of a run with <paramref name="options"/>.</summary>
    public IterationPlan(RunOptions options) => _options = options;

    /// <summary>The next step after what <paramref name="manifest"/> records.</summary>
    public PlanStep Next(RunManifest manifest)
    {
        var first = manifest.Find(0);
        if (first is null || first.Phase < IterationPhase.Trained)
            return _options.Model.Base == ModelOptions.BuiltIn ? new PlanStep.BuildBase() : new PlanStep.TakeBase();
        if (first.Phase < IterationPhase.Evaluated) return new PlanStep.Evaluate(0, first);

        if (_options.Baseline == BaselineKind.Sft)
        {
            var sft = manifest.Find(RunLayout.SftBaseline);
            switch (sft?.Phase)
            {
                case null or IterationPhase.Sampling:
                    return new PlanStep.PrepareBaseline();
                case IterationPhase.Sealed:
                    return new PlanStep.Train(RunLayout.SftBaseline, sft);
                case IterationPhase.Trained:
                    return new PlanStep.Evaluate(RunLayout.SftBaseline, sft);
            }
        }

        for (var i = 1; i <= _options.Iterations; i++)
        {
            var record = manifest.Find(i);
            switch (record?.Phase)
            {
                case null or IterationPhase.Sampling:
                    return new PlanStep.Sample(i);
                case IterationPhase.Sealed:
                    return new PlanStep.Train(i, record);
                case IterationPhase.Trained:
                    return new PlanStep.Evaluate(i, record);
            }
            if (_options.EarlyStop && StoppedImproving(manifest, i) is { } why) return new PlanStep.StopEarly(i, why);
        }
        return new PlanStep.Finish();
    }

    private string? StoppedImproving(RunManifest manifest, int iteration)
    {
        var current = manifest.Find(iteration)?.Metrics?.GetValueOrDefault(StopKey);
        if (current is null || iteration == _options.Iterations) return null;
        var best = Enumerable.Range(0, iteration)
            .Select(i => manifest.Find(i)?.Metrics?.GetValueOrDefault(StopKey))
            .Where(v => v is not null)
            .DefaultIfEmpty(null)
            .Max();
        return best is not null && current <= best
            ? $"validation pass@1 {current:P1} did not improve on the best earlier iteration's {best:P1}"
            : null;
    }
}

/// <summary>One step of an <see cref="IterationPlan"/>.</summary>
public abstract record PlanStep
{
    private PlanStep()
    {
    }

    /// <summary>Pre-train the built-in base model.</summary>
    public sealed record BuildBase : PlanStep;

    /// <summary>Record the user's base model (a Hugging Face folder) as iteration 0, as it is.</summary>
    public sealed record TakeBase : PlanStep;

    /// <summary>Write the SFT baseline's training set (the human solutions).</summary>
    public sealed record PrepareBaseline : PlanStep;

    /// <summary>The E-step of <paramref name="Iteration"/>.</summary>
    /// <param name="Iteration">The iteration.</param>
    public sealed record Sample(int Iteration) : PlanStep;

    /// <summary>The M-step of <paramref name="Iteration"/> (the SFT baseline's when it is <see cref="RunLayout.SftBaseline"/>).</summary>
    /// <param name="Iteration">The iteration.</param>
    /// <param name="Record">Its manifest record.</param>
    public sealed record Train(int Iteration, IterationRecord Record) : PlanStep;

    /// <summary>Evaluate the checkpoint of <paramref name="Iteration"/>.</summary>
    /// <param name="Iteration">The iteration.</param>
    /// <param name="Record">Its manifest record.</param>
    public sealed record Evaluate(int Iteration, IterationRecord Record) : PlanStep;

    /// <summary>End the run early: validation stopped improving after <paramref name="Iteration"/>.</summary>
    /// <param name="Iteration">The last iteration run.</param>
    /// <param name="Why">What did not improve.</param>
    public sealed record StopEarly(int Iteration, string Why) : PlanStep;

    /// <summary>Every planned iteration is complete.</summary>
    public sealed record Finish : PlanStep;
}
