namespace ReSTEM.Core.Verification.Code;

/// <summary>How <see cref="StdioTestVerifier"/> runs APPS style stdin/stdout cases.</summary>
public sealed record StdioTestOptions
{
    /// <summary>Wall-clock limit per case (the APPS harness uses 4 s).</summary>
    public TimeSpan CaseTimeout { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>Wall-clock limit for all cases of one candidate together; null takes the runner's default.</summary>
    public TimeSpan? TotalTimeout { get; init; }

    /// <summary>Bytes of output kept per case; more ends the case as an output-limit failure.</summary>
    public int MaxOutputBytesPerCase { get; init; } = 256 * 1024;

    /// <summary>
    /// Relative and absolute tolerance for numbers with a fractional part or an exponent
    /// (0 compares them as exact decimals only). Integers always compare exactly.
    /// </summary>
    public double FloatTolerance { get; init; } = 1e-6;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first value out of range.</summary>
    public void Validate()
    {
        if (CaseTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("StdioTestOptions.CaseTimeout must be positive.", nameof(CaseTimeout));
        }
        if (TotalTimeout is { } total && total <= TimeSpan.Zero)
        {
            throw new ArgumentException("StdioTestOptions.TotalTimeout must be positive.", nameof(TotalTimeout));
        }
        if (MaxOutputBytesPerCase < 1)
        {
            throw new ArgumentException("StdioTestOptions.MaxOutputBytesPerCase must be positive.", nameof(MaxOutputBytesPerCase));
        }
        if (FloatTolerance is < 0 or >= 1 || double.IsNaN(FloatTolerance))
        {
            throw new ArgumentException("StdioTestOptions.FloatTolerance must be in [0, 1).", nameof(FloatTolerance));
        }
    }
}
