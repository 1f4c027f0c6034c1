namespace ReSTEM.Core.Verification.MathAnswers;

/// <summary>A final answer read as a value: a number, an infinity, a tuple or interval, or (failing those) its text.</summary>
internal abstract record MathValue
{
    /// <summary>Canonical text: equal text means equivalent answers.</summary>
    public abstract string Canonical { get; }

    /// <summary>An exact number; <paramref name="Inexact"/> when it was written with a decimal point (then the float tolerance applies).</summary>
    public sealed record Number(Rational Value, bool Inexact) : MathValue
    {
        public override string Canonical => Value.ToString();
    }

    /// <summary>Plus or minus infinity (interval ends).</summary>
    public sealed record Infinity(bool Negative) : MathValue
    {
        public override string Canonical => Negative ? "-\\infty" : "\\infty";
    }

    /// <summary>
    /// Several values in order: a tuple or interval with its brackets (<c>(1,2]</c>), or a bare
    /// list (<paramref name="Open"/> and <paramref name="Close"/> empty) such as <c>7, 12</c>.
    /// </summary>
    public sealed record Sequence(string Open, string Close, IReadOnlyList<MathValue> Items) : MathValue
    {
        public override string Canonical => Open.Length == 0
            ? string.Join(", ", Items.Select(i => i.Canonical))
            : Open + string.Join(",", Items.Select(i => i.Canonical)) + Close;
    }

    /// <summary>Anything else, compared by its spelled text (<see cref="LatexSpelling"/>).</summary>
    public sealed record Text(string Value) : MathValue
    {
        public override string Canonical => Value;
    }
}
