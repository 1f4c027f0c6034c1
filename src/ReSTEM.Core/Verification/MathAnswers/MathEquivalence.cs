using System.Text.RegularExpressions;

namespace ReSTEM.Core.Verification.MathAnswers;

/// <summary>
/// Equivalence of final answers beyond string equality. An answer is first given one LaTeX
/// spelling (<see cref="LatexSpelling"/>: <c>\frac12</c>, <c>\dfrac{1}{2}</c> and
/// <c>\frac{1}{2}</c> alike; spacing, <c>\left</c>/<c>\right</c>, dollars, degrees, trailing
/// units and <c>{,}</c> thousands separators gone), then read as exact rationals (integers,
/// decimals, fractions, percentages read as the number before the sign, <c>\sqrt</c> of perfect
/// squares), tuples and intervals element by element with their brackets, bare lists
/// (<c>7, 12</c>) in order, with a float tolerance for numbers written with a decimal point.
/// Anything else compares by its spelled text. A comma is a thousands separator only in a
/// whole answer grouped in threes (<c>1,000</c> is 1000, never 1; <c>1.000</c> is 1): decimal
/// commas are not read, since <c>1,5</c> is more often a list than a number.
/// <see cref="Canonical"/> gives one text per value, so equal canonical texts always mean
/// equivalent answers (the converse holds except within the float tolerance).
/// </summary>
public static partial class MathEquivalence
{
    /// <summary>The default relative (and, near zero, absolute) tolerance for decimals.</summary>
    public const double DefaultFloatTolerance = 1e-6;

    /// <summary>The canonical text of an answer: <c>0.50</c>, <c>1/2</c> and <c>\frac{1}{2}</c> all give <c>0.5</c>.</summary>
    public static string Canonical(string answer) => Parse(answer).Canonical;

    /// <summary>True when two final answers are equivalent.</summary>
    public static bool AreEquivalent(string a, string b, double floatTolerance = DefaultFloatTolerance) =>
        Equivalent(Parse(a), Parse(b), floatTolerance);

    /// <summary>Reads an answer as a value (never fails: unreadable answers become text).</summary>
    internal static MathValue Parse(string answer)
    {
        var s = LatexSpelling.Normalize(answer);
        if (ThousandsPattern().IsMatch(s))
        {
            return ParseScalar(s.Replace(",", "", StringComparison.Ordinal)) ?? new MathValue.Text(s);
        }
        if (s.Length >= 2 && s[0] is '(' or '[' && s[^1] is ')' or ']' && ClosingOf(s, 0) == s.Length - 1)
        {
            var inner = SplitTopLevel(s[1..^1]);
            if (inner.Count >= 2)
            {
                return new MathValue.Sequence(s[..1], s[^1..], inner.Select(ParseItem).ToList());
            }
            if (s[0] == '(' && s[^1] == ')')
            {
                return Parse(s[1..^1]);
            }
        }
        var items = SplitTopLevel(s);
        if (items.Count >= 2)
        {
            return new MathValue.Sequence("", "", items.Select(ParseItem).ToList());
        }
        return ParseScalar(s) ?? new MathValue.Text(s);
    }

    internal static bool Equivalent(MathValue x, MathValue y, double floatTolerance)
    {
        switch (x, y)
        {
            case (MathValue.Number a, MathValue.Number b):
                if (a.Value == b.Value)
                {
                    return true;
                }
                if (floatTolerance <= 0 || !(a.Inexact || b.Inexact))
                {
                    return false;
                }
                var da = a.Value.ToDouble();
                var db = b.Value.ToDouble();
                return System.Math.Abs(da - db) <= floatTolerance * System.Math.Max(1.0, System.Math.Max(System.Math.Abs(da), System.Math.Abs(db)));
            case (MathValue.Infinity a, MathValue.Infinity b):
                return a.Negative == b.Negative;
            case (MathValue.Sequence a, MathValue.Sequence b):
                if (a.Open != b.Open || a.Close != b.Close || a.Items.Count != b.Items.Count)
                {
                    return false;
                }
                for (var i = 0; i < a.Items.Count; i++)
                {
                    if (!Equivalent(a.Items[i], b.Items[i], floatTolerance))
                    {
                        return false;
                    }
                }
                return true;
            case (MathValue.Text a, MathValue.Text b):
                return a.Value == b.Value;
            default:
                return false;
        }
    }

    private static MathValue ParseItem(string item)
    {
        var s = LatexSpelling.Normalize(item);
        return ParseScalar(s) ?? new MathValue.Text(s);
    }

    /// <summary>Splits on commas outside (), [], {}.</summary>
    private static List<string> SplitTopLevel(string s)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            switch (s[i])
            {
                case '(' or '[' or '{':
                    depth++;
                    break;
                case ')' or ']' or '}':
                    depth--;
                    break;
                case ',' when depth == 0:
                    parts.Add(s[start..i]);
                    start = i + 1;
                    break;
            }
        }
        parts.Add(s[start..]);
        return parts;
    }

    /// <summary>Index of the bracket closing the one at <paramref name="open"/> (any of ([ with any of )]), or -1.</summary>
    private static int ClosingOf(string s, int open)
    {
        var depth = 0;
        for (var i = open; i < s.Length; i++)
        {
            if (s[i] is '(' or '[' or '{')
            {
                depth++;
            }
            else if (s[i] is ')' or ']' or '}')
            {
                depth--;
                if (depth == 0)
                {
                    return i;
                }
            }
        }
        return -1;
    }

    /// <summary>A number or signed infinity spanning all of <paramref name="s"/>, or null.</summary>
    private static MathValue? ParseScalar(string s)
    {
        if (s is "\\infty" or "+\\infty" or "\\inf" or "oo" or "+oo")
        {
            return new MathValue.Infinity(false);
        }
        if (s is "-\\infty" or "-\\inf" or "-oo")
        {
            return new MathValue.Infinity(true);
        }
        var parser = new Parser(s);
        var value = parser.Expression();
        return value != null && parser.AtEnd ? new MathValue.Number(value.Value.Value, value.Value.Inexact) : null;
    }

    [GeneratedRegex(@"^-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$")]
    private static partial Regex ThousandsPattern();

    /// <summary>Recursive descent over: sign? factor ('/' factor)?, factor = number %? | \frac{e}{e} | \sqrt{e} | {e} | (e).</summary>
    private sealed class Parser(string text)
    {
        private int _position;

        public bool AtEnd => _position == text.Length;

        public (Rational Value, bool Inexact)? Expression()
        {
            var negative = false;
            if (Peek('-') || Peek('+'))
            {
                negative = text[_position] == '-';
                _position++;
            }
            var left = Factor();
            if (left == null)
            {
                return null;
            }
            var (value, inexact) = left.Value;
            if (Peek('/'))
            {
                _position++;
                var right = Factor();
                if (right == null || right.Value.Value.Numerator.IsZero)
                {
                    return null;
                }
                value /= right.Value.Value;
                inexact |= right.Value.Inexact;
            }
            return (negative ? -value : value, inexact);
        }

        private (Rational Value, bool Inexact)? Factor()
        {
            if (Take("\\frac"))
            {
                var numerator = Group();
                var denominator = numerator == null ? null : Group();
                if (denominator == null || denominator.Value.Value.Numerator.IsZero)
                {
                    return null;
                }
                return (numerator!.Value.Value / denominator.Value.Value, numerator.Value.Inexact || denominator.Value.Inexact);
            }
            if (Take("\\sqrt"))
            {
                var radicand = Group();
                return radicand != null && radicand.Value.Value.TrySqrt(out var root) ? (root, radicand.Value.Inexact) : null;
            }
            if (Peek('{'))
            {
                return Group();
            }
            if (Peek('('))
            {
                _position++;
                var inner = Expression();
                return inner != null && Take(")") ? inner : null;
            }
            return NumberWithPercent();
        }

        private (Rational Value, bool Inexact)? Group()
        {
            if (!Take("{"))
            {
                return null;
            }
            var inner = Expression();
            return inner != null && Take("}") ? inner : null;
        }

        private (Rational Value, bool Inexact)? NumberWithPercent()
        {
            var start = _position;
            while (_position < text.Length && (char.IsAsciiDigit(text[_position]) || text[_position] == '.'))
            {
                _position++;
            }
            var literal = text[start.._position];
            if (literal.Count(c => c == '.') > 1 || !Rational.TryParseDecimal(literal, out var value))
            {
                return null;
            }
            // A percentage is read as the number before the sign, as the MATH normaliser drops "\%".
            Take("%");
            return (value, literal.Contains('.', StringComparison.Ordinal));
        }

        private bool Peek(char c) => _position < text.Length && text[_position] == c;

        private bool Take(string token)
        {
            if (_position + token.Length <= text.Length && string.CompareOrdinal(text, _position, token, 0, token.Length) == 0)
            {
                _position += token.Length;
                return true;
            }
            return false;
        }
    }
}
