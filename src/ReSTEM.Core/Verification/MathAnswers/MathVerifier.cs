using ReSTEM.Core.Problems;

namespace ReSTEM.Core.Verification.MathAnswers;

/// <summary>
/// Checks the final answer of a math completion against the gold answer, in-process. The
/// answer is found and normalised by the rules of the chosen public harness
/// (<see cref="MathVerifierMode"/>) and passes when that harness would accept it OR when it is
/// equivalent by <see cref="MathEquivalence"/> (one LaTeX spelling, exact rationals, tuples,
/// intervals, float tolerance). The gold is read the same way when it is a full solution (a
/// GSM8K answer with <c>####</c>, a MATH solution with <c>\boxed{}</c>), else taken as the final
/// answer itself.
/// <see cref="VerificationResult.ExtractedAnswer"/> is the canonical form of the answer, so
/// equal strings mean equivalent answers (majority voting groups by it).
/// </summary>
public sealed class MathVerifier : IVerifier
{
    /// <summary>Creates a verifier with the given options (GSM8K rules when null).</summary>
    public MathVerifier(MathVerifierOptions? options = null)
    {
        Options = options ?? new MathVerifierOptions();
        Options.Validate();
    }

    /// <summary>Creates a verifier for <paramref name="mode"/> with default options.</summary>
    public MathVerifier(MathVerifierMode mode)
        : this(new MathVerifierOptions { Mode = mode })
    {
    }

    /// <summary>The options in use.</summary>
    public MathVerifierOptions Options { get; }

    /// <inheritdoc />
    public ValueTask<VerificationResult> VerifyAsync(Problem problem, string completion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(completion);
        cancellationToken.ThrowIfCancellationRequested();
        var gold = problem.Answer ?? problem.Solution;
        if (gold == null)
        {
            return ValueTask.FromResult(new VerificationResult(Verdict.SandboxError, $"problem {problem.Id} has no gold answer", null));
        }
        return ValueTask.FromResult(Grade(completion, gold, Options));
    }

    /// <summary>
    /// Grades a completion against a gold answer or gold solution without a <see cref="Problem"/>
    /// (the <c>grade</c> command). Never throws for anything in the texts.
    /// </summary>
    public static VerificationResult Grade(string completion, string gold, MathVerifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(completion);
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(options);
        var goldForm = GoldForm(gold, options.Mode);
        if (goldForm == null)
        {
            return new VerificationResult(Verdict.SandboxError, "the gold answer has no final answer in the expected format", null);
        }
        var answer = AnswerForm(completion, options.Mode, options.LastNumberFallback);
        if (answer == null)
        {
            return new VerificationResult(Verdict.NoAnswer, NoAnswerReason(options.Mode), null);
        }
        var canonical = answer.Value.Canonical;
        return Equivalent(answer, goldForm, options)
            ? VerificationResult.Pass(canonical)
            : new VerificationResult(Verdict.Failed, $"answer {Clip(canonical)} is not {Clip(goldForm.Value.Canonical)}", canonical);
    }

    /// <summary>
    /// The normalised final answer of a completion by the rules of <paramref name="mode"/>, or null
    /// when it has none. Equal results mean equivalent answers.
    /// </summary>
    public static string? ExtractAnswer(string completion, MathVerifierMode mode, bool lastNumberFallback = false) =>
        AnswerForm(completion ?? throw new ArgumentNullException(nameof(completion)), mode, lastNumberFallback && mode == MathVerifierMode.Gsm8k)?.Value.Canonical;

    /// <summary>
    /// The normalised gold answer: extracted like a completion when <paramref name="gold"/> is a
    /// full solution, else <paramref name="gold"/> itself normalised; null when a solution has no final answer.
    /// </summary>
    public static string? ExtractGold(string gold, MathVerifierMode mode) =>
        GoldForm(gold ?? throw new ArgumentNullException(nameof(gold)), mode)?.Value.Canonical;

    /// <summary>True when two final answers (not whole solutions) are equivalent under the rules of <paramref name="mode"/>.</summary>
    public static bool AreEquivalent(string answer, string gold, MathVerifierMode mode, double floatTolerance = MathEquivalence.DefaultFloatTolerance)
    {
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(gold);
        return Equivalent(FinalForm(answer, mode), FinalForm(gold, mode), new MathVerifierOptions { Mode = mode, FloatTolerance = floatTolerance });
    }

    /// <summary>A final answer in three shapes: as found, as the harness normalises it, and as a value.</summary>
    private sealed record Form(string Raw, string Normalized, MathValue Value);

    private static Form? AnswerForm(string completion, MathVerifierMode mode, bool lastNumberFallback)
    {
        switch (mode)
        {
            case MathVerifierMode.Gsm8k:
                var number = Gsm8kAnswer.Extract(completion) ?? (lastNumberFallback ? Gsm8kAnswer.ExtractLastNumber(completion) : null);
                return number == null ? null : FinalForm(number, mode);
            case MathVerifierMode.Builtin:
                var answers = Gsm8kAnswer.ExtractStrict(completion);
                return answers == null ? null : FinalForm(string.Join(", ", answers), mode);
            case MathVerifierMode.Math:
                var boxed = HendrycksMath.ExtractBoxed(completion);
                return boxed == null ? null : FinalForm(boxed, mode);
            case MathVerifierMode.Minerva:
                var final = MinervaMath.GetUnnormalizedAnswer(completion) ?? HendrycksMath.ExtractBoxed(completion);
                return final == null ? null : FinalForm(final, mode);
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, null);
        }
    }

    private static Form? GoldForm(string gold, MathVerifierMode mode)
    {
        switch (mode)
        {
            case MathVerifierMode.Gsm8k or MathVerifierMode.Builtin when gold.Contains("####", StringComparison.Ordinal):
                return AnswerForm(gold, mode, lastNumberFallback: false);
            case MathVerifierMode.Math or MathVerifierMode.Minerva when gold.Contains("\\boxed", StringComparison.Ordinal) || gold.Contains("\\fbox", StringComparison.Ordinal):
                var boxed = HendrycksMath.ExtractBoxed(gold);
                return boxed == null ? null : FinalForm(boxed, mode);
            default:
                return gold.Trim().Length == 0 ? null : FinalForm(gold.Trim(), mode);
        }
    }

    /// <summary>
    /// Normalises a final answer (already extracted) by the harness's rules. The value is read
    /// from the harness's normalisation of the answer's one LaTeX spelling: the harnesses' own
    /// brace fixes turn <c>\frac\pi2</c> into <c>\frac{\}{p}i2</c>, while a braced
    /// <c>\frac{\pi}{2}</c> passes through them unchanged.
    /// </summary>
    private static Form FinalForm(string raw, MathVerifierMode mode) =>
        new(raw, Normalize(raw, mode), MathEquivalence.Parse(Normalize(LatexSpelling.Normalize(raw), mode)));

    private static string Normalize(string answer, MathVerifierMode mode) => mode switch
    {
        MathVerifierMode.Gsm8k => answer.Trim().Replace(",", "", StringComparison.Ordinal),
        MathVerifierMode.Builtin => answer.Trim(),
        MathVerifierMode.Math => HendrycksMath.TryStripString(answer, out var stripped) ? stripped : answer,
        MathVerifierMode.Minerva => MinervaMath.NormalizeFinalAnswer(answer),
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    private static bool Equivalent(Form answer, Form gold, MathVerifierOptions options)
    {
        // What the public harness itself accepts...
        var harness = options.Mode switch
        {
            MathVerifierMode.Math => HendrycksMath.IsEquiv(answer.Raw, gold.Raw),
            _ => answer.Normalized == gold.Normalized,
        };
        // ...or equivalent values. The built-in mode's lists must match element by element in order.
        return harness || MathEquivalence.Equivalent(answer.Value, gold.Value, options.FloatTolerance);
    }

    private static string NoAnswerReason(MathVerifierMode mode) => mode switch
    {
        MathVerifierMode.Gsm8k => "no final answer: expected '#### <number>'",
        MathVerifierMode.Builtin => "no final answer: expected a line '#### <number>' or '#### <number>, <number>, ...' with numbers only",
        MathVerifierMode.Math => "no final answer: expected \\boxed{...}",
        _ => "no final answer: expected 'Final Answer: The final answer is ... I hope it is correct.' or \\boxed{...}",
    };

    private static string Clip(string s) => s.Length <= 80 ? s : s[..77] + "...";
}
