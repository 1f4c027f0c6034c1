namespace ReSTEM.Core.Training;

/// <summary>
/// Settings of one supervised fine-tuning run (the M-step, SFT baselines and the built-in base
/// model's pre-training). AdamW with weight decay on matrices only, linear warm-up then cosine
/// decay to <see cref="MinLearningRateRatio"/> of the peak, gradient clipping, accumulation.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the examples.</summary>
    public int Epochs { get; init; } = 2;

    /// <summary>Peak learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Final learning rate as a fraction of the peak, reached at the last step.</summary>
    public double MinLearningRateRatio { get; init; } = 0.1;

    /// <summary>Optimizer steps of linear warm-up from 0 to the peak.</summary>
    public int WarmupSteps { get; init; } = 20;

    /// <summary>AdamW decoupled weight decay, applied to matrices only (not to norms, biases).</summary>
    public double WeightDecay { get; init; } = 0.1;

    /// <summary>AdamW beta1.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>AdamW beta2.</summary>
    public double Beta2 { get; init; } = 0.95;

    /// <summary>Clip the global gradient norm to this value; 0 disables clipping.</summary>
    public double GradientClip { get; init; } = 1.0;

    /// <summary>Sequences per micro-batch.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Micro-batches whose gradients are summed before one optimizer step.</summary>
    public int GradientAccumulation { get; init; } = 1;

    /// <summary>Longer examples are truncated to this many tokens (prompt + completion).</summary>
    public int MaxSequenceLength { get; init; } = 512;

    /// <summary>Seed of the shuffling and any dropout.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first value out of range.</summary>
    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentException($"epochs must be >= 1, got {Epochs}");
        if (!(LearningRate > 0)) throw new ArgumentException($"learning-rate must be > 0, got {LearningRate}");
        if (MinLearningRateRatio is < 0 or > 1) throw new ArgumentException($"min-learning-rate-ratio must be in [0, 1], got {MinLearningRateRatio}");
        if (WarmupSteps < 0) throw new ArgumentException($"warmup-steps must be >= 0, got {WarmupSteps}");
        if (WeightDecay < 0) throw new ArgumentException($"weight-decay must be >= 0, got {WeightDecay}");
        if (Beta1 is < 0 or >= 1 || Beta2 is < 0 or >= 1) throw new ArgumentException("betas must be in [0, 1)");
        if (GradientClip < 0) throw new ArgumentException($"gradient-clip must be >= 0, got {GradientClip}");
        if (BatchSize < 1) throw new ArgumentException($"batch-size must be >= 1, got {BatchSize}");
        if (GradientAccumulation < 1) throw new ArgumentException($"gradient-accumulation must be >= 1, got {GradientAccumulation}");
        if (MaxSequenceLength < 2) throw new ArgumentException($"max-sequence-length must be >= 2, got {MaxSequenceLength}");
    }
}
