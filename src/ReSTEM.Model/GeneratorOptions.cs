namespace ReSTEM.Model;

/// <summary>How a <see cref="Generator"/> batches its work.</summary>
public sealed record GeneratorOptions
{
    /// <summary>Sequences decoded together (the batch); finished ones are replaced by waiting ones.</summary>
    public int MaxConcurrentSequences { get; init; } = 64;

    /// <summary>Prompts longer than this keep their last tokens (the model also caps prompt + completion at its context length).</summary>
    public int MaxPromptTokens { get; init; } = 1024;

    /// <summary>Upper bound on padded tokens in one prefill pass (prompts are prefilled in groups).</summary>
    public int MaxPrefillTokens { get; init; } = 16384;

    /// <summary>
    /// Decode steps between host checks for EOS, stop strings and free slots; 0 chooses: 4 on the
    /// CPU (reading tokens costs nothing there, and freed slots refill sooner), 16 on CUDA (the
    /// host then rarely waits for the device). A finished sequence may compute up to this many
    /// throw-away steps before its slot is refilled.
    /// </summary>
    public int SyncInterval { get; init; }

    /// <summary>The interval in force on a device: <see cref="SyncInterval"/>, or its automatic choice when 0.</summary>
    public int SyncIntervalFor(bool cuda) => SyncInterval > 0 ? SyncInterval : cuda ? 16 : 4;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first value out of range.</summary>
    public void Validate()
    {
        if (MaxConcurrentSequences < 1) throw new ArgumentException($"max-concurrent-sequences must be >= 1, got {MaxConcurrentSequences}");
        if (MaxPromptTokens < 1) throw new ArgumentException($"max-prompt-tokens must be >= 1, got {MaxPromptTokens}");
        if (MaxPrefillTokens < 1) throw new ArgumentException($"max-prefill-tokens must be >= 1, got {MaxPrefillTokens}");
        if (SyncInterval < 0) throw new ArgumentException($"sync-interval must be >= 0 (0 = automatic), got {SyncInterval}");
    }
}
