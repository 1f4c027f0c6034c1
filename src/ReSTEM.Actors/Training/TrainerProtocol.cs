namespace ReSTEM.Actors.Training;

/// <summary>Make the built-in base model (iteration 0); the reply is <see cref="BaseModelBuilt"/> or <see cref="TrainingFailed"/>.</summary>
public sealed record BuildBaseModel
{
    /// <summary>The only instance.</summary>
    public static BuildBaseModel Instance { get; } = new();

    private BuildBaseModel()
    {
    }
}

/// <summary>The base model is committed as iter-0/checkpoint.</summary>
/// <param name="Digest">Its weights digest.</param>
public sealed record BaseModelBuilt(string Digest);

/// <summary>Run iteration <paramref name="Iteration"/>'s M-step on its sealed D_i; the reply is <see cref="IterationTrained"/> or <see cref="TrainingFailed"/>.</summary>
/// <param name="Iteration">The iteration.</param>
public sealed record TrainIteration(int Iteration);

/// <summary>The iteration's checkpoint is committed.</summary>
/// <param name="Iteration">The iteration.</param>
/// <param name="Result">What the M-step did.</param>
public sealed record IterationTrained(int Iteration, MStepResult Result);

/// <summary>Training failed.</summary>
/// <param name="Iteration">The iteration (0: the base model).</param>
/// <param name="Reason">What went wrong.</param>
public sealed record TrainingFailed(int Iteration, string Reason);
