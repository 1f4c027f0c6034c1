using ReSTEM.Storage.Runs;

namespace ReSTEM.Actors.Iteration;

/// <summary>How a run ended.</summary>
/// <param name="Succeeded">True when every planned iteration (or an early stop) completed.</param>
/// <param name="ExitCode">0 done; 1 failure; 2 bad configuration or input (a damaged file, a changed configuration).</param>
/// <param name="Message">One paragraph for the user.</param>
/// <param name="Manifest">The manifest as it stands at the end, when there is one.</param>
public sealed record RunOutcome(bool Succeeded, int ExitCode, string Message, RunManifest? Manifest);

/// <summary>Ask the coordinator where the run stands; the reply is <see cref="CoordinatorStatus"/>.</summary>
public sealed record GetCoordinatorStatus
{
    /// <summary>The only instance.</summary>
    public static GetCoordinatorStatus Instance { get; } = new();

    private GetCoordinatorStatus()
    {
    }
}

/// <summary>Where the run stands.</summary>
/// <param name="Iteration">The iteration being worked on.</param>
/// <param name="Phase">Its phase.</param>
/// <param name="SealedProblems">Train problems sealed in the current E-step.</param>
/// <param name="TrainProblems">Train problems of the E-step.</param>
public sealed record CoordinatorStatus(int Iteration, CoordinatorPhase Phase, int SealedProblems, int TrainProblems);

/// <summary>Every sampler released its policy; <paramref name="Step"/> may start.</summary>
/// <param name="Step">The step that waited for the device.</param>
/// <param name="CheckpointIds">The checkpoints the samplers gave back (empty when they held none).</param>
public sealed record SamplersReleased(PlanStep Step, IReadOnlyList<string> CheckpointIds);

/// <summary>A sampler did not release its policy in time, or failed to.</summary>
/// <param name="Reason">What went wrong, for the run's failure message.</param>
public sealed record ReleaseFailed(string Reason);
