namespace ReSTEM.Storage.Runs;

/// <summary>
/// How far one iteration has come. Each phase is recorded in the manifest only after its files
/// are durable, so resume redoes at most the phase that was running.
/// </summary>
public enum IterationPhase
{
    /// <summary>The E-step is drawing and verifying samples (iteration 0, the base model, skips it).</summary>
    Sampling,

    /// <summary>Every train problem is sealed and D_i (train.parquet) is written.</summary>
    Sealed,

    /// <summary>The M-step's chosen checkpoint is committed (iteration 0: the base model is ready).</summary>
    Trained,

    /// <summary>eval.parquet and metrics.json are written: the iteration is complete.</summary>
    Evaluated,
}
