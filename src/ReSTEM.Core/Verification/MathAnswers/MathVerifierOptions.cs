namespace ReSTEM.Core.Verification.MathAnswers;

/// <summary>How <see cref="MathVerifier"/> finds and compares final answers.</summary>
public sealed record MathVerifierOptions
{
    /// <summary>The rules for finding and normalising answers.</summary>
    public MathVerifierMode Mode { get; init; } = MathVerifierMode.Gsm8k;

    /// <summary>
    /// GSM8K mode only: when a completion has no <c>#### number</c>, take the last number in the
    /// text instead (lm-evaluation-harness's "flexible-extract"). Off by default, as in the
    /// original GSM8K harness; the built-in mode never falls back.
    /// </summary>
    public bool LastNumberFallback { get; init; }

    /// <summary>Relative tolerance for answers written as decimals (0: exact only).</summary>
    public double FloatTolerance { get; init; } = MathEquivalence.DefaultFloatTolerance;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first value out of range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Mode))
        {
            throw new ArgumentException($"MathVerifierOptions.Mode {Mode} is not a mode.", nameof(Mode));
        }
        if (FloatTolerance is < 0 or >= 1 || double.IsNaN(FloatTolerance))
        {
            throw new ArgumentException("MathVerifierOptions.FloatTolerance must be in [0, 1).", nameof(FloatTolerance));
        }
        if (LastNumberFallback && Mode != MathVerifierMode.Gsm8k)
        {
            throw new ArgumentException("MathVerifierOptions.LastNumberFallback applies to the gsm8k mode only.", nameof(LastNumberFallback));
        }
    }
}
