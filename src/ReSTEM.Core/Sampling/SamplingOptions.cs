namespace ReSTEM.Core.Sampling;

/// <summary>
/// How completions are drawn. Temperature 0 means greedy decoding (top-k and top-p are then
/// ignored). Defaults are the paper's E-step settings: temperature 0.7, top-k 40.
/// </summary>
public sealed record SamplingOptions
{
    /// <summary>Softmax temperature; 0 selects greedy decoding.</summary>
    public double Temperature { get; init; } = 0.7;

    /// <summary>Keep only the k most likely tokens; 0 disables the filter.</summary>
    public int TopK { get; init; } = 40;

    /// <summary>Keep the smallest set of tokens whose probability reaches p; 1 disables the filter.</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>Upper bound on generated tokens per completion.</summary>
    public int MaxNewTokens { get; init; } = 256;

    /// <summary>Generation of a sequence stops when its completion ends with one of these strings (the stop string is removed).</summary>
    public IReadOnlyList<string> Stop { get; init; } = [];

    /// <summary>True when decoding is greedy.</summary>
    public bool IsGreedy => Temperature <= 0;

    /// <summary>Greedy decoding with otherwise the same limits.</summary>
    public SamplingOptions AsGreedy() => this with { Temperature = 0 };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first value out of range.</summary>
    public void Validate()
    {
        if (double.IsNaN(Temperature) || Temperature < 0) throw new ArgumentException($"temperature must be >= 0, got {Temperature}");
        if (TopK < 0) throw new ArgumentException($"top-k must be >= 0 (0 = off), got {TopK}");
        if (double.IsNaN(TopP) || TopP <= 0 || TopP > 1) throw new ArgumentException($"top-p must be in (0, 1], got {TopP}");
        if (MaxNewTokens < 1) throw new ArgumentException($"max-new-tokens must be >= 1, got {MaxNewTokens}");
        if (Stop.Any(string.IsNullOrEmpty)) throw new ArgumentException("stop strings must not be empty");
    }
}
