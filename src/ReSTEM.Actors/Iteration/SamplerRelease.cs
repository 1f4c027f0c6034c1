using Akka.Actor;
using ReSTEM.Actors.Sampling;
using ReSTEM.Storage.Runs;

namespace ReSTEM.Actors.Iteration;

/// <summary>
/// The rule that keeps at most two copies of the weights on a device: the samplers' shared
/// inference copy is given back before the trainer (float32 master weights, gradients, AdamW
/// state) or the evaluator loads its own, and taken again by the next E-step.
/// </summary>
public static class SamplerRelease
{
    /// <summary>True for the steps that load weights of their own on the device: pre-training, an M-step, an evaluation.</summary>
    public static bool Needed(PlanStep step) => step is PlanStep.BuildBase or PlanStep.Train or PlanStep.Evaluate;

    /// <summary>
    /// Asks every sampler to release its policy, each within <paramref name="timeout"/>; completes
    /// with <see cref="SamplersReleased"/>, or with <see cref="ReleaseFailed"/> naming what went wrong
    /// (a failure of the run's machinery, never of a sample).
    /// </summary>
    public static async Task<object> AllAsync(IReadOnlyList<IActorRef> samplers, PlanStep step, TimeSpan timeout)
    {
        try
        {
            var released = await Task.WhenAll(samplers.Select(s => s.Ask<PolicyReleased>(ReleasePolicy.Instance, timeout))).ConfigureAwait(false);
            return new SamplersReleased(step, released.Select(r => r.CheckpointId).OfType<string>().Distinct(StringComparer.Ordinal).ToList());
        }
        catch (Exception e)
        {
            return new ReleaseFailed(
                $"the samplers did not release their policy before {Describe(step)} within {timeout.TotalSeconds:F0} s "
                + $"(restem.pipeline.sampler-timeout-seconds): {e.GetBaseException().GetType().Name}: {e.GetBaseException().Message}; "
                + "this is a failure of the run's machinery, not of any sample: everything written is kept, run the same command again to carry the run on");
        }
    }

    private static string Describe(PlanStep step) => step switch
    {
        PlanStep.BuildBase => "pre-training the base model",
        PlanStep.Train { Iteration: RunLayout.SftBaseline } => "the SFT baseline's M-step",
        PlanStep.Train train => $"the M-step of iteration {train.Iteration}",
        PlanStep.Evaluate evaluate => $"the evaluation of iteration {evaluate.Iteration}",
        _ => step.ToString(),
    };
}
