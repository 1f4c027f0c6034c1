using System.Globalization;

namespace ReSTEM.Core.Verification.Code;

/// <summary>
/// Compares a program's standard output with the expected output the way APPS-style judges
/// do: line by line after trimming each line, ignoring empty lines (as the APPS harness's
/// <c>filter(len, ...)</c> does) and CR/LF differences; within a line, whitespace-separated
/// tokens are equal when they are the same text or the same number read as an exact decimal
/// (<c>2.50</c> = <c>2.5</c>, <c>1e3</c> = <c>1000</c>), and non-integers may differ by the
/// float tolerance. A number is ASCII digits only (<c>[+-]?d*[.d*][(e|E)[+-]d+]</c>); any other
/// token, Arabic-Indic digits included, is compared as text. The work is linear in the size of
/// the outputs, whatever the numbers hold (a quarter of a million trailing zeros, an exponent of
/// a billion).
/// </summary>
public static class StdioOutputComparer
{
    /// <summary>
    /// Exponents with more significant digits than this are not read as numbers: 10^(10^15) is
    /// far past any judge's answer, and the bound keeps exponent arithmetic within a long.
    /// </summary>
    private const int MaxExponentDigits = 15;

    /// <summary>Significant digits that decide a tolerance comparison: a double holds 17.</summary>
    private const int ApproximateDigits = 20;

    /// <summary>True when <paramref name="actual"/> matches <paramref name="expected"/>.</summary>
    public static bool Matches(string actual, string expected, double floatTolerance = 1e-6) =>
        FirstDifference(actual, expected, floatTolerance) == null;

    /// <summary>A short description of the first difference, or null when the outputs match.</summary>
    public static string? FirstDifference(string actual, string expected, double floatTolerance = 1e-6)
    {
        var a = Lines(actual);
        var e = Lines(expected);
        for (var i = 0; i < Math.Max(a.Count, e.Count); i++)
        {
            if (i >= a.Count)
            {
                return $"output ended before line {i + 1} (expected '{Clip(e[i])}')";
            }
            if (i >= e.Count)
            {
                return $"extra output line {i + 1}: '{Clip(a[i])}'";
            }
            if (!LineMatches(a[i], e[i], floatTolerance))
            {
                return $"line {i + 1}: expected '{Clip(e[i])}', got '{Clip(a[i])}'";
            }
        }
        return null;
    }

    /// <summary>True when two tokens are the same number (exactly as decimals, or within the tolerance when either has a fraction or exponent).</summary>
    public static bool NumbersEqual(string a, string b, double floatTolerance)
    {
        if (!DecimalToken.TryParse(a, out var x) || !DecimalToken.TryParse(b, out var y))
        {
            return false;
        }
        if (x.SameValue(y, a, b))
        {
            return true;
        }
        if (floatTolerance <= 0 || (x.IsInteger && y.IsInteger))
        {
            return false;
        }
        return WithinTolerance(x, a, y, b, floatTolerance);
    }

    /// <summary>
    /// |a - b| &lt;= tolerance * max(1, |b|), computed on both values scaled by 10^-s, where
    /// 10^s is the larger magnitude (at least 1), so that neither overflows a double.
    /// </summary>
    private static bool WithinTolerance(DecimalToken x, string a, DecimalToken y, string b, double tolerance)
    {
        var scale = Math.Max(0, Math.Max(x.Magnitude, y.Magnitude));
        var da = x.ScaledDouble(a, scale);
        var db = y.ScaledDouble(b, scale);
        // max(1, |b|) scaled by 10^-s; past s ~ 323 the 1 vanishes next to |b|, as in exact arithmetic.
        var unit = Math.Pow(10, -(double)scale);
        return Math.Abs(da - db) <= tolerance * Math.Max(unit, Math.Abs(db));
    }

    private static List<string> Lines(string text)
    {
        var result = new List<string>();
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.Length > 0)
            {
                result.Add(trimmed);
            }
        }
        return result;
    }

    private static bool LineMatches(string a, string e, double floatTolerance)
    {
        if (a == e)
        {
            return true;
        }
        var ta = a.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var te = e.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (ta.Length != te.Length)
        {
            return false;
        }
        for (var j = 0; j < ta.Length; j++)
        {
            if (ta[j] != te[j] && !NumbersEqual(ta[j], te[j], floatTolerance))
            {
                return false;
            }
        }
        return true;
    }

    private static string Clip(string s) => s.Length <= 60 ? s : s[..57] + "...";

    /// <summary>
    /// A decimal literal read in one pass, without arithmetic on its digits: the value is
    /// (-1)^Negative * 0.D * 10^Magnitude, where D is the significant digits (the literal's digits
    /// from <see cref="First"/> to <see cref="Last"/>, skipping the point; no leading or trailing
    /// zero). Zero has no digits.
    /// </summary>
    private readonly record struct DecimalToken(bool Negative, bool IsInteger, int First, int Last, long Magnitude)
    {
        public bool IsZero => First > Last;

        public static bool TryParse(string token, out DecimalToken value)
        {
            value = default;
            var i = 0;
            var negative = false;
            if (i < token.Length && token[i] is '+' or '-')
            {
                negative = token[i] == '-';
                i++;
            }
            var wholeStart = i;
            while (i < token.Length && char.IsAsciiDigit(token[i])) i++;
            var wholeEnd = i;
            var point = -1;
            var fractionEnd = wholeEnd;
            if (i < token.Length && token[i] == '.')
            {
                point = i++;
                while (i < token.Length && char.IsAsciiDigit(token[i])) i++;
                fractionEnd = i;
            }
            var digits = (wholeEnd - wholeStart) + (point < 0 ? 0 : fractionEnd - point - 1);
            if (digits == 0)
            {
                return false;
            }
            long exponent = 0;
            var hasExponent = i < token.Length && token[i] is 'e' or 'E';
            if (hasExponent && !TryParseExponent(token, i + 1, out exponent))
            {
                return false;
            }
            if (!hasExponent && i != token.Length)
            {
                return false;
            }

            // The significant digits: first and last non-zero digit of whole + fraction.
            var end = point < 0 ? wholeEnd : fractionEnd;
            var first = wholeStart;
            while (first < end && (token[first] == '0' || token[first] == '.')) first++;
            var last = end - 1;
            while (last >= first && (token[last] == '0' || token[last] == '.')) last--;
            var pointAt = point < 0 ? wholeEnd : point;
            // Digits before the point, counted from the first significant digit (negative when it lies after the point).
            long magnitude = first > last ? 0 : first < pointAt ? pointAt - first : -(first - pointAt - 1);
            value = new DecimalToken(negative && first <= last, point < 0 && !hasExponent, first, last, magnitude + exponent);
            return true;
        }

        /// <summary>Exact equality: same sign, same significant digits, same magnitude.</summary>
        public bool SameValue(DecimalToken other, string text, string otherText)
        {
            if (IsZero || other.IsZero) return IsZero && other.IsZero;
            if (Negative != other.Negative || Magnitude != other.Magnitude) return false;
            var i = First;
            var j = other.First;
            while (i <= Last && j <= other.Last)
            {
                if (text[i] == '.') i++;
                if (otherText[j] == '.') j++;
                if (text[i] != otherText[j]) return false;
                i++;
                j++;
            }
            return i > Last && j > other.Last;
        }

        /// <summary>The value times 10^-<paramref name="scale"/> as a double, from its leading digits.</summary>
        public double ScaledDouble(string text, long scale)
        {
            if (IsZero) return 0;
            var digits = new System.Text.StringBuilder(ApproximateDigits + 32);
            digits.Append(Negative ? "-0." : "0.");
            for (var i = First; i <= Last && digits.Length < ApproximateDigits + 3; i++)
            {
                if (text[i] != '.') digits.Append(text[i]);
            }
            digits.Append('e').Append((Magnitude - scale).ToString(CultureInfo.InvariantCulture));
            return double.Parse(digits.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        /// <summary>The exponent after an <c>e</c>: a sign and ASCII digits to the end of the token, at most <see cref="MaxExponentDigits"/> significant ones.</summary>
        private static bool TryParseExponent(string token, int i, out long exponent)
        {
            exponent = 0;
            var negative = false;
            if (i < token.Length && token[i] is '+' or '-')
            {
                negative = token[i] == '-';
                i++;
            }
            if (i == token.Length)
            {
                return false;
            }
            var significant = 0;
            for (; i < token.Length; i++)
            {
                if (!char.IsAsciiDigit(token[i]))
                {
                    return false;
                }
                if (exponent == 0 && token[i] == '0')
                {
                    continue;
                }
                if (++significant > MaxExponentDigits)
                {
                    return false;
                }
                exponent = (exponent * 10) + (token[i] - '0');
            }
            if (negative) exponent = -exponent;
            return true;
        }
    }
}
