namespace ReSTEM.Actors.Iteration;

/// <summary>The coordinator's phases; each is one behaviour of <see cref="IterationCoordinator"/>.</summary>
public enum CoordinatorPhase
{
    /// <summary>Reading run.json to decide the next step.</summary>
    Starting,

    /// <summary>Pre-training the built-in base model.</summary>
    BuildingBase,

    /// <summary>The E-step: sampling, verifying, filtering, writing.</summary>
    Sampling,

    /// <summary>The barrier: every train problem is sealed; D_i is written.</summary>
    Sealing,

    /// <summary>The M-step of an iteration.</summary>
    Training,

    /// <summary>The M-step of the SFT baseline.</summary>
    Baseline,

    /// <summary>Evaluating a checkpoint.</summary>
    Evaluating,

    /// <summary>The run completed.</summary>
    Done,

    /// <summary>The run failed.</summary>
    Failed,
}

/// <summary>The names phases have in logs, the status file and the display.</summary>
public static class CoordinatorPhaseNames
{
    /// <summary>The kebab-case name of <paramref name="phase"/>.</summary>
    public static string ToName(this CoordinatorPhase phase) => phase switch
    {
        CoordinatorPhase.Starting => "starting",
        CoordinatorPhase.BuildingBase => "building-base",
        CoordinatorPhase.Sampling => "sampling",
        CoordinatorPhase.Sealing => "sealing",
        CoordinatorPhase.Training => "training",
        CoordinatorPhase.Baseline => "baseline",
        CoordinatorPhase.Evaluating => "evaluating",
        CoordinatorPhase.Done => "done",
        _ => "failed",
    };
}
